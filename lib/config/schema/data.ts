// Schema of the data section: Aurora Global Database sizes and windows, AWS Backup retention and vault lock.
import { Duration, Token } from 'aws-cdk-lib';
import { z } from 'zod';
import { AURORA_INSTANCE_CLASSES, AURORA_INSTANCE_FAMILIES, AURORA_POSTGRES_MAJOR } from '../catalog';
import type { DataConfig, VaultLockConfig } from '../types';
import type { RuleContext } from './context';
import {
  atLeast,
  between,
  dailyWindow,
  days,
  duration,
  integer,
  matches,
  minutesUntil,
  overlapsDaily,
  parseDailyWindow,
  parseWeeklyWindow,
  POSITIVE,
  retentionDays,
  timeOfDay,
  weeklyWindow,
  WHOLE_DAYS,
} from './rules';
import { group, report, section, whenTyped } from './sections';

/** How long before the daily AWS Backup run the automated backup window may end. */
const BACKUP_WINDOW_LEAD_MINUTES = 6 * 60;
/** AWS Backup refuses a compliance lock whose cooling-off is shorter. */
const MIN_COOLING_OFF = Duration.days(3);

/** Readers of a cluster: Aurora allows 15; prod keeps one, so losing an instance never waits for a new one. */
function readers(context: RuleContext, prodFix: string) {
  return integer(0, 15, 'must be an integer from 0 to 15').refine((count) => !context.prod || count !== 0, prodFix);
}

/**
 * The vault lock; prod's is in compliance mode, which no principal can lift once its cooling-off
 * has passed (governance mode yields to anyone allowed backup:DeleteBackupVaultLockConfiguration).
 */
const vaultLock = (context: RuleContext): z.ZodType<VaultLockConfig> =>
  group('the vault lock settings', {
    mode: z
      .enum(['none', 'governance', 'compliance'], { error: 'use none, governance or compliance' })
      .refine(
        (mode) => !context.prod || mode === 'compliance',
        'prod locks its backup vaults in compliance mode: a governance lock can be removed by any principal allowed backup:DeleteBackupVaultLockConfiguration; set mode "compliance" with changeableFor of at least Duration.days(3)',
      ),
    minRetention: duration(WHOLE_DAYS),
    maxRetention: duration(WHOLE_DAYS),
    changeableFor: duration(WHOLE_DAYS).optional(),
  }).superRefine(
    ({ mode, changeableFor }, ctx) => {
      const coolingOffTooShort =
        !changeableFor || (!changeableFor.isUnresolved() && !atLeast(MIN_COOLING_OFF)(changeableFor));
      if (mode === 'compliance' && coolingOffTooShort) {
        report(
          ctx,
          ['changeableFor'],
          changeableFor,
          'compliance mode needs a cooling-off of at least 3 days (Duration.days(3)); after it the lock can never be removed',
        );
      }
      if (mode !== 'compliance' && changeableFor) {
        report(
          ctx,
          ['changeableFor'],
          changeableFor,
          'only compliance mode has a cooling-off period; remove it or set mode "compliance"',
        );
      }
    },
    { when: whenTyped('mode', 'changeableFor') },
  );

/** A locked vault must accept what the backup rules put in it, or AWS Backup fails those jobs. */
function lockAcceptsRules(data: DataConfig, ctx: z.core.$RefinementCtx): void {
  const { vaultLock: lock, dailyBackupRetention, weeklyBackupRetention } = data;
  const figures = [lock.minRetention, lock.maxRetention, dailyBackupRetention, weeklyBackupRetention];
  if (lock.mode === 'none' || figures.some((figure) => figure.isUnresolved())) return;
  const shortest = Math.min(days(dailyBackupRetention), days(weeklyBackupRetention));
  const longest = Math.max(days(dailyBackupRetention), days(weeklyBackupRetention));
  if (days(lock.minRetention) > shortest) {
    report(
      ctx,
      ['vaultLock', 'minRetention'],
      lock.minRetention,
      `must not exceed the shortest rule retention (${shortest} days), or the vault rejects those recovery points`,
    );
  }
  if (days(lock.maxRetention) < longest) {
    report(
      ctx,
      ['vaultLock', 'maxRetention'],
      lock.maxRetention,
      `must be at least the longest rule retention (${longest} days), or the vault rejects those recovery points`,
    );
  }
}

