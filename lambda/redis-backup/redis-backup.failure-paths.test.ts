// The six failure paths of the Redis backup steps, through the step handler: the error, backup_success_rate 0, and no snapshot, export or record after the failure.
import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
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
import { FUNCTIONS, METRIC, REDIS_SENTINEL } from '../../lib/contract';
import { freePort } from '../../scripts/drill/moto-process';
import { awsError, capture, captureWithFakeTimers, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const GROUP = 'async-toolformer-prod-use1';
const elasticache = mockClient(ElastiCacheClient);
const rds = mockClient(RDSClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const stubs = [elasticache, rds, s3, ssm, secrets];
const sentinel = {
  key: REDIS_SENTINEL.key,
  writtenAt: '2026-11-26T02:00:00.000Z',
  checksum: 'c'.repeat(64),
  keys: 10,
  persistentKeys: 4,
};
const inFlight = {
  kind: 'daily',
  snapshotName: `${GROUP}-snap`,
  exportName: `${GROUP}-daily-export`,
  sentinel,
} as const;
const primary = (port: number) => ({
  ReplicationGroups: [
    { ReplicationGroupId: GROUP, NodeGroups: [{ PrimaryEndpoint: { Address: '127.0.0.1', Port: port } }] },
  ],
});

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.redisBackup.environment, {
      REPLICATION_GROUP_ID: GROUP,
      PEER_REGION: 'us-west-2',
      STANDALONE_CACHE_FOLLOWS_WRITER: 'false',
      OBJECT_LOCK_MODE: 'compliance',
      OBJECT_LOCK_RETENTION_DAYS: '35',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
  elasticache.on(CopySnapshotCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }] });
  s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ServerSideEncryption: 'AES256', VersionId: 'v-rdb' });
  s3.on(PutObjectCommand).resolves({ VersionId: 'v-sidecar' });
  s3.on(PutObjectRetentionCommand).resolves({});
  ssm.on(PutParameterCommand).resolves({ Version: 5 });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'token' });
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails the start when the primary lookup is throttled past the retries: 0, no snapshot taken', async () => {
    // Prepare
    elasticache.on(DescribeReplicationGroupsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await captureWithFakeTimers(() => handler({ phase: 'start', kind: 'weekly' }));
    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(elasticache.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(3);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(metrics[METRIC.backupJobSkipped]).toBeUndefined();
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when the export to S3 is denied: AccessDenied, 0, nothing verified or recorded', async () => {
    elasticache.on(CopySnapshotCommand).rejects(awsError('AccessDenied', 'bucket policy denies the export'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'snapshotting' }));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect([...s3.calls(), ...ssm.calls()]).toHaveLength(0);
  });

  test('fails the start when the AUTH token secret is denied: 0, no sentinel, no snapshot taken', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves(primary(await freePort()));
    secrets.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const { error, metrics } = await capture(() => handler({ phase: 'start', kind: 'weekly' }));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: missing resource', () => {
  test('fails the start when the primary refuses the connection: CacheUnreachableError, 0, no snapshot taken', async () => {
    const port = await freePort();
    elasticache.on(DescribeReplicationGroupsCommand).resolves(primary(port));
    const { error, metrics } = await capture(() => handler({ phase: 'start', kind: 'weekly' }));
    expect(error).toMatchObject({
      name: 'CacheUnreachableError',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });

  test('fails when the snapshot is gone: SnapshotNotFoundFault, 0, no export started', async () => {
    elasticache.on(DescribeSnapshotsCommand).rejects(awsError('SnapshotNotFoundFault', 'not found'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'snapshotting' }));
    expect(error).toMatchObject({ name: 'SnapshotNotFoundFault' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('fails when the snapshot lookup returns nothing: BackupFailedError, 0, no export started', async () => {
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'snapshotting' }));
    expect(error).toMatchObject({
      name: 'BackupFailedError',
      message: `snapshot ${inFlight.snapshotName} no longer exists`,
    });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });

  test('fails the start when the group lookup returns nothing: 0, no snapshot taken', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    const { error, metrics } = await capture(() => handler({ phase: 'start', kind: 'weekly' }));
    expect(error).toMatchObject({
      name: 'PlacementUnknownError',
      message: expect.stringContaining(`${GROUP} not found`),
    });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(elasticache.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    null,
    { phase: 'start' },
    { phase: 'exporting', kind: 'daily' },
    { phase: 'later', kind: 'weekly' },
    { ...inFlight, phase: 'exporting', sentinel: undefined },
    { ...inFlight, phase: 'snapshotting', sentinel: { ...sentinel, keys: 'many' } },
  ])('fails when the state is malformed (%p): MalformedEventError before any AWS call, and no rate', async (state) => {
    const { error, metrics } = await capture(() => handler(state));
    expect(error).toMatchObject({ name: 'MalformedEventError' });
    expect(metrics).toEqual({});
    expect(stubs.map((stub) => stub.calls().length)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('failure path: partial failure', () => {
  test('fails when one shard of two landed empty: 0, the run is not recorded as a backup', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${inFlight.exportName}-0001.rdb` }, { Key: `${inFlight.exportName}-0002.rdb` }],
    });
    s3.on(HeadObjectCommand, { Key: `${inFlight.exportName}-0002.rdb` }).resolves({ ContentLength: 0 });
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toMatchObject({ name: 'BackupFailedError', message: expect.stringMatching(/0002\.rdb is empty$/) });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(ssm.calls()).toHaveLength(0);
    // Nor is its sentinel recorded: a sidecar would vouch for an export that is not whole.
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: the export cannot be locked', () => {
  // The bucket has Object Lock without a default retention: an export the job cannot lock is not yet
  // a safe backup, so the run fails, nothing is recorded and no snapshot is pruned.
  const unrecorded = () => {
    expect(ssm.calls()).toHaveLength(0);
    expect(elasticache.calls()).toHaveLength(0);
  };

  test('access denied on PutObjectRetention: AccessDenied, 0, not recorded', async () => {
    s3.on(PutObjectRetentionCommand).rejects(awsError('AccessDenied', 'not authorized to s3:PutObjectRetention'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(s3.commandCalls(PutObjectRetentionCommand)).toHaveLength(1);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    unrecorded();
  });

  test('a version id missing (unversioned bucket): BackupFailedError before any lock, 0, not recorded', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ServerSideEncryption: 'AES256' });
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toMatchObject({ name: 'BackupFailedError', message: expect.stringMatching(/has no version id/) });
    expect(s3.commandCalls(PutObjectRetentionCommand)).toHaveLength(0);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    unrecorded();
  });

  test('a locked version gone (NoSuchVersion): 0, not recorded', async () => {
    s3.on(PutObjectRetentionCommand).rejects(awsError('NoSuchVersion', 'The specified version does not exist'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toMatchObject({ name: 'NoSuchVersion' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    unrecorded();
  });

  test('PutObjectRetention throttled past the retries: SlowDown, 3 attempts, 0, not recorded', async () => {
    s3.on(PutObjectRetentionCommand).rejects(awsError('SlowDown', 'Please reduce your request rate'));
    const { error, metrics } = await captureWithFakeTimers(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toMatchObject({ name: 'SlowDown' });
    expect(s3.commandCalls(PutObjectRetentionCommand)).toHaveLength(3);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    unrecorded();
  });

  test('a lock throttled once is retried and the run succeeds, compliance mode for 35 days', async () => {
    s3.on(PutObjectRetentionCommand).rejectsOnce(awsError('SlowDown', 'Please reduce your request rate')).resolves({});
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    const { error, metrics } = await captureWithFakeTimers(() => handler({ ...inFlight, phase: 'exporting' }));
    expect(error).toBeUndefined();
    expect(metrics[METRIC.backupSuccessRate]).toEqual([100]);
    const retention = s3.commandCalls(PutObjectRetentionCommand).map((call) => call.args[0].input.Retention?.Mode);
    expect(retention).toEqual(['COMPLIANCE', 'COMPLIANCE', 'COMPLIANCE']);
  });
});
