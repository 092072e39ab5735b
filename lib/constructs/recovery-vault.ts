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
   * Vault lock. `governance` can be removed by a privileged principal; `compliance` becomes
   * immutable after `changeableFor`.
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
    const { lock } = props;
    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.vaultName,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      ...(lock.mode === 'none'
        ? {}
        : {
            lockConfiguration: {
              minRetention: lock.minRetention,
              maxRetention: lock.maxRetention,
              ...(lock.mode === 'compliance' && lock.changeableFor ? { changeableFor: lock.changeableFor } : {}),
            },
          }),
    });
  }
}
