// Fixed names of the cache tier, which other regions, Lambdas and runbooks use without a lookup.
import type { DrConfig, RegionConfig } from './config';
import { parameterName, regionCode } from './naming';

/** Replication group of a region, for example `async-toolformer-prod-use1`. */
export function cacheReplicationGroupId(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-${regionCode(region.region)}`;
}

/** Suffix of the Global Datastore id; ElastiCache prepends its own regional prefix. */
export function cacheGlobalDatastoreSuffix(config: DrConfig): string {
  return `async-toolformer-${config.stage}`;
}

/** Backup bucket of a region; account and region code keep it globally unique and under 63 characters. */
export function cacheBackupBucketName(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-cache-backups-${config.account}-${regionCode(region.region)}`;
}

/** Secret holding the AUTH token; created in the primary region and replicated to the secondary. */
export function cacheAuthTokenSecretName(config: DrConfig): string {
  return `async-toolformer/${config.stage}/cache/auth-token`;
}

/** The SSM parameters the cache tier hands over, by what they hold. */
export function cacheParameterNames(config: DrConfig) {
  return {
    /** `redis` or `in-memory`; the orchestrator reads it (one per region). */
    rateLimiterMode: parameterName(config, 'rate-limiter', 'mode'),
    /** Id of the region's replication group. */
    replicationGroupId: parameterName(config, 'cache', 'replication-group-id'),
    /** Full id of the Global Datastore, written in the primary region. */
    globalReplicationGroupId: parameterName(config, 'cache', 'global-replication-group-id'),
    /** Name of the region's backup bucket, for the backup Lambdas. */
    backupBucket: parameterName(config, 'cache', 'backup-bucket'),
    /** JSON of everything a group restored from a backup needs (scripts/redis/restore-from-backup.sh). */
    restoreSettings: parameterName(config, 'cache', 'restore-settings'),
  } as const;
}

/**
 * What the Cache stack publishes at `/async-toolformer/<stage>/cache/restore-settings`: everything
 * a restored group needs to look like the stack's own, so a restore needs no console lookups.
 */
export interface RestoreSettings {
  readonly replicationGroupId: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  readonly numCacheClusters: number;
  readonly port: number;
  readonly cacheSubnetGroupName: string;
  readonly securityGroupIds: string[];
  readonly cacheParameterGroupName: string;
  readonly kmsKeyId: string;
  readonly authTokenSecretName: string;
  readonly snapshotRetentionLimit: number;
  readonly snapshotWindow: string;
  readonly preferredMaintenanceWindow: string;
  readonly notificationTopicArn: string;
}
