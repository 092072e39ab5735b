// Daily backup integrity check: every protected resource has a fresh, complete, encrypted backup in both regions.
import {
  paginateListRecoveryPointsByBackupVault,
  type BackupClient,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, paginateDescribeDBClusterSnapshots, type RDSClient } from '@aws-sdk/client-rds';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  buildReport,
  fail,
  pass,
  runCheck,
  type CheckReport,
  type CheckResult,
  type RetryPolicy,
  type Verdict,
} from '../shared/check-report';
import { newestRdb } from '../shared/exports';
import { handedOverKeyArn } from '../shared/key-arn';

/** The clients of one region. */
export interface RegionClients {
  readonly backup: BackupClient;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  /** Reads the key ARNs that the Protection stack of the region hands over. */
  readonly ssm: SSMClient;
}

/** Everything the check talks to, and its clock. */
export interface IntegrityDeps {
  readonly primary: RegionClients;
  readonly secondary: RegionClients;
  readonly now: () => Date;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
}

/** How old each kind of backup may be, in seconds: the schedule's interval plus slack. */
export interface AgeLimits {
  /** Daily recovery points and exports, and their copies. */
  readonly daily: number;
  /** Weekly full snapshots. */
  readonly weekly: number;
  /** How far behind now the latest point-in-time restore may be. */
  readonly pointInTime: number;
}

/** What to check. Keys are named by the SSM parameters that hold their ARNs. */
export interface IntegrityInput {
  readonly aurora: {
    readonly clusterIdentifier: string;
    readonly clusterArn: string;
    readonly vaultName: string;
    readonly peerVaultName: string;
    /** SSM parameter holding the ARN of the cluster's key, which its snapshots and continuous backups use. */
    readonly databaseKeyParameter: string;
    /** SSM parameter (in the secondary region) holding the ARN of its backup key, which copies use. */
    readonly copyKeyParameter: string;
  };
  readonly redis: {
    readonly bucket: string;
    readonly peerBucket: string;
    /** Key prefix of the exported .rdb files. */
    readonly prefix: string;
  };
  readonly limits: AgeLimits;
}

const ageSeconds = (now: Date, then: Date) => Math.round((now.getTime() - then.getTime()) / 1000);
const hours = (seconds: number) => `${(seconds / 3600).toFixed(1)} h`;

async function recoveryPoints(
  backup: BackupClient,
  vault: string,
  resourceArn: string,
): Promise<RecoveryPointByBackupVault[]> {
  const points: RecoveryPointByBackupVault[] = [];
  for await (const page of paginateListRecoveryPointsByBackupVault(
    { client: backup },
    { BackupVaultName: vault, ByResourceArn: resourceArn },
  )) {
    points.push(...(page.RecoveryPoints ?? []));
  }
  return points;
}

const newestFirst = <T>(items: T[], date: (item: T) => Date | undefined) =>
  [...items].sort((a, b) => (date(b)?.getTime() ?? 0) - (date(a)?.getTime() ?? 0));

/** Judges the newest recovery point of a list: present, complete, encrypted with `key`, young enough. */
export function judgeRecoveryPoint(
  points: RecoveryPointByBackupVault[],
  key: string,
  maxAge: number | undefined,
  now: Date,
): Verdict {
  const [newest] = newestFirst(points, (point) => point.CompletionDate ?? point.CreationDate);
  if (!newest) return fail('no recovery point found');
  const id = newest.RecoveryPointArn ?? 'recovery point';
  if (newest.Status !== 'COMPLETED' && newest.Status !== 'AVAILABLE')
    return fail(`${id} is ${newest.Status ?? 'in no state'}`);
  if (newest.EncryptionKeyArn !== key)
    return fail(`${id} is encrypted with ${newest.EncryptionKeyArn ?? 'no key'}, expected ${key}`);
  const when = newest.CompletionDate ?? newest.CreationDate;
  if (maxAge !== undefined) {
    if (!when) return fail(`${id} has no creation date`);
    const age = ageSeconds(now, when);
    if (age > maxAge) return fail(`${id} is ${hours(age)} old, allowed ${hours(maxAge)}`);
  }
  return pass(`${id} is ${newest.Status.toLowerCase()} and encrypted with the expected key`);
}

