// Unit tests of the Redis backup steps with mocked AWS clients and a real redis-server as the group's primary: every transition and every failure.
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheServiceException,
} from '@aws-sdk/client-elasticache';
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { REDIS_BACKUP_SNAPSHOT_TAG, REDIS_SENTINEL } from '../../lib/contract';
import { sentinelValue } from '../shared/sentinel';
import {
  elasticache,
  fx,
  GROUP,
  inFlight,
  member,
  NOW,
  s3,
  secrets,
  sentinel,
  settings,
  ssm,
  useRedisBackupFixture,
} from './fixtures';
import { advance, BackupFailedError, type BackupState } from './redis-backup';

useRedisBackupFixture();

describe('the run follows the cache primary', () => {
  test.each(['daily', 'weekly'] as const)(
    'a %s run in the secondary of the Global Datastore ends at once, exporting nothing',
    async (kind) => {
      elasticache.on(DescribeReplicationGroupsCommand).resolves(member('SECONDARY'));
      expect(await advance(fx.deps, settings, { phase: 'start', kind })).toEqual({
        phase: 'done',
        kind,
        outcome: 'skipped: cache primary is in us-west-2',
        placement: expect.objectContaining({ follows: 'cache-primary', here: false }),
      });
      expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
      expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
      expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    },
  );

  test('a throttled lookup is tried again before the run acts', async () => {
    const throttled = new ElastiCacheServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {} });
    elasticache.on(DescribeReplicationGroupsCommand).rejectsOnce(throttled).resolves(member('PRIMARY'));
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    expect(await advance(fx.deps, settings, { phase: 'start', kind: 'weekly' })).toMatchObject({
      phase: 'snapshotting',
    });
  });

  test.each(['AccessDenied', 'ReplicationGroupNotFoundFault', 'ThrottlingException'])(
    '%s when looking for the primary fails the run: a backup that may be ours did not happen',
    async (name) => {
      elasticache
        .on(DescribeReplicationGroupsCommand)
        .rejects(new ElastiCacheServiceException({ name, $fault: 'client', $metadata: {} }));
      await expect(advance(fx.deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({ name });
      expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
    },
  );

  test('an empty answer fails the run', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    await expect(advance(fx.deps, settings, { phase: 'start', kind: 'daily' })).rejects.toThrow(
      `replication group ${GROUP} not found`,
    );
  });
});

