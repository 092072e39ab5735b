// Unit tests of the Redis restore test with mocked AWS clients and a real redis-server as the restored group: restore, the data read back, verdicts, slow restores and cleanup.
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
  ListTagsForResourceCommand,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { REDIS_SENTINEL } from '../../lib/contract';
import { freePort } from '../../scripts/drill/moto-process';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisConnector } from '../shared/cache-session';
import { sentinelValue } from '../shared/sentinel';
import { advance, type RestoreTestDeps, type RestoreTestState } from './restore-test';

const NOW = new Date('2026-11-29T06:00:00Z');
let clock = NOW;
const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
let redis: RedisServer;
let deps: RestoreTestDeps;
const settings = {
  bucket: 'async-toolformer-staging-cache-backups-123456789012-use1',
  prefix: 'async-toolformer-staging-use1-',
  groupPrefix: 'dr-restore-test-',
  engine: 'valkey',
  engineVersion: '8.0',
  cacheNodeType: 'cache.t4g.small',
  subnetGroupName: 'cache-subnets',
  securityGroupIds: ['sg-123'],
  tag: { key: 'dr-restore-test', value: 'staging' },
  maxRestoreSeconds: 600,
  stage: 'staging',
  authTokenSecretName: 'async-toolformer/staging/cache/auth-token',
};
const EXPORT = 'async-toolformer-staging-use1-weekly-20261129-0100';
const SOURCE = `arn:aws:s3:::${settings.bucket}/${EXPORT}-0001.rdb`;
const SIDECAR = `${EXPORT}${REDIS_SENTINEL.sidecarSuffix}`;
const written = sentinelValue('staging', new Date('2026-11-29T01:00:00Z'));
/** What the backup recorded: the sentinel, and 20 keys without a TTL (the sentinel among them). */
const record = { key: REDIS_SENTINEL.key, ...written, keys: 50, persistentKeys: 20 };
const expected = { object: SIDECAR, key: record.key, ...written, persistentKeys: 20 };
const restoring: RestoreTestState = {
  phase: 'restoring',
  groupId: 'dr-restore-test-20261129-0600',
  source: SOURCE,
  startedAt: NOW.toISOString(),
  expected,
};
/** The state a finished check hands to its cleanup: what it expected is no longer carried. */
const restoringWithoutExpected = {
  phase: 'restoring' as const,
  groupId: restoring.groupId,
  source: SOURCE,
  startedAt: NOW.toISOString(),
};
const GROUP_ARN = `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${restoring.groupId}`;
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
/** A GetObject body holding `text`, for the stubbed S3 client (the test reads it as a string). */
const body = (text: string) =>
  ({ transformToString: () => Promise.resolve(text) }) as unknown as GetObjectCommandOutput['Body'];
const available = (port = redis.endpoint.port) => ({
  ReplicationGroups: [
    {
      Status: 'available',
      NodeGroups: [{ NodeGroupId: '0001', PrimaryEndpoint: { Address: redis.endpoint.host, Port: port } }],
    },
  ],
});
/** The restored data: `persistent` keys without a TTL (the sentinel counted among them when given), 30 with. */
async function restoredData(sentinel: string | undefined, persistent = 20): Promise<void> {
  const commands = [['FLUSHALL']];
  if (sentinel !== undefined) commands.push(['SET', REDIS_SENTINEL.key, sentinel]);
  for (let i = sentinel === undefined ? 0 : 1; i < persistent; i += 1) commands.push(['SET', `setting:${i}`, 'x']);
  for (let i = 0; i < 30; i += 1) commands.push(['SET', `rl:${i}`, '1', 'EX', '600']);
  await redis.send(...commands);
}

beforeAll(async () => {
  redis = await startRedis();
  deps = {
    elasticache: new ElastiCacheClient({}),
    s3: new S3Client({}),
    secrets: new SecretsManagerClient({}),
    cache: redisConnector({ ca: redis.ca, timeoutMs: 5000 }),
    now: () => clock,
  };
});
afterAll(() => redis?.stop());

beforeEach(async () => {
  elasticache.reset();
  s3.reset();
  secrets.reset();
  clock = NOW;
  secrets.on(GetSecretValueCommand).resolves({ SecretString: redis.password });
  s3.on(GetObjectCommand, { Key: SIDECAR }).resolves({ Body: body(JSON.stringify(record)) });
  await restoredData(JSON.stringify(written));
});

