// Weekly full Aurora backup as resumable steps: a manual cluster snapshot, then the plan's "-latest" name for it.
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
  type DBClusterSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { retrying, type RetryPolicy } from '../shared/check-report';
import { publishRecord } from '../shared/run-record';
import { nameStamp } from '../shared/exports';
import { findAuroraWriter, outcomeOf, type AuroraTarget, type Placement } from '../shared/writer-placement';

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

/** Where a weekly run stands; each invocation advances it by at most one step. */
export type AuroraBackupState =
  | { readonly phase: 'start' }
  | (WeeklyRun & { readonly phase: 'snapshotting' })
  | (WeeklyRun & { readonly phase: 'naming-latest' })
  | (WeeklyRun & { readonly phase: 'done'; readonly aliasVersion: number })
  | SkippedRun;

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

const weeklyPrefix = (settings: AuroraBackupSettings) => `${settings.clusterIdentifier}-weekly-`;

async function describe(rds: RDSClient, identifier: string): Promise<DBClusterSnapshot | undefined> {
  try {
    const { DBClusterSnapshots } = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
    );
    return DBClusterSnapshots?.[0];
  } catch (error) {
    if (error instanceof DBClusterSnapshotNotFoundFault || (error as Error).name === 'DBClusterSnapshotNotFoundFault')
      return undefined;
    throw error;
  }
}

/** Weekly snapshots of ours past retention; manual snapshots never expire on their own. */
async function expiredSnapshots(deps: AuroraBackupDeps, settings: AuroraBackupSettings): Promise<string[]> {
  const cutoff = deps.now().getTime() - settings.retentionDays * 86_400_000;
  const expired: string[] = [];
  for await (const page of paginateDescribeDBClusterSnapshots(
    { client: deps.rds },
    { DBClusterIdentifier: settings.clusterIdentifier, SnapshotType: 'manual' },
  )) {
    for (const snapshot of page.DBClusterSnapshots ?? []) {
      const ours = snapshot.TagList?.some(
        (tag) => tag.Key === settings.ownerTag.key && tag.Value === settings.ownerTag.value,
      );
      if (
        ours &&
        snapshot.DBClusterSnapshotIdentifier?.startsWith(weeklyPrefix(settings)) &&
        (snapshot.SnapshotCreateTime?.getTime() ?? Infinity) < cutoff
      ) {
        expired.push(snapshot.DBClusterSnapshotIdentifier);
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
  const snapshotIdentifier = `${weeklyPrefix(settings)}${nameStamp(deps.now()).toLowerCase()}`;
  await deps.rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: settings.clusterIdentifier,
      DBClusterSnapshotIdentifier: snapshotIdentifier,
      Tags: [{ Key: settings.ownerTag.key, Value: settings.ownerTag.value }],
    }),
  );
  return { phase: 'snapshotting', snapshotIdentifier, expired };
}

async function nameLatest(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'snapshotting' }>,
): Promise<AuroraBackupState> {
  const snapshot = await describe(deps.rds, state.snapshotIdentifier);
  if (!snapshot) throw new AuroraBackupFailedError(`snapshot ${state.snapshotIdentifier} no longer exists`);
  if (snapshot.Status === 'creating') return state;
  if (snapshot.Status !== 'available')
    throw new AuroraBackupFailedError(`snapshot ${state.snapshotIdentifier} is ${snapshot.Status}`);
  // Snapshots cannot be renamed: the "-latest" name is a copy of the newest, replacing the last one.
  if (await describe(deps.rds, settings.latestSnapshotIdentifier)) {
    await deps.rds.send(
      new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: settings.latestSnapshotIdentifier }),
    );
  }
  await deps.rds.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: state.snapshotIdentifier,
      TargetDBClusterSnapshotIdentifier: settings.latestSnapshotIdentifier,
      CopyTags: true,
      ...(snapshot.KmsKeyId ? { KmsKeyId: snapshot.KmsKeyId } : {}),
    }),
  );
  return { ...state, phase: 'naming-latest' };
}

async function record(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: Extract<AuroraBackupState, { phase: 'naming-latest' }>,
): Promise<AuroraBackupState> {
  const latest = await describe(deps.rds, settings.latestSnapshotIdentifier);
  if (!latest) throw new AuroraBackupFailedError(`copy ${settings.latestSnapshotIdentifier} no longer exists`);
  if (latest.Status === 'creating' || latest.Status === 'copying') return state;
  if (latest.Status !== 'available')
    throw new AuroraBackupFailedError(`copy ${settings.latestSnapshotIdentifier} is ${latest.Status}`);
  const value = {
    clusterIdentifier: settings.clusterIdentifier,
    snapshotIdentifier: state.snapshotIdentifier,
    latestSnapshotIdentifier: settings.latestSnapshotIdentifier,
    latestSnapshotArn: latest.DBClusterSnapshotArn,
    expired: state.expired,
    recordedAt: deps.now().toISOString(),
  };
  const version = await publishRecord(deps.ssm, settings.aliasParameter, value);
  return { ...state, phase: 'done', aliasVersion: version };
}

/** Advances `state` by one step. */
export async function advance(
  deps: AuroraBackupDeps,
  settings: AuroraBackupSettings,
  state: AuroraBackupState,
): Promise<AuroraBackupState> {
  switch (state.phase) {
    case 'start':
      return start(deps, settings);
    case 'snapshotting':
      return nameLatest(deps, settings, state);
    case 'naming-latest':
      return record(deps, settings, state);
    case 'done':
      return state;
  }
}
