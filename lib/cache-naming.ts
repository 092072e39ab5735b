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
  } as const;
}
