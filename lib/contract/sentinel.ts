// The sentinels the backups write and the restore tests read back: names, how the checksum is made, and the count tolerance.
import { RESOURCE_PREFIX } from './names';

/**
 * The Redis sentinel: one key without a TTL, overwritten by every backup run just before its
 * snapshot, holding JSON `{writtenAt, checksum}`. No TTL so that it survives a restore however old
 * the export is (ElastiCache drops keys whose TTL passed when it loads an .rdb).
 */
export const REDIS_SENTINEL = {
  key: `${RESOURCE_PREFIX}:dr:sentinel`,
  /**
   * Object written next to an export, `<export name><sidecarSuffix>`: the sentinel and the counts
   * the run saw just before its snapshot, so the restore test knows what the restored copy must hold.
   */
  sidecarSuffix: '.sentinel.json',
} as const;

/**
 * How far the restored copy's count of keys without a TTL may fall short of, or exceed, the count
 * read just before the snapshot: `max(absolute, ceil(fraction × source))`.
 *
 * Why keys without a TTL: the cache holds rate-limiter counters with TTLs of seconds to minutes;
 * ElastiCache drops expired keys when it loads an .rdb, and the restore test restores an export up
 * to a week old, so every counter is gone by then and DBSIZE would differ by design. Persistent
 * keys (the sentinel among them) survive a restore of any age.
 * Why a tolerance at all: the count is read a moment before CreateSnapshot, and the application
 * keeps writing while the snapshot is taken (seconds to minutes). 1 % or 10 keys absorbs that
 * churn; an empty restore, a missing shard or a truncated file is far outside it.
 */
export const REDIS_COUNT_TOLERANCE = { fraction: 0.01, absolute: 10 } as const;

/** The allowed difference between a source count and its restored count under `tolerance`. */
export function countTolerance(
  source: number,
  tolerance: { readonly fraction: number; readonly absolute: number } = REDIS_COUNT_TOLERANCE,
): number {
  return Math.max(tolerance.absolute, Math.ceil(source * tolerance.fraction));
}

/** What the checksum of a sentinel covers: `sha256("<stage>|<writtenAt>")`, hex. */
export const SENTINEL_CHECKSUM = 'sha256 of "<stage>|<writtenAt>", hex' as const;

/**
 * The Aurora sentinel: one row of `table` in the database the Data API opens by default (the
 * master user's `postgres`), overwritten by the sentinel job minutes before every backup of the
 * AWS Backup plan and the weekly `-latest` snapshot (schedule `aurora-sentinel`, config
 * `schedules`). The row holds `written_at`, `checksum` (the same rule as {@link SENTINEL_CHECKSUM})
 * and `row_counts`: the exact row count of every other user table at that moment, as JSON. The
 * restored copy carries its own expectation, so the restore test needs no record outside it.
 */
export const AURORA_SENTINEL = {
  /** Schema-qualified, in the database's public schema; the job creates it when missing. */
  table: 'public.dr_restore_sentinel',
  /** The one row's key: the job upserts it, so the table never grows. */
  rowId: 1,
  /** The plan schedule (config `schedules[].id`) the job runs on. */
  schedule: 'aurora-sentinel',
  /**
   * The newest sentinel a restore may hold is at most this old, in hours, at the recovery point:
   * the restore test restores the newest weekly snapshot (sentinel written 10 minutes before it),
   * and the daily writes keep it at most a day old besides; 26 h covers a day plus the backup rule's
   * one-hour start window. An older sentinel means the restore is not of the backup it claims.
   */
  maxAgeHours: 26,
} as const;

/**
 * Per table, how far the restored copy's row count may differ from the count the sentinel job read
 * just before the backup: `max(absolute, ceil(fraction × source))`.
 *
 * Why a tolerance: the job counts rows ten minutes before the plan's backup fires, and AWS Backup
 * may start its snapshot anywhere in the rule's one-hour start window, while the orchestrator keeps
 * writing (job records, tool-call logs). 5 % or 100 rows absorbs about an hour of that churn on
 * the tables this service keeps; an empty restore, a missing table, or a table truncated to a
 * fraction of its size falls far outside it. A table present at backup and absent from the restore
 * fails whatever its count.
 */
export const AURORA_COUNT_TOLERANCE = { fraction: 0.05, absolute: 100 } as const;

/** The Aurora restore test's temporary instance: its name prefix; it also carries {@link RESTORE_TEST_TAG}. */
export const AURORA_RESTORE_TEST_INSTANCE_PREFIX = 'atf-aurora-restore-test-';
