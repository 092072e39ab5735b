// Weekly full Aurora backup as resumable steps: a manual cluster snapshot, then the plan's "-latest" name for it, copy-first.
import {
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  paginateDescribeDBClusterSnapshots,
  type DBClusterSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { retrying, type RetryPolicy } from '../shared/check-report';
import { publishRecord } from '../shared/run-record';
import { nameStamp } from '../shared/exports';
import {
  assertOwnedName,
  assertOwnedTarget,
  escapeRegExp,
  hasOwnerTag,
  NotOwnedTargetError,
  type Ownership,
} from '../shared/owned-target';
import { findAuroraWriter, outcomeOf, type AuroraTarget, type Placement } from '../shared/writer-placement';
import {
  availableCopy,
  copyInto,
  describeSnapshot,
  isCurrent,
  markCurrent,
  nextSlot,
  retireSlot,
  RotationError,
} from './latest-rotation';

export interface AuroraBackupDeps {
  readonly rds: RDSClient;
  readonly ssm: SSMClient;
  readonly now: () => Date;
  /** How the writer lookup retries while AWS throttles it. @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
}

export interface AuroraBackupSettings {
  readonly clusterIdentifier: string;
  /**
   * Snapshot identifier that always names the newest full backup, so the plan's
   * `restore-db-cluster-from-snapshot --snapshot-identifier async-toolformer-prod-latest` works as written.
   */
  readonly latestSnapshotIdentifier: string;
  /** SSM parameter naming the newest full backup; its versions are the log of weekly runs. */
  readonly aliasParameter: string;
  /** Weekly snapshots older than this many days are deleted by the next run. */
  readonly retentionDays: number;
  /** Tag that marks snapshots this function made, and the only ones it may delete. */
  readonly ownerTag: { readonly key: string; readonly value: string };
  /** This region's member of the global cluster: the run acts only where it is the writer. */
  readonly writer: AuroraTarget;
}

/** What every step after the start knows. */
interface WeeklyRun {
  /** The manual snapshot this run took. */
  readonly snapshotIdentifier: string;
  /** Weekly snapshots past retention that this run deleted. */
  readonly expired: readonly string[];
}

/**
 * Where a weekly run stands; each invocation advances it by at most one step. `-latest` is
 * replaced copy-first: the new snapshot is copied to `-latest-next`, which becomes current (tag
 * and record) before the old `-latest` is deleted and copied again from it; so at every moment one
 * available copy is current and the SSM record names it.
 */
export type AuroraBackupState =
  | { readonly phase: 'start' }
  | (WeeklyRun & { readonly phase: 'snapshotting' })
  | (WeeklyRun & { readonly phase: 'copying-next' })
  | (WeeklyRun & { readonly phase: 'replacing-latest' })
  | (WeeklyRun & { readonly phase: 'naming-latest' })
  | (WeeklyRun & { readonly phase: 'done'; readonly aliasVersion: number })
  | SkippedRun;

/** The phases a run passes through after its start, in order. */
export const RUN_PHASES = ['snapshotting', 'copying-next', 'replacing-latest', 'naming-latest', 'done'] as const;

/** A run that found the writer in another region: it ends at once, took nothing and deleted nothing. */
export interface SkippedRun {
  readonly phase: 'done';
  readonly outcome: `skipped: ${string}`;
  readonly placement: Placement;
}

export class AuroraBackupFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuroraBackupFailedError';
  }
}

/** The weekly snapshots: `<cluster>-weekly-<yyyymmdd-hhmm>` with the job's tag, and nothing else. */
export function weeklySnapshots(settings: AuroraBackupSettings): Ownership {
  const prefix = `${settings.clusterIdentifier}-weekly-`;
  return {
    what: 'weekly snapshot',
    prefix,
    pattern: new RegExp(`^${escapeRegExp(prefix)}\\d{8}-\\d{4}$`),
    tag: settings.ownerTag,
  };
}

const slots = (settings: AuroraBackupSettings) => ({
  latest: settings.latestSnapshotIdentifier,
  ownerTag: settings.ownerTag,
});

/** Weekly snapshots of ours past retention; manual snapshots never expire on their own. */
async function expiredSnapshots(deps: AuroraBackupDeps, settings: AuroraBackupSettings): Promise<string[]> {
  const cutoff = deps.now().getTime() - settings.retentionDays * 86_400_000;
  const ours = weeklySnapshots(settings);
  const expired: string[] = [];
  for await (const page of paginateDescribeDBClusterSnapshots(
    { client: deps.rds },
    { DBClusterIdentifier: settings.clusterIdentifier, SnapshotType: 'manual' },
  )) {
    for (const snapshot of page.DBClusterSnapshots ?? []) {
      const identifier = snapshot.DBClusterSnapshotIdentifier ?? '';
      if (
        hasOwnerTag(snapshot.TagList, ours) &&
        ours.pattern!.test(identifier) &&
        (snapshot.SnapshotCreateTime?.getTime() ?? Infinity) < cutoff
      ) {
        expired.push(identifier);
      }
    }
  }
  return expired;
}

async function start(deps: AuroraBackupDeps, settings: AuroraBackupSettings): Promise<AuroraBackupState> {
  // Where the writer is now, not where it was at deploy: the job runs in both regions.
  const placement = await retrying(() => findAuroraWriter(deps.rds, settings.writer), deps.retry);
  const outcome = outcomeOf(placement);
  if (outcome !== 'acted') return { phase: 'done', outcome, placement };
  const expired = await expiredSnapshots(deps, settings);
  for (const identifier of expired) {
    await deps.rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier }));
  }
  const snapshotIdentifier = `${weeklySnapshots(settings).prefix}${nameStamp(deps.now()).toLowerCase()}`;
  await deps.rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: settings.clusterIdentifier,
      DBClusterSnapshotIdentifier: snapshotIdentifier,
      Tags: [{ Key: settings.ownerTag.key, Value: settings.ownerTag.value }],
    }),
  );
  return { phase: 'snapshotting', snapshotIdentifier, expired };
}

