// Schema of the objectLock section: S3 Object Lock mode and retention of the backup buckets, held to their lifecycle.
import { Duration } from 'aws-cdk-lib';
import { z } from 'zod';
import type { DrConfig, ObjectLockConfig } from '../types';
import type { RuleContext } from './context';
import { between, days, duration, isWholeDays } from './rules';
import { report, section } from './sections';

/**
 * Bounds of a retention. S3 takes whole days from 1. The upper bound is ours: a compliance-mode
 * retention can never be shortened, and every locked version is billed until it ends, so a slip such
 * as `Duration.days(3650)` would buy ten years of storage nobody can delete. A year covers every
 * retention the plan asks of a backup (its longest is the 90-day weekly full backup).
 */
export const MIN_OBJECT_LOCK_RETENTION = Duration.days(1);
export const MAX_OBJECT_LOCK_RETENTION = Duration.days(365);

function retention() {
  return duration(
    [isWholeDays, 'S3 Object Lock keeps whole days; use Duration.days(n)'],
    [
      between(MIN_OBJECT_LOCK_RETENTION, MAX_OBJECT_LOCK_RETENTION),
      'must be from 1 to 365 days: S3 needs at least 1, and a longer compliance lock is storage nobody can delete for years',
    ],
  );
}

/** The `objectLock` section. */
export function objectLockSchema(context: RuleContext): z.ZodType<ObjectLockConfig> {
  return section('the S3 Object Lock settings of the backup buckets', {
    mode: z
      .enum(['governance', 'compliance'], { error: 'use governance or compliance' })
      .refine(
        (mode) => !context.prod || mode === 'compliance',
        'prod locks its backups in compliance mode: a governance lock is lifted by anyone allowed s3:BypassGovernanceRetention; set mode "compliance"',
      ),
    cacheBackupRetention: retention(),
    iacBackupRetention: retention(),
  });
}

/**
 * A lock longer than the lifecycle that deletes the version does not make it last forever, but it
 * makes the lifecycle's delete fail until the lock ends: the version stays, and is billed, past the
 * life the config gives it. So each lock ends no later than the lifecycle would delete its version:
 * a cache export by `cache.backupBucket.retention` (its expiry), an IaC backup by
 * `automation.iacBackupRetention` (its dated keys are never expired; a version is deleted only that
 * long after it was overwritten or deleted, so a lock no longer than that is never in the way).
 */
export function objectLockWithinLifecycle(config: DrConfig, ctx: z.core.$RefinementCtx): void {
  const lock = config.objectLock;
  const pairs = [
    {
      field: 'cacheBackupRetention',
      locked: lock.cacheBackupRetention,
      life: config.cache.backupBucket.retention,
      lifeField: 'cache.backupBucket.retention',
    },
    {
      field: 'iacBackupRetention',
      locked: lock.iacBackupRetention,
      life: config.automation.iacBackupRetention,
      lifeField: 'automation.iacBackupRetention',
    },
  ];
  for (const { field, locked, life, lifeField } of pairs) {
    if (!(locked instanceof Duration) || !(life instanceof Duration)) continue;
    if (locked.isUnresolved() || life.isUnresolved()) continue;
    if (days(locked) > days(life)) {
      report(
        ctx,
        ['objectLock', field],
        locked,
        `must not exceed ${lifeField} (${days(life)} days): the lifecycle could not delete a version still locked; shorten the lock or lengthen ${lifeField}`,
      );
    }
  }
}
