// Tags that IAM conditions and functions agree on: a job may touch only what carries its tag.

/** Tag on everything a restore test creates; IAM lets the test modify nothing without it. */
export const RESTORE_TEST_TAG = { key: 'dr-restore-test', value: 'temporary' } as const;

/** Tag on the weekly manual snapshots, the only snapshots the weekly job may delete. */
export const WEEKLY_SNAPSHOT_TAG = { key: 'dr-managed-by', value: 'weekly-full-backup' } as const;

/** Tag on the Redis backup job's own manual snapshots, put on at creation: the only snapshots it may delete. */
export const REDIS_BACKUP_SNAPSHOT_TAG = { key: 'dr-managed-by', value: 'redis-backup' } as const;

/**
 * How the weekly job replaces the plan's `-latest` without a moment when no usable copy exists:
 * the new copy is made as `<latest><nextSuffix>` first, and whichever of the two is the one a
 * restore should use carries `currentTag`. IAM denies deleting a snapshot with that tag to every role.
 */
export const LATEST_ROTATION = {
  nextSuffix: '-next',
  currentTag: { key: 'dr-latest', value: 'current' },
} as const;

/**
 * Name of the error a function throws when its input names a target it does not own; the stepped
 * jobs end the run on it at once instead of sending the same state to cleanup again.
 */
export const NOT_OWNED_TARGET_ERROR = 'NotOwnedTargetError';

/**
 * The tag an API-key secret of the service carries so that `dr secrets reset` rotates it. With the
 * stage tag (`stage` = the stage) it selects the only secrets, besides the stacks' own two, that the
 * command touches; the application puts it on its provider keys, each with a rotation function of its own.
 */
export const API_KEY_SECRET_TAG = { key: 'dr-secret-reset', value: 'api-key' } as const;
