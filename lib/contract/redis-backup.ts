// What the Redis backup job and its construct agree on beyond names: the Object Lock it places and the snapshots it keeps.

/** Environment keys of the per-object Object Lock the job places on each verified export. */
export const REDIS_BACKUP_LOCK_ENV = {
  /** `governance` or `compliance`: `objectLock.mode`. */
  mode: 'OBJECT_LOCK_MODE',
  /** Whole days from the lock: `objectLock.cacheBackupRetention`. */
  days: 'OBJECT_LOCK_RETENTION_DAYS',
} as const;

/** The job's own manual snapshots: how they are named, and how many it keeps. */
export const REDIS_BACKUP_SNAPSHOTS = {
  /** `<group>-<daily|weekly>-<yyyymmdd-hhmm>` plus this: the only snapshot names the job creates and deletes. */
  suffix: '-snap',
  /**
   * How many of its own newest manual snapshots the job keeps after a verified export. Two: the
   * export in S3 is the backup, so a snapshot is only a faster restore source (no S3 import); the
   * newest two cover the latest run and the one before it (a daily and a weekly on the same day).
   * Older ones are storage billed per GB with nothing depending on them, and ElastiCache allows a
   * node 20 manual snapshots per 24 hours.
   */
  keep: 2,
} as const;
