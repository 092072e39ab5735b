// Each DR function's handler module, service name (its metrics' `service` dimension) and the environment it reads at cold start.

import { REDIS_BACKUP_LOCK_ENV } from './redis-backup';
import { PROVIDER_FALLBACK } from './providers';
import { CACHE_AUTH_ROTATOR } from './secret-rotation';
import { GAME_DAY_RECORDER } from './game-days';
import { STATUS_PAGE_PUBLISHER } from './status-page';

/** What lib/ and a function agree on. */
export interface FunctionContract<Key extends string = string> {
  /** Handler module, relative to the project root; its export `handler` is the entry point. */
  readonly entry: string;
  /**
   * Powertools service name: the function's logs and the `service` dimension of its metrics carry
   * it, so an alarm on the function's metrics filters on exactly this value.
   */
  readonly service: string;
  /** Environment variables the handler requires at cold start, besides {@link SHARED_ENVIRONMENT}. */
  readonly environment: readonly Key[];
}

/** Set for every function by the DrFunction construct (STAGE) or by Lambda itself (AWS_REGION). */
export const SHARED_ENVIRONMENT = ['STAGE', 'AWS_REGION'] as const;

function contract<Key extends string>(spec: FunctionContract<Key>): FunctionContract<Key> {
  return spec;
}

