// Housekeeping after a verified export: the Redis backup job deletes its own older manual snapshots of the group.
import { DeleteSnapshotCommand, paginateDescribeSnapshots, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { REDIS_BACKUP_SNAPSHOTS } from '../../lib/contract';
import { assertOwnedName, escapeRegExp, ownedNamePattern, type OwnedNames } from '../shared/owned-target';

/**
 * Housekeeping after a verified export. A failed delete does not fail the backup (the export is
 * safe and locked; the snapshot is only a faster restore source and the next run retries the
 * delete), but it is never silent: `failures` counts them and the handler logs a warning.
 */
export interface SnapshotPrune {
  readonly deleted: readonly string[];
  /** Deletes (or the listing) that failed: `snapshot_prune_failures` in the step's log. */
  readonly failures: number;
  readonly errors: readonly { readonly snapshot: string; readonly error: string }[];
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** The manual snapshots this job creates for `group`: `<group>-<kind>-<stamp>-snap`, nothing else. */
export function ownSnapshots(group: string): OwnedNames {
  return {
    what: 'manual snapshot of the redis-backup job',
    prefix: `${group}-`,
    pattern: new RegExp(
      `^${escapeRegExp(group)}-(daily|weekly)-\\d{8}-\\d{4}${escapeRegExp(REDIS_BACKUP_SNAPSHOTS.suffix)}$`,
    ),
  };
}

/** The `yyyymmdd-hhmm` of one of the job's snapshot names: their order is their age whatever the kind. */
const stampOf = (name: string) => name.slice(0, -REDIS_BACKUP_SNAPSHOTS.suffix.length).slice(-13);

/**
 * Deletes the job's own older manual snapshots of the group beyond the newest `keep`,
 * never the one just exported, never an automatic one, never a name it did not generate. Lists
 * with the paginator, filtered by group and `SnapshotSource: manual`, and checks each again here
 * (source, group, available, the owned-name pattern) before its delete.
 */
export async function pruneSnapshots(
  elasticache: ElastiCacheClient,
  { group, keep, current }: { readonly group: string; readonly keep: number; readonly current: string },
): Promise<SnapshotPrune> {
  const ownership = ownSnapshots(group);
  const pattern = ownedNamePattern(ownership);
  const own: string[] = [];
  try {
    for await (const page of paginateDescribeSnapshots(
      { client: elasticache },
      { ReplicationGroupId: group, SnapshotSource: 'manual' },
    )) {
      for (const snapshot of page.Snapshots ?? []) {
        const name = snapshot.SnapshotName;
        if (
          name !== undefined &&
          snapshot.SnapshotSource === 'manual' &&
          snapshot.ReplicationGroupId === group &&
          snapshot.SnapshotStatus === 'available' &&
          pattern.test(name)
        ) {
          own.push(name);
        }
      }
    }
  } catch (error) {
    // The listing failed: nothing deleted, and the count says so; the next run lists again.
    return { deleted: [], failures: 1, errors: [{ snapshot: '(listing)', error: describeError(error) }] };
  }
  const newestFirst = [...new Set(own)].sort((a, b) => stampOf(b).localeCompare(stampOf(a)) || b.localeCompare(a));
  const doomed = newestFirst.filter((name) => name !== current).slice(Math.max(keep - 1, 0));
  const deleted: string[] = [];
  const errors: { snapshot: string; error: string }[] = [];
  for (const name of doomed) {
    try {
      assertOwnedName(name, ownership);
      await elasticache.send(new DeleteSnapshotCommand({ SnapshotName: name }));
      deleted.push(name);
    } catch (error) {
      errors.push({ snapshot: name, error: describeError(error) });
    }
  }
  return { deleted, failures: errors.length, errors };
}
