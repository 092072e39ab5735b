// Tags that IAM conditions and functions agree on: a job may touch only what carries its tag.

/** Tag on everything a restore test creates; IAM lets the test modify nothing without it. */
export const RESTORE_TEST_TAG = { key: 'dr-restore-test', value: 'temporary' } as const;

/** Tag on the weekly manual snapshots, the only snapshots the weekly job may delete. */
export const WEEKLY_SNAPSHOT_TAG = { key: 'dr-managed-by', value: 'weekly-full-backup' } as const;