describe('start', () => {
  test('writes the sentinel into the primary over TLS with the AUTH token, then takes a snapshot of its own', async () => {
    const next = await advance(fx.deps, settings, { phase: 'start', kind: 'daily' });
    // The counts are read with the sentinel in place: 3 keys, 2 without a TTL.
    expect(next).toEqual({ phase: 'snapshotting', ...inFlight });
    expect(await fx.redis.send(['GET', REDIS_SENTINEL.key], ['TTL', REDIS_SENTINEL.key])).toEqual([
      JSON.stringify(sentinelValue('prod', NOW)),
      -1,
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: settings.authTokenSecretName,
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)[0]!.args[0].input).toEqual({
      ReplicationGroupId: GROUP,
      SnapshotName: inFlight.snapshotName,
      // The tag IAM requires before the job may prune the snapshot.
      Tags: [{ Key: REDIS_BACKUP_SNAPSHOT_TAG.key, Value: REDIS_BACKUP_SNAPSHOT_TAG.value }],
    });
  });

  test('the daily run no longer reuses the automatic snapshot: it predates the sentinel', async () => {
    await advance(fx.deps, settings, { phase: 'start', kind: 'daily' });
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(1);
  });

  test('the weekly run writes the sentinel and takes its own snapshot', async () => {
    const next = await advance(fx.deps, settings, { phase: 'start', kind: 'weekly' });
    expect(next).toMatchObject({
      phase: 'snapshotting',
      snapshotName: `${GROUP}-weekly-20261126-0200-snap`,
      sentinel,
    });
  });

  test('a wrong AUTH token fails the run before any snapshot: an export without a sentinel proves nothing', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not-the-token' });
    await expect(advance(fx.deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({
      name: 'CacheUnreachableError',
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('a secret that cannot be read fails the run before any snapshot', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(advance(fx.deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('a group without a primary endpoint fails the run', async () => {
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolves({ ReplicationGroups: [{ ...member('PRIMARY').ReplicationGroups[0], NodeGroups: [] }] });
    await expect(advance(fx.deps, settings, { phase: 'start', kind: 'daily' })).rejects.toThrow(
      `replication group ${GROUP} has no primary endpoint`,
    );
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('a throttled snapshot request is not swallowed', async () => {
    elasticache.on(CreateSnapshotCommand).rejects(
      new ElastiCacheServiceException({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: {},
      }),
    );
    await expect(advance(fx.deps, settings, { phase: 'start', kind: 'weekly' })).rejects.toThrow('Rate exceeded');
  });
});

describe('snapshotting', () => {
  const state: BackupState = { phase: 'snapshotting', ...inFlight };

  test('waits while the snapshot is being created', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'creating' }] });
    expect(await advance(fx.deps, settings, state)).toBe(state);
    expect(elasticache.commandCalls(CopySnapshotCommand)).toHaveLength(0);
  });

  test('exports an available snapshot into the same-region bucket', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
    expect(await advance(fx.deps, settings, state)).toEqual({ ...state, phase: 'exporting' });
    expect(elasticache.commandCalls(CopySnapshotCommand)[0]!.args[0].input).toEqual({
      SourceSnapshotName: inFlight.snapshotName,
      TargetSnapshotName: inFlight.exportName,
      TargetBucket: settings.bucket,
    });
  });

  test.each([
    ['failed', { Snapshots: [{ SnapshotStatus: 'failed' }] }, /is failed$/],
    ['gone', { Snapshots: [] }, /no longer exists$/],
  ])('fails when the snapshot is %s', async (_name, response, message) => {
    elasticache.on(DescribeSnapshotsCommand).resolves(response);
    await expect(advance(fx.deps, settings, state)).rejects.toThrow(BackupFailedError);
    await expect(advance(fx.deps, settings, state)).rejects.toThrow(message);
  });

  test('fails when the export is denied, for example by the bucket policy', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
    elasticache.on(CopySnapshotCommand).rejects(
      new ElastiCacheServiceException({
        name: 'InvalidParameterValueException',
        message: 'No permission to access S3 bucket',
        $fault: 'client',
        $metadata: {},
      }),
    );
    await expect(advance(fx.deps, settings, state)).rejects.toThrow('No permission to access S3 bucket');
  });
});

describe('exporting', () => {
  const state: BackupState = { phase: 'exporting', ...inFlight };

  test('waits while no .rdb has landed', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    expect(await advance(fx.deps, settings, state)).toBe(state);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('records a verified export in SSM, with the sentinel written next to it', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }, { Key: `${inFlight.exportName}.json` }],
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 4096, ServerSideEncryption: 'AES256', VersionId: 'v-rdb' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-sidecar' });
    ssm.on(PutParameterCommand).resolves({ Version: 12 });
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    const done = await advance(fx.deps, settings, state);
    const sidecar = `${inFlight.exportName}${REDIS_SENTINEL.sidecarSuffix}`;
    const locked = {
      mode: 'GOVERNANCE',
      retainUntil: '2026-12-03T02:00:00.000Z',
      versions: [
        { key: `${inFlight.exportName}-0001.rdb`, versionId: 'v-rdb' },
        { key: sidecar, versionId: 'v-sidecar' },
      ],
    };
    expect(done).toEqual({
      ...state,
      phase: 'done',
      objects: [{ key: `${inFlight.exportName}-0001.rdb`, size: 4096 }],
      resultVersion: 12,
      locked,
      snapshotPrune: { deleted: [], failures: 0, errors: [] },
    });
    // Both exact versions are locked, now + objectLock.days, before the record names the export.
    expect(s3.commandCalls(PutObjectRetentionCommand).map((call) => call.args[0].input)).toEqual(
      locked.versions.map(({ key, versionId }) => ({
        Bucket: settings.bucket,
        Key: key,
        VersionId: versionId,
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date('2026-12-03T02:00:00Z') },
      })),
    );
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: settings.resultParameter, Overwrite: true });
    expect(JSON.parse(put.Value!)).toEqual({
      replicationGroupId: GROUP,
      kind: 'daily',
      snapshotName: inFlight.snapshotName,
      bucket: settings.bucket,
      objects: [{ key: `${inFlight.exportName}-0001.rdb`, size: 4096 }],
      sentinel: { ...sentinel, object: sidecar },
      objectLock: locked,
      verifiedAt: NOW.toISOString(),
    });
    const written = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(written).toMatchObject({ Bucket: settings.bucket, Key: sidecar, ServerSideEncryption: 'AES256' });
    expect(JSON.parse(String(written.Body))).toEqual({
      replicationGroupId: GROUP,
      exportName: inFlight.exportName,
      ...sentinel,
    });
  });

  test.each([
    ['empty', { ContentLength: 0, ServerSideEncryption: 'AES256' as const }, /is empty$/],
    ['KMS-encrypted', { ContentLength: 10, ServerSideEncryption: 'aws:kms' as const }, /is not SSE-S3 \(aws:kms\)/],
  ])('fails when the export is %s', async (_name, head, message) => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }] });
    s3.on(HeadObjectCommand).resolves(head);
    await expect(advance(fx.deps, settings, state)).rejects.toThrow(message);
    expect(ssm.calls()).toHaveLength(0);
  });
});