function checkContinuousBackup(deps: IntegrityDeps, input: IntegrityInput, now: Date): Promise<CheckResult> {
  const { aurora } = input;
  return runCheck({ check: 'aurora-continuous-backup', resource: aurora.clusterArn, retry: deps.retry }, async () => {
    const [points, key] = await Promise.all([
      recoveryPoints(deps.primary.backup, aurora.vaultName, aurora.clusterArn),
      handedOverKeyArn(deps.primary.ssm, aurora.databaseKeyParameter),
    ]);
    // A continuous recovery point is created once and extended; its age says nothing about freshness.
    const continuous = points.filter((point) => point.RecoveryPointArn?.includes(':continuous:'));
    return judgeRecoveryPoint(continuous, key, undefined, now);
  });
}

function checkPointInTime(deps: IntegrityDeps, input: IntegrityInput, now: Date): Promise<CheckResult> {
  const { aurora, limits } = input;
  return runCheck(
    { check: 'aurora-point-in-time', resource: aurora.clusterIdentifier, retry: deps.retry },
    async () => {
      const { DBClusters } = await deps.primary.rds.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: aurora.clusterIdentifier }),
      );
      const latest = DBClusters?.[0]?.LatestRestorableTime;
      if (!latest) return fail('the cluster reports no latest restorable time');
      const lag = ageSeconds(now, latest);
      return lag <= limits.pointInTime
        ? pass(`restorable to ${latest.toISOString()}, ${lag} s ago`)
        : fail(`latest restorable time is ${lag} s old, allowed ${limits.pointInTime} s`);
    },
  );
}

function checkCrossRegionCopy(deps: IntegrityDeps, input: IntegrityInput, now: Date): Promise<CheckResult> {
  const { aurora, limits } = input;
  return runCheck(
    { check: 'aurora-cross-region-copy', resource: `${aurora.peerVaultName}/${aurora.clusterArn}`, retry: deps.retry },
    async () => {
      const [points, key] = await Promise.all([
        recoveryPoints(deps.secondary.backup, aurora.peerVaultName, aurora.clusterArn),
        handedOverKeyArn(deps.secondary.ssm, aurora.copyKeyParameter),
      ]);
      const copies = points.filter((point) =>
        point.SourceBackupVaultArn?.endsWith(`:backup-vault:${aurora.vaultName}`),
      );
      return judgeRecoveryPoint(copies, key, limits.daily, now);
    },
  );
}

/**
 * The newest weekly full snapshot in one region: in the primary the snapshot itself, under the
 * database key; in the secondary its copy, under that region's backup key.
 */
function checkWeeklySnapshot(
  deps: IntegrityDeps,
  input: IntegrityInput,
  now: Date,
  side: 'primary' | 'secondary',
): Promise<CheckResult> {
  const clients = deps[side];
  const check = side === 'primary' ? 'aurora-weekly-snapshot' : 'aurora-weekly-snapshot-copy';
  const keyParameter = side === 'primary' ? input.aurora.databaseKeyParameter : input.aurora.copyKeyParameter;
  const retry = deps.retry;
  const { aurora, limits } = input;
  return runCheck({ check, resource: `${side} region: ${aurora.clusterIdentifier}`, retry }, async () => {
    const snapshots = [];
    for await (const page of paginateDescribeDBClusterSnapshots(
      { client: clients.rds },
      { DBClusterIdentifier: aurora.clusterIdentifier },
    )) {
      snapshots.push(...(page.DBClusterSnapshots ?? []));
    }
    const available = snapshots.filter((snapshot) => snapshot.Status === 'available');
    const [newest] = newestFirst(available, (snapshot) => snapshot.SnapshotCreateTime);
    if (!newest?.SnapshotCreateTime) return fail(`no available snapshot of ${aurora.clusterIdentifier}`);
    const id = newest.DBClusterSnapshotIdentifier ?? 'snapshot';
    const key = await handedOverKeyArn(clients.ssm, keyParameter);
    if (!newest.StorageEncrypted || newest.KmsKeyId !== key) {
      return fail(`${id} is encrypted with ${newest.KmsKeyId ?? 'no key'}, expected ${key}`);
    }
    const age = ageSeconds(now, newest.SnapshotCreateTime);
    return age <= limits.weekly
      ? pass(`${id} is ${hours(age)} old and encrypted with the expected key`)
      : fail(`${id} is ${hours(age)} old, allowed ${hours(limits.weekly)}`);
  });
}