test('restores the newest export into a tagged, encrypted temporary group with the AUTH token, carrying what its backup recorded', async () => {
  s3.on(ListObjectsV2Command).resolves({
    Contents: [
      { Key: 'async-toolformer-staging-use1-daily-20261128-0200-0001.rdb', LastModified: minutesLater(-28 * 60) },
      { Key: 'async-toolformer-staging-use1-weekly-20261129-0100-0001.rdb', LastModified: minutesLater(-60) },
    ],
  });
  expect(await advance(deps, settings, { phase: 'start' })).toEqual(restoring);
  expect(elasticache.commandCalls(CreateReplicationGroupCommand)[0]!.args[0].input).toMatchObject({
    ReplicationGroupId: 'dr-restore-test-20261129-0600',
    SnapshotArns: [SOURCE],
    NumCacheClusters: 1,
    AtRestEncryptionEnabled: true,
    TransitEncryptionEnabled: true,
    AuthToken: redis.password,
    Tags: [{ Key: 'dr-restore-test', Value: 'staging' }],
  });
  expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: settings.bucket, Key: SIDECAR });
});

test.each([
  [
    'missing',
    () => s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} })),
    /no sentinel record .*sentinel\.json for .*0001\.rdb/,
  ],
  [
    'unreadable',
    () => s3.on(GetObjectCommand).resolves({ Body: body('{"key": 1}') }),
    /sentinel record .* is unreadable/,
  ],
])("fails at once, creating nothing, when the export's sentinel record is %s", async (_name, arrange, detail) => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${EXPORT}-0001.rdb`, LastModified: NOW }] });
  arrange();
  expect(await advance(deps, settings, { phase: 'start' })).toEqual({
    phase: 'done',
    verdict: { passed: false, detail: expect.stringMatching(detail) },
  });
  expect(elasticache.calls()).toHaveLength(0);
});

test('with nothing to restore, the test fails without creating anything', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  expect(await advance(deps, settings, { phase: 'start' })).toMatchObject({
    phase: 'done',
    verdict: { passed: false },
  });
  expect(elasticache.calls()).toHaveLength(0);
});

test('waits while the group is created, then reads the sentinel and counts back, passes and moves on to cleanup', async () => {
  elasticache.on(DescribeReplicationGroupsCommand).resolvesOnce({ ReplicationGroups: [{ Status: 'creating' }] });
  clock = minutesLater(4);
  expect(await advance(deps, settings, restoring)).toBe(restoring);
  elasticache.on(DescribeReplicationGroupsCommand).resolves(available());
  clock = minutesLater(8);
  const compared = [
    `sentinel ${REDIS_SENTINEL.key} written 2026-11-29T01:00:00.000Z (${SIDECAR}): equal`,
    'keys without TTL 20 restored vs 20 at backup (±10): within',
  ];
  expect(await advance(deps, settings, restoring)).toEqual({
    ...restoringWithoutExpected,
    phase: 'cleaning',
    verdict: {
      passed: true,
      detail: `restored ${SOURCE} in 480 s; ${compared.join('; ')}`,
      restoreSeconds: 480,
      compared,
    },
  });
});

describe('the data read back decides', () => {
  beforeEach(() => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves(available());
    clock = minutesLater(8);
  });
  const verdictOf = async () =>
    ((await advance(deps, settings, restoring)) as Extract<RestoreTestState, { phase: 'cleaning' }>).verdict;

  test.each([
    ['the sentinel is missing', undefined, 20, /but sentinel missing from the restored copy$/],
    [
      'the checksum does not match',
      JSON.stringify({ ...written, checksum: 'f'.repeat(64) }),
      20,
      /but sentinel checksum mismatch/,
    ],
    [
      'the sentinel is an older one',
      JSON.stringify(sentinelValue('staging', new Date('2026-11-22T01:00:00Z'))),
      20,
      /but sentinel written at 2026-11-22T01:00:00\.000Z, expected the one written at 2026-11-29T01:00:00\.000Z/,
    ],
    [
      'the key count is short of the tolerance',
      JSON.stringify(written),
      9,
      /but keys without TTL 9 restored vs 20 at backup \(±10\): outside the tolerance/,
    ],
    ['the key count exceeds the tolerance', JSON.stringify(written), 31, /keys without TTL 31 restored vs 20/],
  ])('fails when %s, and still cleans up', async (_name, sentinel, persistent, detail) => {
    await restoredData(sentinel, persistent);
    const verdict = await verdictOf();
    expect(verdict).toMatchObject({ passed: false, detail: expect.stringMatching(detail), restoreSeconds: 480 });
  });

  test('passes at the edge of the tolerance: 10 fewer keys without TTL than at backup', async () => {
    await restoredData(JSON.stringify(written), 10);
    expect(await verdictOf()).toMatchObject({ passed: true });
  });

  test('an empty restore fails: no sentinel, no keys', async () => {
    await redis.send(['FLUSHALL']);
    expect(await verdictOf()).toMatchObject({ passed: false, detail: expect.stringMatching(/sentinel missing/) });
  });

  test('fails when the restored group refuses the connection: the check could not run', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves(available(await freePort()));
    expect(await verdictOf()).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/but could not read the restored group: cache localhost:\d+ could not be read/),
      compared: [],
    });
  });

  test('fails when the AUTH token is wrong: the check could not run', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not-the-token' });
    expect(await verdictOf()).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/could not read the restored group/),
    });
  });

  test('fails when the AUTH token secret is denied: the check could not run', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    expect(await verdictOf()).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/could not read the restored group: not authorized/),
    });
  });

  test('fails when the restored group has no primary endpoint', async () => {
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolves({ ReplicationGroups: [{ Status: 'available', NodeGroups: [{}] }] });
    expect(await verdictOf()).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/no primary endpoint to read/),
    });
  });
});

test.each([
  ['too slow', [{ Status: 'creating' }], 11, /still restoring after 660 s, allowed 600 s/],
  ['create-failed', [{ Status: 'create-failed' }], 3, /restore ended create-failed/],
  ['without node groups', [{ Status: 'available', NodeGroups: [] }], 3, /no node group/],
])('fails a restore that is %s, and still cleans up', async (_name, groups, minutes, detail) => {
  elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: groups });
  clock = minutesLater(minutes);
  const next = await advance(deps, settings, restoring);
  expect(next).toMatchObject({ phase: 'cleaning', verdict: { passed: false, detail: expect.stringMatching(detail) } });
});

test('cleanup deletes the group, waits while it goes, and ends when it is gone', async () => {
  const cleaning: RestoreTestState = {
    ...restoringWithoutExpected,
    phase: 'cleaning',
    verdict: { passed: true, detail: 'ok' },
  };
  elasticache
    .on(DescribeReplicationGroupsCommand)
    .resolvesOnce({ ReplicationGroups: [{ Status: 'available', ARN: GROUP_ARN }] })
    .resolvesOnce({ ReplicationGroups: [{ Status: 'deleting', ARN: GROUP_ARN }] })
    .rejects(new ReplicationGroupNotFoundFault({ message: 'gone', $metadata: {} }));
  elasticache.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'dr-restore-test', Value: 'staging' }] });
  elasticache.on(DeleteReplicationGroupCommand).resolves({});
  expect(await advance(deps, settings, cleaning)).toBe(cleaning);
  expect(elasticache.commandCalls(DeleteReplicationGroupCommand)[0]!.args[0].input).toEqual({
    ReplicationGroupId: restoring.groupId,
    RetainPrimaryCluster: false,
  });
  expect(await advance(deps, settings, cleaning)).toBe(cleaning);
  expect(elasticache.commandCalls(DeleteReplicationGroupCommand)).toHaveLength(1);
  expect(await advance(deps, settings, cleaning)).toEqual({ ...cleaning, phase: 'done' });
});

test('a throttled or denied call is an error for the state machine to retry, then to clean up after', async () => {
  elasticache.on(DescribeReplicationGroupsCommand).rejects(
    new ElastiCacheServiceException({
      name: 'AccessDenied',
      message: 'not allowed on untagged group',
      $fault: 'client',
      $metadata: {},
    }),
  );
  await expect(advance(deps, settings, restoring)).rejects.toThrow('not allowed on untagged group');
});
