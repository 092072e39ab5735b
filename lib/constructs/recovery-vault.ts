// An AWS Backup vault with our key, an optional vault lock, and recovery points nobody can delete early.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { VaultLockConfig } from '../config';

/** Props of {@link RecoveryVault}. */
export interface RecoveryVaultProps {
  /** Fixed vault name, so the other region can address it as a copy target without a reference. */
  readonly vaultName: string;
  /** Key that encrypts recovery points of fully managed resource types and cross-region copies. */
  readonly encryptionKey: kms.IKey;
  /**
   * Vault lock. `governance` can be removed by a privileged principal; `compliance` can be deleted
   * or changed only during its cooling-off (`changeableFor`, at least 3 days after the lock is
   * created): after it, nobody (not the account root, not AWS) can remove the lock or shorten its
   * retention, for as long as the vault exists.
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
   */
  readonly lock: VaultLockConfig;
}

/**
 * A retained vault whose access policy denies deleting recovery points or shortening their
 * lifecycle, so a compromised principal (the plan's scenario 3) cannot erase the backups.
 */
export class RecoveryVault extends Construct {
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: RecoveryVaultProps) {
    super(scope, id);
    const lockConfiguration = renderLock(this, props.lock);
    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.vaultName,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      ...(lockConfiguration ? { lockConfiguration } : {}),
    });
  }
}

/** AWS Backup refuses a compliance lock whose cooling-off is shorter (72 hours). */
const MIN_COOLING_OFF_DAYS = 3;

/**
 * The vault's lock. AWS Backup tells the modes apart by `ChangeableForDays` alone: with it the lock
 * is in compliance mode, without it in governance mode. So a compliance lock without its cooling-off
 * would quietly be a governance lock, and a governance lock given one would become irreversible;
 * both are refused here, whatever the config let through.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
function renderLock(scope: Construct, lock: VaultLockConfig): backup.LockConfiguration | undefined {
  if (lock.mode === 'none') return undefined;
  const retention = { minRetention: lock.minRetention, maxRetention: lock.maxRetention };
  if (lock.mode === 'governance') {
    if (lock.changeableFor) {
      throw new Error(
        `the governance lock of ${scope.node.path} has changeableFor, which would make it a compliance lock; remove it, or set mode "compliance"`,
      );
    }
    return retention;
  }
  const { changeableFor } = lock;
  if (!changeableFor) {
    throw new Error(
      `the compliance lock of ${scope.node.path} has no changeableFor, so AWS Backup would make it a governance lock; give changeableFor: Duration.days(${MIN_COOLING_OFF_DAYS}) or more`,
    );
  }
  if (!changeableFor.isUnresolved() && changeableFor.toDays({ integral: false }) < MIN_COOLING_OFF_DAYS) {
    throw new Error(
      `changeableFor of ${scope.node.path} must be at least ${MIN_COOLING_OFF_DAYS} days (AWS Backup's 72-hour cooling-off), got: ${changeableFor.toHumanString()}`,
    );
  }
  return { ...retention, changeableFor };
}
