// Redis/Valkey backup to S3 as a small state machine: write the sentinel, snapshot, export, verify the .rdb landed.
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
  type Snapshot,
} from '@aws-sdk/client-elasticache';
import {
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { REDIS_BACKUP_SNAPSHOTS, REDIS_BACKUP_SNAPSHOT_TAG, REDIS_SENTINEL } from '../../lib/contract';
import { cacheAuthToken, primaryEndpoint, type CacheConnector } from '../shared/cache-session';
import { retrying, type RetryPolicy } from '../shared/check-report';
import { publishRecord } from '../shared/run-record';
import { nameStamp } from '../shared/exports';
import { sentinelValue, type SentinelValue } from '../shared/sentinel';
import { pruneSnapshots, type SnapshotPrune } from './prune-snapshots';
import { assertOwnedName, NotOwnedTargetError } from '../shared/owned-target';
import {
  findCachePrimary,
  outcomeOf,
  type CachePlacementClients,
  type CachePlacementTarget,
  type Placement,
} from '../shared/writer-placement';

/** The clients and clock of one region. */
export interface RedisBackupDeps extends CachePlacementClients {
  readonly elasticache: ElastiCacheClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  /** Reads the cache's AUTH token at run time. */
  readonly secrets: SecretsManagerClient;
  /** Opens a TLS session with a cache node (the sentinel's write and the key counts). */
  readonly cache: CacheConnector;
  readonly now: () => Date;
  /** How the writer lookup retries while AWS throttles it. @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
}

/** Which run this is: daily or weekly; both write the sentinel and take their own snapshot. */
export type BackupKind = 'daily' | 'weekly';

/** Settings of one replication group's backup. */
export interface RedisBackupSettings {
  readonly replicationGroupId: string;
  /** Same-region bucket that ElastiCache exports into. */
  readonly bucket: string;
  /** SSM parameter whose versions log every verified export. */
  readonly resultParameter: string;
  /** The stage: part of the sentinel's checksum. */
  readonly stage: string;
  /** Secret holding the cache tier's AUTH token. */
  readonly authTokenSecretName: string;
  /** This region's group: the run acts only where it is the cache primary. */
  readonly primary: CachePlacementTarget;
  /** The lock each verified export and its sidecar get: the bucket has Object Lock but no default retention. */
  readonly objectLock: ExportLock;
  /**
   * How many of the job's own newest manual snapshots of the group stay after a verified export.
   * @default REDIS_BACKUP_SNAPSHOTS.keep
   */
  readonly keepSnapshots?: number;
}

/** S3 Object Lock of one export: `objectLock.mode` and `objectLock.cacheBackupRetention`. */
export interface ExportLock {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Whole days from the moment of the lock. */
  readonly days: number;
}

/**
 * Where a backup run stands. Each Lambda invocation advances it by at most one step and returns
 * it; Step Functions waits and invokes again, so no invocation waits out a snapshot or an export.
 */
export type BackupState =
  | { readonly phase: 'start'; readonly kind: BackupKind }
  | (InFlight & { readonly phase: 'snapshotting' })
  | (InFlight & { readonly phase: 'exporting' })
  | (InFlight & {
      readonly phase: 'done';
      readonly objects: readonly { readonly key: string; readonly size: number }[];
      readonly resultVersion: number;
      /** The versions locked: every .rdb and the sidecar, until `retainUntil`. */
      readonly locked: LockedExport;
      /** The job's own older snapshots deleted after the export, and the deletes that failed. */
      readonly snapshotPrune: SnapshotPrune;
    })
  | SkippedRun;

/** A run that found the cache primary in another region: it ends at once and exported nothing. */
export interface SkippedRun {
  readonly phase: 'done';
  readonly kind: BackupKind;
  readonly outcome: `skipped: ${string}`;
  readonly placement: Placement;
}

/**
 * The sentinel a run wrote just before its snapshot, and the counts it read with it: what a
 * restore of this export must give back (lambda/redis-restore-test reads it from the sidecar).
 */
export interface WrittenSentinel extends SentinelValue {
  readonly key: string;
  /** Keys of all databases, and those without a TTL, at the moment the sentinel was written. */
  readonly keys: number;
  readonly persistentKeys: number;
}

/** What a verified export's lock covers. */
export interface LockedExport {
  readonly mode: ExportLock['mode'];
  readonly retainUntil: string;
  readonly versions: readonly { readonly key: string; readonly versionId: string }[];
}

/** What every step after the start knows. */
interface InFlight {
  readonly kind: BackupKind;
  readonly sentinel: WrittenSentinel;
  /** The snapshot being exported: the automatic one, or one this run took. */
  readonly snapshotName: string;
  /** Name of the export; ElastiCache writes `<exportName>-0001.rdb` and so on, one per shard. */
  readonly exportName: string;
}

/** Thrown when the backup cannot complete; the state machine fails and the alarm fires. */
export class BackupFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFailedError';
  }
}

