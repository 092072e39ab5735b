// The six failure paths of the Redis restore test steps, through the step handler: the error or failed verdict, recovery_test_results 0, and no group created or deleted after the failure.
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC, REDIS_SENTINEL } from '../../lib/contract';
import { freePort } from '../../scripts/drill/moto-process';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const TAG = { Key: 'dr-restore-test', Value: 'staging' };
const GROUP = 'dr-restore-test-20261129-0600';
const GROUP_ARN = `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${GROUP}`;
const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const start = { phase: 'start' };
const inFlight = { groupId: GROUP, source: 'arn:aws:s3:::bucket/export-0001.rdb', startedAt: new Date().toISOString() };
const record = {
  key: REDIS_SENTINEL.key,
  writtenAt: '2026-11-29T01:00:00.000Z',
  checksum: 'c'.repeat(64),
  keys: 5,
  persistentKeys: 2,
};
const expected = { ...record, object: `export${REDIS_SENTINEL.sidecarSuffix}` };
const body = (text: string) =>
  ({ transformToString: () => Promise.resolve(text) }) as unknown as GetObjectCommandOutput['Body'];
const passed = { passed: true, detail: 'restored in 300 s', restoreSeconds: 300 };

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.redisRestoreTest.environment, {
      GROUP_PREFIX: 'dr-restore-test-',
      SECURITY_GROUP_IDS: 'sg-123',
      RESTORE_TAG_KEY: TAG.Key,
      RESTORE_TAG_VALUE: TAG.Value,
      MAX_RESTORE_SECONDS: '600',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  elasticache.reset();
  s3.reset();
  secrets.reset();
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'export-0001.rdb', LastModified: new Date() }] });
  s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(record)) });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'token' });
  elasticache.on(CreateReplicationGroupCommand).resolves({});
  elasticache
    .on(DescribeReplicationGroupsCommand)
    .resolves({ ReplicationGroups: [{ ReplicationGroupId: GROUP, ARN: GROUP_ARN, Status: 'available' }] });
  elasticache.on(ListTagsForResourceCommand).resolves({ TagList: [TAG] });
  elasticache.on(DeleteReplicationGroupCommand).resolves({});
});
afterAll(() => [elasticache, s3, secrets].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails the start when S3 throttles the export listing: SlowDown, recovery_test_results 0, no group created', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).rejects(awsError('SlowDown', 'Please reduce your request rate.'));
    // Act
    const { error, metrics } = await capture(() => handler(start));
    // Assess
    expect(error).toMatchObject({ name: 'SlowDown' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(elasticache.calls()).toHaveLength(0);
  });

  test('fails the cleanup step when ElastiCache throttles: ThrottlingException, 0, no delete on a guess', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'cleaning', verdict: passed }));
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(elasticache, s3)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails the start when the restore is denied: AccessDenied, 0, nothing else called', async () => {
    elasticache.on(CreateReplicationGroupCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(elasticache.calls().map((call) => call.args[0].constructor.name)).toEqual(['CreateReplicationGroupCommand']);
  });
});

describe('failure path: missing resource', () => {
  test('fails the test when the temporary group vanished: ReplicationGroupNotFoundFault is a failed verdict, 0 when done', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).rejects(awsError('ReplicationGroupNotFoundFault', 'gone'));
    const checked = await capture(() => handler({ ...inFlight, phase: 'restoring', expected }));
    expect(checked.result).toMatchObject({
      phase: 'cleaning',
      verdict: { passed: false, detail: expect.stringMatching(/disappeared$/) },
    });
    expect(checked.metrics).toEqual({});
    const done = await capture(() => handler(checked.result));
    expect(done.result).toMatchObject({ phase: 'done', verdict: { passed: false } });
    expect(done.metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(elasticache, s3)).toEqual([]);
  });
});

describe('failure path: missing resource (the restored data)', () => {
  test("fails the test when the restored group's endpoint refuses the connection: the data check could not run, 0 when done", async () => {
    const port = await freePort();
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce({
        ReplicationGroups: [
          {
            ReplicationGroupId: GROUP,
            ARN: GROUP_ARN,
            Status: 'available',
            NodeGroups: [{ PrimaryEndpoint: { Address: '127.0.0.1', Port: port } }],
          },
        ],
      })
      // Then the cleanup finds the group gone.
      .rejects(awsError('ReplicationGroupNotFoundFault', 'gone'));
    const checked = await capture(() => handler({ ...inFlight, phase: 'restoring', expected }));
    expect(checked.result).toMatchObject({
      phase: 'cleaning',
      verdict: {
        passed: false,
        detail: expect.stringContaining(`could not read the restored group: cache 127.0.0.1:${port}`),
      },
    });
    const done = await capture(() => handler(checked.result));
    expect(done.metrics[METRIC.recoveryTestResults]).toEqual([0]);
  });

  test('fails at once when the export has no sentinel record: a failed verdict, 0, no group created', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
    const { result, metrics } = await capture(() => handler(start));
    expect(result).toMatchObject({
      phase: 'done',
      verdict: { passed: false, detail: expect.stringMatching(/^no sentinel record/) },
    });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(elasticache.calls()).toHaveLength(0);
  });
});

describe('failure path: empty result', () => {
  test('fails the test when there is no export to restore: done with a failed verdict, 0, no group created', async () => {
    s3.on(ListObjectsV2Command).resolves({});
    const { result, metrics } = await capture(() => handler(start));
    expect(result).toMatchObject({
      phase: 'done',
      verdict: { passed: false, detail: expect.stringMatching(/^no \.rdb/) },
    });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(elasticache.calls()).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    null,
    'start',
    { phase: 'restoring' },
    { ...inFlight, phase: 'restoring' },
    { ...inFlight, phase: 'restoring', expected: { ...expected, persistentKeys: 'two' } },
    { phase: 'cleaning', groupId: GROUP },
    { phase: 'cleaning', groupId: GROUP, startedAt: '2026-11-29T06:00:00Z' },
    { phase: 'cleaning', groupId: GROUP, startedAt: '2026-11-29T06:00:00Z', verdict: { passed: 'yes' } },
    { phase: 'done' },
  ])(
    'fails when the state is malformed (%p): MalformedEventError before any AWS call, and no result',
    async (state) => {
      const { error, metrics } = await capture(() => handler(state));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...elasticache.calls(), ...s3.calls(), ...secrets.calls()]).toHaveLength(0);
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails a restore that passed when its cleanup cannot delete the group: 0, the run does not claim a pass', async () => {
    elasticache
      .on(DeleteReplicationGroupCommand)
      .rejects(awsError('InvalidReplicationGroupStateFault', 'group is being modified'));
    const { error, metrics } = await capture(() => handler({ ...inFlight, phase: 'cleaning', verdict: passed }));
    expect(error).toMatchObject({ name: 'InvalidReplicationGroupStateFault' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(elasticache, s3)).toEqual(['DeleteReplicationGroup']);
  });
});
