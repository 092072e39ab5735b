// Keys and the AWS Backup vault of one region: long-lived state that the data tier of both regions uses.
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { BackupFailureAlerts } from '../constructs/backup-failure-alerts';
import { EncryptionKey } from '../constructs/encryption-key';
import { RecoveryVault } from '../constructs/recovery-vault';
import { RepoMirrorBucket, RepoMirrorRole } from '../constructs/repo-mirror';
import {
  dataKeyAlias,
  parameterName,
  repoMirrorBucketName,
  repoMirrorRoleName,
  stackDescription,
  vaultName,
} from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link ProtectionStack}. */
export interface ProtectionStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  /** Alerting of the same region; backup failures page its critical topic. */
  readonly alerting: AlertingStack;
}

/**
 * Keys (database, secrets, backup) and the backup vault of one region. They live apart from the
 * database so that the other region can depend on them (secret replica key, copy target) before
 * either database exists, and so that nothing that holds data is replaced with the database.
 */
export class ProtectionStack extends DrStack {
  public readonly databaseKey: EncryptionKey;
  public readonly secretsKey: EncryptionKey;
  public readonly backupKey: EncryptionKey;
  public readonly vault: RecoveryVault;
  /** This region's bucket of daily git bundles (the plan's "internal" repository mirror). */
  public readonly repoMirror: RepoMirrorBucket;

  constructor(scope: Construct, props: ProtectionStackProps) {
    super(scope, {
      ...props,
      purpose: 'Protection',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'keys and backup vault'),
    });
    const { config } = this;
    this.databaseKey = new EncryptionKey(this, 'DatabaseKey', {
      purpose: 'Aurora storage, Performance Insights and database logs',
      alias: dataKeyAlias(config, 'database'),
      allowCloudWatchLogs: true,
    });
    this.secretsKey = new EncryptionKey(this, 'SecretsKey', {
      purpose: 'database credentials in Secrets Manager',
      alias: dataKeyAlias(config, 'secrets'),
    });
    this.backupKey = new EncryptionKey(this, 'BackupKey', {
      purpose: 'AWS Backup vault and cross-region copies',
      alias: dataKeyAlias(config, 'backup'),
    });
    this.vault = new RecoveryVault(this, 'Vault', {
      vaultName: vaultName(config, this.regionConfig),
      encryptionKey: this.backupKey.key,
      lock: config.data.vaultLock,
    });
    new BackupFailureAlerts(this, 'BackupFailureAlerts', { topic: props.alerting.alerts.topic('critical') });
    this.repoMirror = new RepoMirrorBucket(this, 'RepoMirror', {
      bucketName: repoMirrorBucketName(config, this.regionConfig),
      stage: config.stage,
      objectLock: { mode: config.objectLock.mode, retention: config.pipeline.mirrorRetention },
    });
    // IAM is global: the primary's stack holds the stage's one mirror role, which writes every region's
    // bucket by its fixed name.
    if (this.regionConfig.role === 'primary') {
      new RepoMirrorRole(this, 'RepoMirrorRole', {
        roleName: repoMirrorRoleName(config),
        githubRepository: config.pipeline.githubRepository,
        bucketNames: config.regions.map((region) => repoMirrorBucketName(config, region)),
      });
    }

    new ssm.StringParameter(this, 'VaultArnParameter', {
      parameterName: parameterName(config, 'data', 'vault-arn'),
      stringValue: this.vault.vault.backupVaultArn,
      description: 'ARN of the AWS Backup vault of this region',
    });
    // Recovery points record key ARNs; the integrity check compares against these, in both regions.
    new ssm.StringParameter(this, 'DatabaseKeyArnParameter', {
      parameterName: parameterName(config, 'data', 'database-key-arn'),
      stringValue: this.databaseKey.key.keyArn,
      description: 'ARN of the key of Aurora storage and snapshots in this region',
    });
    new ssm.StringParameter(this, 'BackupKeyArnParameter', {
      parameterName: parameterName(config, 'data', 'backup-key-arn'),
      stringValue: this.backupKey.key.keyArn,
      description: 'ARN of the key of the AWS Backup vault and of cross-region copies into it',
    });
    new ssm.StringParameter(this, 'VaultNameParameter', {
      parameterName: parameterName(config, 'data', 'vault-name'),
      stringValue: this.vault.vault.backupVaultName,
      description: 'Name of the AWS Backup vault of this region',
    });
  }
}