/**
 * Writes the sentinel into this group's primary and reads the key counts, over TLS with the AUTH
 * token. A sentinel that cannot be written fails the run: an export without one could never be
 * proven by a restore test.
 */
async function writeSentinel(deps: RedisBackupDeps, settings: RedisBackupSettings): Promise<WrittenSentinel> {
  const endpoint = await primaryEndpoint(deps.elasticache, settings.replicationGroupId);
  if (!endpoint)
    throw new BackupFailedError(`replication group ${settings.replicationGroupId} has no primary endpoint`);
  const password = await cacheAuthToken(deps.secrets, settings.authTokenSecretName);
  const value = sentinelValue(settings.stage, deps.now());
  const counts = await deps.cache(endpoint, password, async (session) => {
    await session.set(REDIS_SENTINEL.key, JSON.stringify(value));
    return session.counts();
  });
  return { key: REDIS_SENTINEL.key, ...value, keys: counts.keys, persistentKeys: counts.persistent };
}

async function start(deps: RedisBackupDeps, settings: RedisBackupSettings, kind: BackupKind): Promise<BackupState> {
  // Where the primary is now, not where it was at deploy: the job runs in both regions.
  const placement = await retrying(() => findCachePrimary(deps, settings.primary), deps.retry);
  const outcome = outcomeOf(placement);
  if (outcome !== 'acted') return { phase: 'done', kind, outcome, placement };
  const now = deps.now();
  const exportName = `${settings.replicationGroupId}-${kind}-${nameStamp(now)}`;
  // The sentinel first, then a snapshot of our own: the automatic snapshot of the night is older
  // than the sentinel, so exporting it could never show this run's sentinel. A node allows 20
  // manual snapshots a day; the daily and weekly runs take at most two.
  const sentinel = await writeSentinel(deps, settings);
  const snapshotName = `${exportName}${REDIS_BACKUP_SNAPSHOTS.suffix}`;
  await deps.elasticache.send(
    new CreateSnapshotCommand({
      ReplicationGroupId: settings.replicationGroupId,
      SnapshotName: snapshotName,
      // The tag IAM requires on a snapshot before the job may delete it (pruning): names alone could be forged.
      Tags: [{ Key: REDIS_BACKUP_SNAPSHOT_TAG.key, Value: REDIS_BACKUP_SNAPSHOT_TAG.value }],
    }),
  );
  return { phase: 'snapshotting', kind, snapshotName, exportName, sentinel };
}

/**
 * Export names are `<group>-<kind>-<stamp>` of this job's group: the only names it may write into
 * the bucket. A crafted state is refused before any AWS call.
 */
function assertOwnExportName(settings: RedisBackupSettings, exportName: unknown): void {
  // Exports are S3 objects ElastiCache writes; the name, not a tag, is what the job owns.
  assertOwnedName(exportName, { what: 'export', prefix: `${settings.replicationGroupId}-` });
}

/** A snapshot of another group or cluster is never exported into this group's bucket. */
function assertOwnSnapshot(settings: RedisBackupSettings, snapshot: Snapshot | undefined, name: string): void {
  const group = snapshot?.ReplicationGroupId;
  const cluster = snapshot?.CacheClusterId;
  if (
    (group !== undefined && group !== settings.replicationGroupId) ||
    (cluster !== undefined && !cluster.startsWith(`${settings.replicationGroupId}-`))
  ) {
    throw new NotOwnedTargetError(name, `a snapshot of ${group ?? cluster}, not of ${settings.replicationGroupId}`);
  }
}

async function exportWhenAvailable(
  deps: RedisBackupDeps,
  settings: RedisBackupSettings,
  state: Extract<BackupState, { phase: 'snapshotting' }>,
): Promise<BackupState> {
  const { Snapshots } = await deps.elasticache.send(new DescribeSnapshotsCommand({ SnapshotName: state.snapshotName }));
  const status = Snapshots?.[0]?.SnapshotStatus;
  if (!status) throw new BackupFailedError(`snapshot ${state.snapshotName} no longer exists`);
  assertOwnSnapshot(settings, Snapshots?.[0], state.snapshotName);
  if (status === 'creating') return state;
  if (status !== 'available') throw new BackupFailedError(`snapshot ${state.snapshotName} is ${status}`);
  await deps.elasticache.send(
    new CopySnapshotCommand({
      SourceSnapshotName: state.snapshotName,
      TargetSnapshotName: state.exportName,
      TargetBucket: settings.bucket,
    }),
  );
  return { ...state, phase: 'exporting' };
}

