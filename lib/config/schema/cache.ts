// Schema of the cache section: the Valkey cluster, its snapshot and maintenance windows, alarms and backup bucket.
import { Duration, Token } from 'aws-cdk-lib';
import { z } from 'zod';
import { CACHE_NODE_FAMILIES, CACHE_NODE_TYPES, VALKEY_VERSIONS } from '../catalog';
import type { CacheAlarmThresholds, CacheBackupBucketConfig, CacheConfig } from '../types';
import type { RuleContext } from './context';
import {
  atLeast,
  dailyWindow,
  days,
  duration,
  integer,
  isPositive,
  isWholeDays,
  matches,
  minutesUntil,
  percentage,
  POSITIVE,
  seconds,
  weeklyWindow,
  type Rule,
} from './rules';
import { group, report, section, whenTyped } from './sections';

/** The plan's daily backup runs at 02:00 UTC; the automatic snapshot must be done by then. */
const SNAPSHOT_DEADLINE_MINUTES = 2 * 60;
const MAX_SNAPSHOT_RETENTION_DAYS = 35;
const MIN_PROD_SNAPSHOT_RETENTION_DAYS = 7;
/** Replication Time Control replicates 99.99% of objects within this many minutes. */
const RTC_BOUND_MINUTES = 15;
/** S3 charges Standard-IA for at least 30 days and refuses an earlier transition. */
const MIN_IA_TRANSITION_DAYS = 30;
const PORT_FIX = 'must be an unprivileged port (1024-65535) other than the default 6379, for example 6380';

/** The cache tier's alarm thresholds; thresholds are data, bounded by what the objectives allow. */
function alarms(context: RuleContext): z.ZodType<CacheAlarmThresholds> {
  // The Global Datastore lag threshold is the rate-limiting RPO term of the recovery model, which
  // holds it to the objective; the in-region replica lag is held to the same RPO here.
  const rpo = context.rateLimitingRpo;
  return group('the alarm thresholds', {
    globalReplicationLag: duration(POSITIVE),
    replicationLag: duration(POSITIVE, [
      (lag) => rpo === undefined || !isPositive(lag) || seconds(lag) < seconds(rpo),
      `must be well under the rate-limiting RPO (${rpo?.toHumanString()}), or the alarm fires only after the objective is missed; a quarter of it is the default`,
    ]),
    engineCpuPercent: percentage(),
    memoryPercent: percentage(),
    s3ReplicationLatency: duration([
      (latency) => isPositive(latency) && seconds(latency) < RTC_BOUND_MINUTES * 60,
      `must be positive and under the ${RTC_BOUND_MINUTES} minute Replication Time Control bound, for example 12 minutes`,
    ]),
  });
}

/** S3 lifecycle rules count in whole days. */
const WHOLE_DAYS: Rule<Duration> = [
  (age) => isWholeDays(age) && days(age) >= 1,
  'must be whole days, at least 1 (S3 lifecycle rules count in days)',
];

const backupBucket: z.ZodType<CacheBackupBucketConfig> = group('the lifecycle of the backup bucket', {
  transitionAfter: duration(WHOLE_DAYS, [
    atLeast(Duration.days(MIN_IA_TRANSITION_DAYS)),
    `S3 moves objects to Standard-IA after ${MIN_IA_TRANSITION_DAYS} days at the earliest`,
  ]),
  retention: duration(WHOLE_DAYS),
  noncurrentVersionExpiry: duration(WHOLE_DAYS),
}).superRefine(
  ({ transitionAfter, retention }, ctx) => {
    if (transitionAfter.isUnresolved() || retention.isUnresolved()) return;
    if (days(retention) <= days(transitionAfter)) {
      report(
        ctx,
        ['retention'],
        retention,
        `must be longer than transitionAfter (${transitionAfter.toHumanString()}), or the transition never happens`,
      );
    }
  },
  { when: whenTyped('transitionAfter', 'retention') },
);