/** How every RDB file starts (then its four-digit version): what tells an export from other bytes of the same size. */
export const RDB_MAGIC = 'REDIS';

/** The first bytes of an object, as Latin-1 text. */
async function leadingBytes(s3: S3Client, bucket: string, key: string, count: number): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${count - 1}` }));
  const bytes = (await Body?.transformToByteArray()) ?? new Uint8Array();
  return Buffer.from(bytes.subarray(0, count)).toString('latin1');
}

async function checkRedis(deps: IntegrityDeps, input: IntegrityInput, now: Date): Promise<CheckResult[]> {
  const { redis, limits } = input;
  let exported: { key: string; size: number; etag: string | undefined } | undefined;
  const source = await runCheck(
    { check: 'redis-export', resource: `s3://${redis.bucket}/${redis.prefix}`, retry: deps.retry },
    async () => {
      const newest = await newestRdb(deps.primary.s3, redis.bucket, redis.prefix);
      if (!newest?.Key || !newest.LastModified) return fail('no .rdb export found');
      const head = await deps.primary.s3.send(new HeadObjectCommand({ Bucket: redis.bucket, Key: newest.Key }));
      const size = head.ContentLength ?? 0;
      exported = { key: newest.Key, size, etag: head.ETag };
      const age = ageSeconds(now, newest.LastModified);
      if (size <= 0) return fail(`${newest.Key} is empty`);
      // ElastiCache restores only SSE-S3 objects; a KMS-encrypted .rdb is no backup at all.
      if (head.ServerSideEncryption !== 'AES256')
        return fail(`${newest.Key} is encrypted with ${head.ServerSideEncryption ?? 'nothing'}, not SSE-S3`);
      // Size and encryption say nothing of the content: a corrupted or foreign object passes them.
      const magic = await leadingBytes(deps.primary.s3, redis.bucket, newest.Key, RDB_MAGIC.length);
      if (magic !== RDB_MAGIC) return fail(`${newest.Key} is no RDB file: it starts with ${JSON.stringify(magic)}`);
      if (head.ReplicationStatus === 'FAILED') return fail(`${newest.Key} failed to replicate`);
      if (age > limits.daily) return fail(`${newest.Key} is ${hours(age)} old, allowed ${hours(limits.daily)}`);
      return pass(`${newest.Key}: ${size} bytes, SSE-S3, ${hours(age)} old`);
    },
  );
  const replica = await runCheck(
    { check: 'redis-replica', resource: `s3://${redis.peerBucket}/${redis.prefix}`, retry: deps.retry },
    async () => {
      if (!exported) return fail('no export to look for: the source check found none');
      const head = await deps.secondary.s3.send(new HeadObjectCommand({ Bucket: redis.peerBucket, Key: exported.key }));
      if ((head.ContentLength ?? 0) !== exported.size) {
        return fail(
          `${exported.key} has ${head.ContentLength ?? 0} bytes in ${redis.peerBucket}, ${exported.size} at the source`,
        );
      }
      if (exported.etag && head.ETag !== exported.etag) return fail(`${exported.key} differs from the source (ETag)`);
      return pass(`${exported.key} replicated to ${redis.peerBucket}`);
    },
  );
  return [source, replica];
}

/** Which backups a run checks: those of what this region holds (lambda/integrity-check/follow-writer.ts). */
export interface CheckedParts {
  /** Aurora's recovery points, point in time and weekly snapshots: where the Aurora writer is. */
  readonly aurora: boolean;
  /** The Redis exports: where the cache primary is. */
  readonly redis: boolean;
}

/** Runs every check of `parts`; one failing check never stops the others. */
export async function run(
  deps: IntegrityDeps,
  input: IntegrityInput,
  parts: CheckedParts = { aurora: true, redis: true },
): Promise<CheckReport> {
  const now = deps.now();
  const results = await Promise.all([
    ...(parts.aurora
      ? [
          checkContinuousBackup(deps, input, now),
          checkPointInTime(deps, input, now),
          checkCrossRegionCopy(deps, input, now),
          checkWeeklySnapshot(deps, input, now, 'primary'),
          checkWeeklySnapshot(deps, input, now, 'secondary'),
        ]
      : []),
    ...(parts.redis ? [checkRedis(deps, input, now)] : []),
  ]);
  return buildReport(results.flat(), now);
}