async function verify(
  deps: RedisBackupDeps,
  settings: RedisBackupSettings,
  state: Extract<BackupState, { phase: 'exporting' }>,
): Promise<BackupState> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: deps.s3 },
    { Bucket: settings.bucket, Prefix: state.exportName },
  )) {
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? '').filter((key) => key.endsWith('.rdb')));
  }
  // ElastiCache writes one .rdb per shard once the export completes; none yet means still exporting.
  if (keys.length === 0) return state;
  const objects = [];
  const versions: { key: string; versionId: string | undefined }[] = [];
  for (const key of keys.sort()) {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }));
    const size = head.ContentLength ?? 0;
    if (size <= 0) throw new BackupFailedError(`s3://${settings.bucket}/${key} is empty`);
    if (head.ServerSideEncryption !== 'AES256') {
      throw new BackupFailedError(
        `s3://${settings.bucket}/${key} is not SSE-S3 (${head.ServerSideEncryption ?? 'none'}); ElastiCache cannot restore it`,
      );
    }
    objects.push({ key, size });
    versions.push({ key, versionId: head.VersionId });
  }
  // Next to the export: the sentinel it must hold and the counts it was taken with. SSE-S3, like the .rdb.
  const sidecar = `${state.exportName}${REDIS_SENTINEL.sidecarSuffix}`;
  const written = await deps.s3.send(
    new PutObjectCommand({
      Bucket: settings.bucket,
      Key: sidecar,
      Body: JSON.stringify({
        replicationGroupId: settings.replicationGroupId,
        exportName: state.exportName,
        ...state.sentinel,
      }),
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
    }),
  );
  versions.push({ key: sidecar, versionId: written.VersionId });
  // Locked before the record: an export the SSM log names as the latest is one nobody can delete.
  const locked = await lockVersions(deps, settings, versions);
  const record = {
    replicationGroupId: settings.replicationGroupId,
    kind: state.kind,
    snapshotName: state.snapshotName,
    bucket: settings.bucket,
    objects,
    sentinel: { ...state.sentinel, object: sidecar },
    objectLock: locked,
    verifiedAt: deps.now().toISOString(),
  };
  const version = await publishRecord(deps.ssm, settings.resultParameter, record);
  // Only now, with the export verified, locked and recorded, may older snapshots go.
  const snapshotPrune = await pruneSnapshots(deps.elasticache, {
    group: settings.replicationGroupId,
    keep: settings.keepSnapshots ?? REDIS_BACKUP_SNAPSHOTS.keep,
    current: state.snapshotName,
  });
  return { ...state, phase: 'done', objects, resultVersion: version, locked, snapshotPrune };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Places the retention on each exact version. The bucket has Object Lock without a default
 * retention (ElastiCache's export is not documented to send the checksum one demands), so this is
 * what makes the export undeletable. A version it cannot lock fails the run: an unlocked backup is
 * not yet a safe one. Throttling is retried; anything else (AccessDenied, a missing version) fails.
 */
async function lockVersions(
  deps: RedisBackupDeps,
  settings: RedisBackupSettings,
  versions: readonly { key: string; versionId: string | undefined }[],
): Promise<LockedExport> {
  const { mode, days } = settings.objectLock;
  const retainUntil = new Date(deps.now().getTime() + days * DAY_MS);
  const locked = [];
  for (const { key, versionId } of versions) {
    if (!versionId) {
      throw new BackupFailedError(
        `s3://${settings.bucket}/${key} has no version id, so it cannot be locked; the backup bucket must be versioned with Object Lock`,
      );
    }
    await retrying(
      () =>
        deps.s3.send(
          new PutObjectRetentionCommand({
            Bucket: settings.bucket,
            Key: key,
            VersionId: versionId,
            Retention: { Mode: mode, RetainUntilDate: retainUntil },
          }),
        ),
      deps.retry,
    );
    locked.push({ key, versionId });
  }
  return { mode, retainUntil: retainUntil.toISOString(), versions: locked };
}

/** Advances `state` by one step. */
export async function advance(
  deps: RedisBackupDeps,
  settings: RedisBackupSettings,
  state: BackupState,
): Promise<BackupState> {
  if (state.phase === 'snapshotting' || state.phase === 'exporting') assertOwnExportName(settings, state.exportName);
  switch (state.phase) {
    case 'start':
      return start(deps, settings, state.kind);
    case 'snapshotting':
      return exportWhenAvailable(deps, settings, state);
    case 'exporting':
      return verify(deps, settings, state);
    case 'done':
      return state;
  }
}
