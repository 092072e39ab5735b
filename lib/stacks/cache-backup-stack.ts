// Backup buckets of the cache tier in one region; the primary's replicates to the secondary's.
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { CacheBackupBucket } from '../constructs/cache-backup-bucket';
import { ReplicationAlarms } from '../constructs/replicated-bucket-alarms';
import { alarmNamePrefix, cacheBackupBucketName, cacheExportKeyPrefix, parameters, stackDescription } from '../naming';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link CacheBackupStack}. */
export interface CacheBackupStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  /** Topic of the replication alarms (primary region only). */
  readonly highTopic: sns.ITopic;
}

/**
 * The region's bucket for exported .rdb backups, the second line behind the Global Datastore. A
 * stack of its own because the order is the reverse of the cache stacks': the secondary's bucket
 * must exist before the primary's bucket can replicate into it, while the secondary's replication
 * group must come after the primary's.
 */
export class CacheBackupStack extends DrStack {
  public readonly backup: CacheBackupBucket;

  constructor(scope: Construct, props: CacheBackupStackProps) {
    super(scope, {
      ...props,
      purpose: 'CacheBackup',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'cache backups in S3'),
    });
    const { config, regionConfig } = this;
    const { transitionAfter, retention, noncurrentVersionExpiry } = config.cache.backupBucket;
    const bucketName = cacheBackupBucketName(config, regionConfig);
    const secondary = config.regions.find((region) => region.role === 'secondary');
    const destination =
      regionConfig.role === 'primary' && secondary
        ? s3.Bucket.fromBucketAttributes(this, 'SecondaryBackupBucket', {
            bucketName: cacheBackupBucketName(config, secondary),
            region: secondary.region,
            account: config.account,
          })
        : undefined;

    this.backup = new CacheBackupBucket(this, 'Backups', {
      bucketName,
      transitionAfter,
      retention,
      exportKeyPrefix: cacheExportKeyPrefix(config),
      noncurrentVersionExpiry,
      objectLock: { mode: config.objectLock.mode, retention: config.objectLock.cacheBackupRetention },
      ...(destination ? { replicateTo: { bucket: destination } } : {}),
    });

    new ssm.StringParameter(this, 'BucketNameParameter', {
      parameterName: parameters(config).cacheBackupBucket,
      stringValue: bucketName,
      description: `Bucket for exported cache backups in ${regionConfig.region}, for the backup Lambdas`,
    });

    if (destination) {
      new ReplicationAlarms(this, 'ReplicationAlarms', {
        bucket: this.backup.replicated,
        alarmNamePrefix: alarmNamePrefix(config, regionConfig, 'cache-backups'),
        latencyThreshold: config.cache.alarms.s3ReplicationLatency,
        failureImpact: 'the secondary region cannot restore the backups that did not arrive',
        topic: props.highTopic,
      });
    }
  }
}