/** The run's weekly snapshot once available, after checking it is this job's snapshot of this cluster. */
async function ownWeeklySnapshot(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  identifier: string,
): Promise<DBClusterSnapshot | undefined> {
  const snapshot = await describeSnapshot(deps.rds, identifier);
  if (!snapshot) throw new AuroraBackupFailedError(`snapshot ${identifier} no longer exists`);
  assertOwnedTarget(snapshot.DBClusterSnapshotIdentifier ?? identifier, snapshot.TagList, weeklySnapshots(settings));
  if (snapshot.DBClusterIdentifier !== settings.clusterIdentifier) {
    throw new NotOwnedTargetError(identifier, `a snapshot of ${snapshot.DBClusterIdentifier ?? 'no cluster'}`);
  }
  if (snapshot.Status === 'creating') return undefined;
  if (snapshot.Status !== 'available')
    throw new AuroraBackupFailedError(`snapshot ${identifier} is ${snapshot.Status}`);
  return snapshot;
}

/** Snapshot available: copy it to `-latest-next`; the old `-latest` stays untouched. */
async function copyToNext(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'snapshotting' }>,
): Promise<AuroraBackupState> {
  const snapshot = await ownWeeklySnapshot(deps, settings, state.snapshotIdentifier);
  if (!snapshot) return state;
  const next = nextSlot(slots(settings));
  const leftover = await describeSnapshot(deps.rds, next);
  if (leftover && isCurrent(leftover)) {
    throw new RotationError(
      `${next} is still the current copy from an unfinished rotation; the record names it. Copy it to ${settings.latestSnapshotIdentifier}, tag that current, then run again`,
    );
  }
  if (leftover) {
    // A copy a failed run left behind: it goes first, since the new copy takes its name.
    if (leftover.Status !== 'deleting') await retireSlot(deps.rds, slots(settings), next);
    return state;
  }
  await copyInto(deps.rds, slots(settings), snapshot, next);
  return { ...state, phase: 'copying-next' };
}

async function publish(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: WeeklyRun,
  current: DBClusterSnapshot,
): Promise<number> {
  return publishRecord(deps.ssm, settings.aliasParameter, {
    clusterIdentifier: settings.clusterIdentifier,
    snapshotIdentifier: state.snapshotIdentifier,
    latestSnapshotIdentifier: current.DBClusterSnapshotIdentifier,
    latestSnapshotArn: current.DBClusterSnapshotArn,
    rotating: current.DBClusterSnapshotIdentifier !== settings.latestSnapshotIdentifier,
    expired: state.expired,
    recordedAt: deps.now().toISOString(),
  });
}

/** `-latest-next` available: it becomes current (tag, then record), and only then the old `-latest` goes. */
async function swapToNext(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'copying-next' }>,
): Promise<AuroraBackupState> {
  const next = await availableCopy(deps.rds, nextSlot(slots(settings)));
  if (!next) return state;
  await markCurrent(deps.rds, slots(settings), next);
  await publish(deps, settings, state, next);
  await retireSlot(deps.rds, slots(settings), settings.latestSnapshotIdentifier);
  return { ...state, phase: 'replacing-latest' };
}

/** The old `-latest` gone: copy `-latest-next` under the plan's name. */
async function copyToLatest(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'replacing-latest' }>,
): Promise<AuroraBackupState> {
  const old = await describeSnapshot(deps.rds, settings.latestSnapshotIdentifier);
  if (old?.Status === 'deleting') return state;
  if (old) throw new RotationError(`${settings.latestSnapshotIdentifier} is back (${old.Status}) before the copy`);
  const next = await availableCopy(deps.rds, nextSlot(slots(settings)));
  if (!next) throw new RotationError(`${nextSlot(slots(settings))} is no longer available`);
  await copyInto(deps.rds, slots(settings), next, settings.latestSnapshotIdentifier);
  return { ...state, phase: 'naming-latest' };
}

/** `-latest` available again: it becomes current, the record names it, and `-latest-next` goes. */
async function record(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'naming-latest' }>,
): Promise<AuroraBackupState> {
  const latest = await availableCopy(deps.rds, settings.latestSnapshotIdentifier);
  if (!latest) return state;
  await markCurrent(deps.rds, slots(settings), latest);
  const version = await publish(deps, settings, state, latest);
  await retireSlot(deps.rds, slots(settings), nextSlot(slots(settings)));
  return { ...state, phase: 'done', aliasVersion: version };
}

/**
 * Advances `state` by one step. Every state is untrusted (a start input can carry any): a snapshot
 * name that is not one of this job's weekly names is refused before any AWS call, and one without
 * the job's tag before anything is copied or deleted.
 */
export async function advance(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: AuroraBackupState,
): Promise<AuroraBackupState> {
  if (state.phase !== 'start' && !('outcome' in state)) {
    assertOwnedName(state.snapshotIdentifier, weeklySnapshots(settings));
    for (const identifier of state.expired) assertOwnedName(identifier, weeklySnapshots(settings));
  }
  switch (state.phase) {
    case 'start':
      return start(deps, settings);
    case 'snapshotting':
      return copyToNext(deps, settings, state);
    case 'copying-next':
      return swapToNext(deps, settings, state);
    case 'replacing-latest':
      return copyToLatest(deps, settings, state);
    case 'naming-latest':
      return record(deps, settings, state);
    case 'done':
      return state;
  }
}
