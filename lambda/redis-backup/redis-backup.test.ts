// Unit tests of the Redis backup steps with mocked AWS clients and a real redis-server as the group's primary: every transition and every failure.
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeReplicationGroupsCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
} from '@aws-sdk/client-elasticache';
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { REDIS_BACKUP_SNAPSHOT_TAG, REDIS_SENTINEL } from '../../lib/contract';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisConnector } from '../shared/cache-session';
import { sentinelValue } from '../shared/sentinel';
import { advance, BackupFailedError, type BackupState, type RedisBackupDeps } from './redis-backup';

const NOW = new Date('2026-11-26T02:00:00Z');
const GROUP = 'async-toolformer-prod-use1';
const settings = {
  replicationGroupId: GROUP,
  bucket: 'async-toolformer-prod-cache-backups-123456789012-use1',
  resultParameter: '/async-toolformer/prod/backups/redis/latest',
  stage: 'prod',
  authTokenSecretName: 'async-toolformer/prod/cache/auth-token',
  primary: { replicationGroupId: GROUP, region: 'us-east-1', peerRegion: 'us-west-2' },
  objectLock: { mode: 'GOVERNANCE', days: 7 } as const,
};
let redis: RedisServer;
const member = (role: 'PRIMARY' | 'SECONDARY') => ({
  ReplicationGroups: [
    {
      ReplicationGroupId: GROUP,
      NodeGroups: [{ PrimaryEndpoint: { Address: redis.endpoint.host, Port: redis.endpoint.port } }],
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
const secrets = mockClient(SecretsManagerClient);
let deps: RedisBackupDeps;

const sentinel = {
  key: REDIS_SENTINEL.key,
  ...sentinelValue('prod', NOW),
  keys: 3,
  persistentKeys: 2,
};
const inFlight = {
  kind: 'daily' as const,
  snapshotName: `${GROUP}-daily-20261126-0200-snap`,
  exportName: `${GROUP}-daily-20261126-0200`,
  sentinel,
};

beforeAll(async () => {
  redis = await startRedis();
  deps = {
    elasticache: new ElastiCacheClient({}),
    s3: new S3Client({}),
    ssm: new SSMClient({}),
    secrets: new SecretsManagerClient({}),
    cache: redisConnector({ ca: redis.ca, timeoutMs: 5000 }),
    now: () => NOW,
    retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
  };
});
afterAll(() => redis?.stop());

beforeEach(async () => {
  elasticache.reset();
  s3.reset();
  ssm.reset();
  secrets.reset();
  // moto has no Global Datastores: the role comes from aws-sdk-client-mock.
  elasticache.on(DescribeReplicationGroupsCommand).resolves(member('PRIMARY'));
  secrets.on(GetSecretValueCommand).resolves({ SecretString: redis.password });
  // The group's data: two rate-limiter counters with TTLs, one setting without.
  await redis.send(['FLUSHALL'], ['SET', 'rl:a', '1', 'EX', '600'], ['SET', 'config', 'x']);
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
  test('writes the sentinel into the primary over TLS with the AUTH token, then takes a snapshot of its own', async () => {
    const next = await advance(deps, settings, { phase: 'start', kind: 'daily' });
    // The counts are read with the sentinel in place: 3 keys, 2 without a TTL.
    expect(next).toEqual({ phase: 'snapshotting', ...inFlight });
    expect(await redis.send(['GET', REDIS_SENTINEL.key], ['TTL', REDIS_SENTINEL.key])).toEqual([
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
    await advance(deps, settings, { phase: 'start', kind: 'daily' });
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(1);
  });

  test('the weekly run writes the sentinel and takes its own snapshot', async () => {
    const next = await advance(deps, settings, { phase: 'start', kind: 'weekly' });
    expect(next).toMatchObject({
      phase: 'snapshotting',
      snapshotName: `${GROUP}-weekly-20261126-0200-snap`,
      sentinel,
    });
  });

  test('a wrong AUTH token fails the run before any snapshot: an export without a sentinel proves nothing', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not-the-token' });
    await expect(advance(deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({
      name: 'CacheUnreachableError',
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('a secret that cannot be read fails the run before any snapshot', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(advance(deps, settings, { phase: 'start', kind: 'daily' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('a group without a primary endpoint fails the run', async () => {
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolves({ ReplicationGroups: [{ ...member('PRIMARY').ReplicationGroups[0], NodeGroups: [] }] });
    await expect(advance(deps, settings, { phase: 'start', kind: 'daily' })).rejects.toThrow(
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

  test('records a verified export in SSM, with the sentinel written next to it', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }, { Key: `${inFlight.exportName}.json` }],
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 4096, ServerSideEncryption: 'AES256', VersionId: 'v-rdb' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-sidecar' });
    ssm.on(PutParameterCommand).resolves({ Version: 12 });
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    const done = await advance(deps, settings, state);
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
    await expect(advance(deps, settings, state)).rejects.toThrow(message);
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe("pruning the job's own snapshots after a verified export", () => {
  const state: BackupState = { phase: 'exporting', ...inFlight };
  const own = (stamp: string, kind = 'daily') => `${GROUP}-${kind}-${stamp}-snap`;
  const snapshot = (name: string, extra: Record<string, string> = {}) => ({
    SnapshotName: name,
    SnapshotSource: 'manual',
    ReplicationGroupId: GROUP,
    SnapshotStatus: 'available',
    ...extra,
  });
  beforeEach(() => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }] });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ServerSideEncryption: 'AES256', VersionId: 'v1' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v2' });
    ssm.on(PutParameterCommand).resolves({ Version: 3 });
  });

  test('keeps the newest two of its own, deletes older ones, never a foreign, automatic or creating one', async () => {
    elasticache
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({
        Snapshots: [
          snapshot(inFlight.snapshotName),
          snapshot(own('20261125-0200')),
          snapshot(own('20261122-0300', 'weekly')),
        ],
        Marker: 'page-2',
      })
      .resolvesOnce({
        Snapshots: [
          snapshot(own('20261124-0200')),
          // Crafted: the job's prefix and suffix, but not a name it generates.
          snapshot(`${GROUP}-daily-20261101-0200-x-snap`),
          snapshot(`${GROUP}-manual-keep-snap`),
          snapshot(own('20261101-0200'), { SnapshotSource: 'system' }),
          snapshot(own('20261102-0200'), { ReplicationGroupId: 'other-group' }),
          snapshot(own('20261103-0200'), { SnapshotStatus: 'creating' }),
        ],
      });
    elasticache.on(DeleteSnapshotCommand).resolves({});
    const done = await advance(deps, settings, state);
    expect(done).toMatchObject({
      snapshotPrune: { deleted: [own('20261124-0200'), own('20261122-0300', 'weekly')], failures: 0 },
    });
    expect(elasticache.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotName)).toEqual([
      own('20261124-0200'),
      own('20261122-0300', 'weekly'),
    ]);
    // Listed with the paginator, filtered to the group's manual snapshots.
    const listed = elasticache.commandCalls(DescribeSnapshotsCommand).map((call) => call.args[0].input);
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatchObject({ ReplicationGroupId: GROUP, SnapshotSource: 'manual', Marker: 'page-2' });
  });

  test('a failed delete does not fail the backup: counted in snapshot_prune_failures, the rest still deleted', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        snapshot(inFlight.snapshotName),
        snapshot(own('20261125-0200')),
        snapshot(own('20261124-0200')),
        snapshot(own('20261123-0200')),
      ],
    });
    elasticache
      .on(DeleteSnapshotCommand, { SnapshotName: own('20261124-0200') })
      .rejects(new ElastiCacheServiceException({ name: 'InvalidSnapshotStateFault', $fault: 'client', $metadata: {} }))
      .on(DeleteSnapshotCommand, { SnapshotName: own('20261123-0200') })
      .resolves({});
    const done = await advance(deps, settings, state);
    expect(done).toMatchObject({
      phase: 'done',
      resultVersion: 3,
      snapshotPrune: {
        deleted: [own('20261123-0200')],
        failures: 1,
        errors: [{ snapshot: own('20261124-0200'), error: expect.stringMatching(/^InvalidSnapshotStateFault/) }],
      },
    });
  });

  test('a failed listing deletes nothing and is counted, the backup still done', async () => {
    elasticache
      .on(DescribeSnapshotsCommand)
      .rejects(new ElastiCacheServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {} }));
    const done = await advance(deps, settings, state);
    expect(done).toMatchObject({ phase: 'done', snapshotPrune: { deleted: [], failures: 1 } });
    expect(elasticache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });

  test('a failed export deletes no snapshot', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 0, ServerSideEncryption: 'AES256', VersionId: 'v1' });
    await expect(advance(deps, settings, state)).rejects.toThrow(BackupFailedError);
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(0);
    expect(elasticache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });
});