/** RDS refuses a maintenance window that conflicts with the backup window. */
function maintenanceClearOfBackups(data: DataConfig, ctx: z.core.$RefinementCtx): void {
  const backups = parseDailyWindow(data.preferredBackupWindow);
  const maintenance = parseWeeklyWindow(data.preferredMaintenanceWindow);
  if (backups && maintenance && overlapsDaily(maintenance, backups)) {
    report(
      ctx,
      ['preferredMaintenanceWindow'],
      data.preferredMaintenanceWindow,
      `overlaps the daily backup window (${data.preferredBackupWindow}), which RDS refuses; move it clear of that window`,
    );
  }
}

/** The `data` section. */
export function dataSchema(context: RuleContext): z.ZodType<DataConfig> {
  const daily = context.dailyBackupMinute;
  return section('the Aurora and AWS Backup settings of the data tier', {
    // CDK adds the db. prefix itself; given twice, the instance class does not exist.
    instanceType: matches(
      /^[a-z0-9]+\.[a-z0-9]+$/,
      'must be an instance class without the db. prefix, such as r7g.large',
    ).refine(
      (type) =>
        Token.isUnresolved(type) || !/^[a-z0-9]+\.[a-z0-9]+$/.test(type) || AURORA_INSTANCE_CLASSES.includes(type),
      `is not a memory-optimized class that Aurora PostgreSQL ${AURORA_POSTGRES_MAJOR} offers for a Global Database; use a size of ${AURORA_INSTANCE_FAMILIES.join(', ')}, such as r7g.large (lib/config/catalog/aurora.ts)`,
    ),
    primaryReaders: readers(
      context,
      'prod needs at least 1 reader in another AZ, so an AZ failure does not take the writer away for long',
    ),
    secondaryReaders: readers(
      context,
      'prod needs at least 1 reader in the secondary cluster, so a promotion does not wait for an instance to be created',
    ),
    backupRetention: duration(WHOLE_DAYS, [
      between(Duration.days(7), Duration.days(35)),
      'Aurora keeps 1 to 35 days and this project requires at least 7; use Duration.days(7) to Duration.days(35)',
    ]),
    preferredBackupWindow: dailyWindow(
      '00:00-01:00',
      [({ start, end }) => minutesUntil(start, end) >= 30, 'RDS needs a backup window of at least 30 minutes'],
      [
        ({ end }) => daily === undefined || minutesUntil(end, daily) <= BACKUP_WINDOW_LEAD_MINUTES,
        `must end at most 6 hours before the daily backup (${timeOfDay(daily ?? 0)} UTC) so that the two never overlap`,
      ],
    ),
    preferredMaintenanceWindow: weeklyWindow('tue:03:00-tue:03:30', [
      ({ start, end }) => end - start >= 30,
      'RDS needs a maintenance window of at least 30 minutes',
    ]),
    // The recovery model counts this threshold as the Core API RPO and holds it to the objective.
    globalLagAlarmThreshold: duration(POSITIVE),
    dailyBackupRetention: duration(WHOLE_DAYS, [
      between(Duration.days(1), Duration.days(35)),
      'the daily rule keeps continuous backups, which AWS Backup keeps 1 to 35 days',
    ]),
    weeklyBackupRetention: duration(WHOLE_DAYS, [
      atLeast(Duration.days(90)),
      'weekly full backups are kept at least 90 days; use Duration.days(90) or more',
    ]),
    vaultLock: vaultLock(context),
    secretRotation: duration([
      between(Duration.days(1), Duration.days(365)),
      'Secrets Manager rotates every 1 to 365 days',
    ]),
    logRetention: retentionDays(),
    // PostgreSQL's rule for an unquoted identifier, which is what the Data API's `database` takes.
    applicationDatabase: matches(
      /^[a-z_][a-z0-9_$]{0,62}$/,
      'must be a PostgreSQL database name: lower case letters, digits, _ or $, starting with a letter or _, at most 63 characters (the clusters create only "postgres")',
    ),
  })
    .superRefine(lockAcceptsRules, {
      when: whenTyped('vaultLock', 'dailyBackupRetention', 'weeklyBackupRetention'),
    })
    .superRefine(maintenanceClearOfBackups, {
      when: whenTyped('preferredBackupWindow', 'preferredMaintenanceWindow'),
    });
}
