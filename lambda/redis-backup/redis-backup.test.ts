// Unit tests of the Redis backup steps with mocked clients: every transition and every failure.
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
} from '@aws-sdk/client-elasticache';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { advance, BackupFailedError, type BackupState, type RedisBackupDeps } from './redis-backup';

const NOW = new Date('2026-11-26T02:00:00Z');
const GROUP = 'async-toolformer-prod-use1';
const settings = {
  replicationGroupId: GROUP,
  bucket: 'async-toolformer-prod-cache-backups-123456789012-use1',
  resultParameter: '/async-toolformer/prod/backups/redis/latest',
  automaticSnapshotMaxAge: 6 * 3600,
  primary: { replicationGroupId: GROUP, region: 'us-east-1', peerRegion: 'us-west-2' },
};
const member = (role: 'PRIMARY' | 'SECONDARY') => ({
  ReplicationGroups: [
    {
      ReplicationGroupId: GROUP,
      GlobalReplicationGroupInfo: {
        GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
        GlobalReplicationGroupMemberRole: role,
      },
    },
  ],
});
const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const deps: RedisBackupDeps = {
  elasticache: new ElastiCacheClient({}),
  s3: new S3Client({}),
  ssm: new SSMClient({}),
  now: () => NOW,
  retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
};

const automatic = (name: string, hoursAgo: number, status = 'available') => ({
  SnapshotName: name,
  SnapshotSource: 'automated',
  SnapshotStatus: status,
  NodeSnapshots: [{ SnapshotCreateTime: new Date(NOW.getTime() - hoursAgo * 3_600_000) }],
});
const inFlight = {
  kind: 'daily' as const,
  snapshotName: 'automatic.async-toolformer-prod-use1-2026-11-26-00-30',
  exportName: `${GROUP}-daily-20261126-0200`,
};

beforeEach(() => {
  elasticache.reset();
  s3.reset();
  ssm.reset();
  // moto has no Global Datastores: the role comes from aws-sdk-client-mock.
  elasticache.on(DescribeReplicationGroupsCommand).resolves(member('PRIMARY'));
});

describe('the run follows the cache primary', () => {
  test.each(['daily', 'weekly'] as const)(
    'a %s run in the secondary of the Global Datastore ends at once, exporting nothing',
    async (kind) => {
      elasticache.on(DescribeReplicationGroupsCommand).resolves(member('SECONDARY'));
      expect(await advance(deps, settings, { phase: 'start', kind })).toEqual({
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
    expect(await advance(deps, settings, { phase: 'start', kind: 'weekly' })).toMatchObject({ phase: 'snapshotting' });
  });

  test.each(['AccessDenied', 'ReplicationGroupNotFoundFault', 'ThrottlingException'])(
    '%s when looking for the primary fails the run: a backup that may be ours did not happen',
    async (name) => {
      elasticache
        .on(DescribeReplicationGroupsCommand)
        .rejects(new ElastiCacheServiceException({ name, $fault: 'client', $metadata: {} }));
      await expect(advance(deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({ name });
      expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
    },
  );

  test('an empty answer fails the run', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    await expect(advance(deps, settings, { phase: 'start', kind: 'daily' })).rejects.toThrow(
      `replication group ${GROUP} not found`,
    );
  });
});

describe('start', () => {
  test('the daily run exports the fresh automatic snapshot instead of taking one', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        automatic('automatic.old', 30),
        automatic(inFlight.snapshotName, 1.5),
        automatic('automatic.failed', 0.5, 'failed'),
      ],
    });
    const next = await advance(deps, settings, { phase: 'start', kind: 'daily' });
    expect(next).toEqual({ phase: 'snapshotting', ...inFlight });
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('reads snapshots across pages', async () => {
    elasticache
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [automatic('automatic.old', 30)], Marker: 'm2' })
      .resolvesOnce({ Snapshots: [automatic(inFlight.snapshotName, 1)] });
    expect(await advance(deps, settings, { phase: 'start', kind: 'daily' })).toMatchObject({
      snapshotName: inFlight.snapshotName,
    });
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)[1]!.args[0].input).toMatchObject({ Marker: 'm2' });
  });

  test.each([
    ['no snapshot at all', []],
    ['only a stale automatic snapshot', [automatic('automatic.old', 30)]],
  ])('the daily run takes a snapshot when there is %s', async (_name, snapshots) => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: snapshots });
    const next = await advance(deps, settings, { phase: 'start', kind: 'daily' });
    expect(next).toEqual({
      phase: 'snapshotting',
      kind: 'daily',
      snapshotName: `${inFlight.exportName}-snap`,
      exportName: inFlight.exportName,
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)[0]!.args[0].input).toEqual({
      ReplicationGroupId: GROUP,
      SnapshotName: `${inFlight.exportName}-snap`,
    });
  });

  test('the weekly run always takes its own snapshot', async () => {
    const next = await advance(deps, settings, { phase: 'start', kind: 'weekly' });
    expect(next).toMatchObject({ phase: 'snapshotting', snapshotName: `${GROUP}-weekly-20261126-0200-snap` });
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
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
    await expect(advance(deps, settings, { phase: 'start', kind: 'weekly' })).rejects.toThrow('Rate exceeded');
  });
});

describe('snapshotting', () => {
  const state: BackupState = { phase: 'snapshotting', ...inFlight };

  test('waits while the snapshot is being created', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'creating' }] });
    expect(await advance(deps, settings, state)).toBe(state);
    expect(elasticache.commandCalls(CopySnapshotCommand)).toHaveLength(0);
  });

  test('exports an available snapshot into the same-region bucket', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
    expect(await advance(deps, settings, state)).toEqual({ ...state, phase: 'exporting' });
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
    await expect(advance(deps, settings, state)).rejects.toThrow(BackupFailedError);
    await expect(advance(deps, settings, state)).rejects.toThrow(message);
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
    await expect(advance(deps, settings, state)).rejects.toThrow('No permission to access S3 bucket');
  });
});

describe('exporting', () => {
  const state: BackupState = { phase: 'exporting', ...inFlight };

  test('waits while no .rdb has landed', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    expect(await advance(deps, settings, state)).toBe(state);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('records a verified export in SSM', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }, { Key: `${inFlight.exportName}.json` }],
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 4096, ServerSideEncryption: 'AES256' });
    ssm.on(PutParameterCommand).resolves({ Version: 12 });
    const done = await advance(deps, settings, state);
    expect(done).toEqual({
      ...state,
      phase: 'done',
      objects: [{ key: `${inFlight.exportName}-0001.rdb`, size: 4096 }],
      resultVersion: 12,
    });
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: settings.resultParameter, Overwrite: true });
    expect(JSON.parse(put.Value!)).toEqual({
      replicationGroupId: GROUP,
      kind: 'daily',
      snapshotName: inFlight.snapshotName,
      bucket: settings.bucket,
      objects: [{ key: `${inFlight.exportName}-0001.rdb`, size: 4096 }],
      verifiedAt: NOW.toISOString(),
    });
  });

  test.each([
    ['empty', { ContentLength: 0, ServerSideEncryption: 'AES256' as const }, /is empty$/],
    ['KMS-encrypted', { ContentLength: 10, ServerSideEncryption: 'aws:kms' as const }, /is not SSE-S3 \(aws:kms\)/],
  ])('fails when the export is %s', async (_name, head, message) => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }] });
    s3.on(HeadObjectCommand).resolves(head);
    await expect(advance(deps, settings, state)).rejects.toThrow(message);
    expect(ssm.calls()).toHaveLength(0);
  });
});