/** Every DR function, by name. */
export const FUNCTIONS = {
  degradedModeSwitch: contract({
    entry: 'lambda/degraded-mode/handler.ts',
    service: 'degraded-mode-switch',
    environment: ['MODE_PARAMETER_NAME', 'REPLICATION_GROUP_ID', 'ALERT_TOPIC_ARN'],
  }),
  iacBackup: contract({
    entry: 'lambda/iac-backup/handler.ts',
    service: 'iac-backup',
    environment: ['STACK_PREFIX', 'PARAMETER_PATH', 'BACKUP_BUCKET', 'BACKUP_BUCKET_REGION', 'RESULT_PARAMETER_NAME'],
  }),
  integrityCheck: contract({
    entry: 'lambda/integrity-check/handler.ts',
    service: 'integrity-check',
    environment: [
      'PEER_REGION',
      'GLOBAL_CLUSTER_IDENTIFIER',
      'CLUSTER_IDENTIFIER',
      'CLUSTER_ARN',
      'REPLICATION_GROUP_ID',
      'STANDALONE_CACHE_FOLLOWS_WRITER',
      'VAULT_NAME',
      'PEER_VAULT_NAME',
      'DATABASE_KEY_PARAMETER',
      'COPY_KEY_PARAMETER',
      'REDIS_BUCKET',
      'PEER_REDIS_BUCKET',
      'REDIS_PREFIX',
      'DAILY_MAX_AGE_SECONDS',
      'WEEKLY_MAX_AGE_SECONDS',
      'POINT_IN_TIME_MAX_LAG_SECONDS',
      'REPORT_PARAMETER_NAME',
    ],
  }),
  redisBackup: contract({
    entry: 'lambda/redis-backup/handler.ts',
    service: 'redis-backup',
    environment: [
      'REPLICATION_GROUP_ID',
      'BACKUP_BUCKET',
      'RESULT_PARAMETER_NAME',
      'CACHE_AUTH_SECRET_NAME',
      'PEER_REGION',
      'GLOBAL_CLUSTER_IDENTIFIER',
      'CLUSTER_IDENTIFIER',
      'STANDALONE_CACHE_FOLLOWS_WRITER',
      REDIS_BACKUP_LOCK_ENV.mode,
      REDIS_BACKUP_LOCK_ENV.days,
    ],
  }),
  weeklyAuroraBackup: contract({
    entry: 'lambda/weekly-backup/handler.ts',
    service: 'weekly-full-backup',
    environment: [
      'GLOBAL_CLUSTER_IDENTIFIER',
      'CLUSTER_IDENTIFIER',
      'LATEST_SNAPSHOT_IDENTIFIER',
      'ALIAS_PARAMETER_NAME',
      'RETENTION_DAYS',
      'OWNER_TAG_KEY',
      'OWNER_TAG_VALUE',
    ],
  }),
  restoreValidation: contract({
    entry: 'lambda/restore-validation/handler.ts',
    service: 'restore-validation',
    environment: [
      'ENGINE_VERSION',
      'DATABASE_KEY_PARAMETER',
      'MAX_RESTORE_SECONDS',
      'INSTANCE_PREFIX',
      'INSTANCE_CLASS',
      'RESTORE_TAG_KEY',
      'RESTORE_TAG_VALUE',
      'PROTECTED_CLUSTERS',
      'DATABASE_NAME',
    ],
  }),
  auroraSentinel: contract({
    entry: 'lambda/aurora-sentinel/handler.ts',
    service: 'aurora-sentinel',
    environment: [
      'GLOBAL_CLUSTER_IDENTIFIER',
      'CLUSTER_IDENTIFIER',
      'CLUSTER_ARN',
      'MASTER_SECRET_NAME',
      'DATABASE_NAME',
    ],
  }),
  redisRestoreTest: contract({
    entry: 'lambda/redis-restore-test/handler.ts',
    service: 'redis-restore-test',
    environment: [
      'BACKUP_BUCKET',
      'EXPORT_PREFIX',
      'GROUP_PREFIX',
      'ENGINE',
      'ENGINE_VERSION',
      'CACHE_NODE_TYPE',
      'SUBNET_GROUP_NAME',
      'SECURITY_GROUP_IDS',
      'RESTORE_TAG_KEY',
      'RESTORE_TAG_VALUE',
      'MAX_RESTORE_SECONDS',
      'CACHE_AUTH_SECRET_NAME',
    ],
  }),
  crossRegionVerification: contract({
    entry: 'lambda/cross-region-verification/handler.ts',
    service: 'cross-region-verification',
    environment: [
      'VERIFY_DAYS',
      'VAULT_NAME',
      'SOURCE_VAULT_NAME',
      'SOURCE_CLUSTER_ARN',
      'COPY_KEY_PARAMETER',
      'REPLICA_BUCKET',
      'EXPORT_PREFIX',
      'REPORT_PARAMETER_NAME',
    ],
  }),
  dnsView: contract({
    entry: 'lambda/dns-view/handler.ts',
    service: 'dns-view',
    environment: [
      'ZONE_NAME',
      'FAILOVER_NAME',
      'PRIMARY_NAME',
      'SECONDARY_NAME',
      'SAMPLES_PER_RUN',
      'SAMPLE_INTERVAL_SECONDS',
    ],
  }),
  /** The cache warm-up's step: a versioned manifest in S3 loaded into the region's cache primary in batches. */
  cacheWarmUp: contract({
    entry: 'lambda/cache-warm-up/handler.ts',
    service: 'cache-warm-up',
    environment: ['REPLICATION_GROUP_ID', 'CACHE_AUTH_SECRET_NAME', 'MANIFEST_BUCKET', 'BATCH_SIZE', 'KEYS_PER_STEP'],
  }),
  /** The rollout restart's step: the orchestrator Deployment patched and followed through the private Kubernetes API. */
  rolloutRestart: contract({
    entry: 'lambda/rollout-restart/handler.ts',
    service: 'rollout-restart',
    environment: ['CLUSTER_NAME', 'CLUSTER_ENDPOINT', 'CLUSTER_CA', 'NAMESPACE', 'DEPLOYMENT'],
  }),
  /** The status page publisher; its environment keys are STATUS_PAGE_ENV (lib/contract/status-page.ts). */
  statusPagePublisher: STATUS_PAGE_PUBLISHER,
  /** The game-day recorder; its environment keys are GAME_DAY_ENV (lib/contract/game-days.ts). */
  gameDayRecorder: GAME_DAY_RECORDER,
  /** The provider fallback; its environment keys are PROVIDER_FALLBACK_ENV (lib/contract/providers.ts). */
  providerFallback: PROVIDER_FALLBACK,
  /** The cache AUTH token's rotation function; its environment keys are CACHE_AUTH_ROTATION_ENV (lib/contract/secret-rotation.ts). */
  cacheAuthRotator: CACHE_AUTH_ROTATOR,
} as const;

/** Name of a DR function in {@link FUNCTIONS}. */
export type FunctionName = keyof typeof FUNCTIONS;

/** The environment a function's construct must pass: every key of its contract, as strings. */
export type FunctionEnvironment<Key extends string> = Readonly<Record<Key, string>>;