/** A Global Datastore does not take T-family (burstable) nodes. */
function nodeFitsDatastore(cache: CacheConfig, ctx: z.core.$RefinementCtx): void {
  if (cache.globalDatastore && /^cache\.t\d/.test(cache.nodeType)) {
    report(
      ctx,
      ['nodeType'],
      cache.nodeType,
      'a Global Datastore does not support T-family nodes; use an M or R type such as cache.r7g.large',
    );
  }
}

/** The parameter group family is the one ElastiCache gives the engine version. */
function familyMatchesEngine(cache: CacheConfig, ctx: z.core.$RefinementCtx): void {
  const family = Object.hasOwn(VALKEY_VERSIONS, cache.engineVersion) ? VALKEY_VERSIONS[cache.engineVersion] : undefined;
  if (family && cache.parameterGroupFamily !== family) {
    report(
      ctx,
      ['parameterGroupFamily'],
      cache.parameterGroupFamily,
      `must match engine version ${cache.engineVersion}: use ${family}`,
    );
  }
}

const VALKEY_VERSION_LIST = Object.keys(VALKEY_VERSIONS).join(', ');
const NODE_TYPE_FIX = 'must be a node type such as cache.r7g.large';

/** The `cache` section. */
export function cacheSchema(context: RuleContext): z.ZodType<CacheConfig> {
  const minRetention = context.prod ? MIN_PROD_SNAPSHOT_RETENTION_DAYS : 1;
  return section('the ElastiCache for Valkey settings of the cache tier', {
    engineVersion: matches(/^\d+\.\d+$/, 'must be MAJOR.MINOR, such as 8.0').refine(
      (version) =>
        Token.isUnresolved(version) || !/^\d+\.\d+$/.test(version) || Object.hasOwn(VALKEY_VERSIONS, version),
      `is not a Valkey version ElastiCache offers; use one of ${VALKEY_VERSION_LIST} (lib/config/catalog/elasticache.ts)`,
    ),
    parameterGroupFamily: z.string(),
    nodeType: matches(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, NODE_TYPE_FIX).refine(
      (type) =>
        Token.isUnresolved(type) || !/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(type) || CACHE_NODE_TYPES.includes(type),
      `is not a current-generation ElastiCache node type; use a size of ${CACHE_NODE_FAMILIES.join(', ')}, such as cache.r7g.large (lib/config/catalog/elasticache.ts)`,
    ),
    replicasPerNodeGroup: integer(1, 5, 'must be an integer from 1 to 5: Multi-AZ failover needs at least one replica'),
    port: integer(1024, 65535, PORT_FIX).refine((port) => port !== 6379, PORT_FIX),
    globalDatastore: z.boolean(),
    snapshotRetention: duration([
      (retention) =>
        isWholeDays(retention) && days(retention) >= minRetention && days(retention) <= MAX_SNAPSHOT_RETENTION_DAYS,
      `must be whole days from ${minRetention} to ${MAX_SNAPSHOT_RETENTION_DAYS}${context.prod ? ' (prod keeps at least a week)' : ''}`,
    ]),
    snapshotWindow: dailyWindow(
      '00:30-01:30',
      [({ start, end }) => minutesUntil(start, end) >= 60, 'must be at least 60 minutes long (ElastiCache minimum)'],
      [
        ({ end }) => end <= SNAPSHOT_DEADLINE_MINUTES,
        'must end by 02:00 UTC, so the daily 02:00 backup exports a fresh snapshot; for example 00:30-01:30',
      ],
    ),
    maintenanceWindow: weeklyWindow('sun:05:00-sun:06:00'),
    authTokenRotation: duration([
      (every) => isWholeDays(every) && days(every) >= 1 && days(every) <= 365,
      'Secrets Manager rotates every 1 to 365 whole days, for example 30 days',
    ]),
    alarms: alarms(context),
    backupBucket,
  })
    .superRefine(nodeFitsDatastore, { when: whenTyped('nodeType', 'globalDatastore') })
    .superRefine(familyMatchesEngine, { when: whenTyped('engineVersion', 'parameterGroupFamily') });
}
