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
