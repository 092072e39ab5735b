// Integration: a Redis restore test against moto and a real redis-server standing for the restored group, from the newest export and its sentinel record to a deleted temporary group.
import {
  CreateCacheSubnetGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { REDIS_SENTINEL } from '../../lib/contract';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisConnector, type CacheEndpoint } from '../shared/cache-session';
import { sentinelValue } from '../shared/sentinel';
import { advance, type RestoreTestDeps, type RestoreTestState } from './restore-test';

const BUCKET = 'async-toolformer-staging-cache-backups-123456789012-use1';
const EXPORT = 'async-toolformer-staging-use1-weekly-20261129-0100';
const SECRET = 'async-toolformer/staging/cache/auth-token';
const written = sentinelValue('staging', new Date('2026-11-29T01:00:00Z'));
let moto: MotoServer;
let redis: RedisServer;
let deps: RestoreTestDeps;
/** The endpoints the test read, as moto's DescribeReplicationGroups named them. */
const dialled: CacheEndpoint[] = [];

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  const elasticache = new ElastiCacheClient(moto.clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `${EXPORT}-0001.rdb`,
      Body: 'REDIS0011',
      ServerSideEncryption: 'AES256',
    }),
  );
  // What the backup recorded next to the export: its sentinel, and 2 keys without TTL.
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `${EXPORT}${REDIS_SENTINEL.sidecarSuffix}`,
      Body: JSON.stringify({ key: REDIS_SENTINEL.key, ...written, keys: 3, persistentKeys: 2 }),
      ServerSideEncryption: 'AES256',
    }),
  );
  // moto restores no data from the .rdb: the local server holds what a real restore of it would.
  redis = await startRedis();
  await redis.send(
    ['SET', REDIS_SENTINEL.key, JSON.stringify(written)],
    ['SET', 'config', 'x'],
    ['SET', 'rl:a', '1', 'EX', '60'],
  );
  const secrets = new SecretsManagerClient(moto.clientConfig());
  await secrets.send(new CreateSecretCommand({ Name: SECRET, SecretString: redis.password }));
  const connect = redisConnector({ ca: redis.ca, timeoutMs: 5000 });
  await elasticache.send(
    new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: 'cache-subnets',
      CacheSubnetGroupDescription: 'test',
      SubnetIds: ['subnet-1'],
    }),
  );
  deps = {
    elasticache,
    s3,
    secrets,
    // The network's part: the restored group's primary address routes to the local server.
    cache: (endpoint, password, use) => {
      dialled.push(endpoint);
      return connect(redis.endpoint, password, use);
    },
    now: () => new Date(),
  };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  await redis?.stop();
});

// moto keeps a deleted group in "deleting" forever, so the run ends here in cleanup with deletion requested;
// the unit tests cover the step after it, when the group is gone.
test('restores, reads the sentinel and counts back, passes, and deletes its temporary group', async () => {
  const settings = {
    bucket: BUCKET,
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
    authTokenSecretName: SECRET,
  };
  let state: RestoreTestState = { phase: 'start' };
  const phases: string[] = [];
  for (let step = 0; step < 4; step += 1) {
    state = await advance(deps, settings, state);
    phases.push(state.phase);
  }
  expect(phases).toEqual(['restoring', 'cleaning', 'cleaning', 'cleaning']);
  expect(state).toMatchObject({
    verdict: {
      passed: true,
      compared: [
        expect.stringMatching(/^sentinel .* written 2026-11-29T01:00:00\.000Z .*: equal$/),
        'keys without TTL 2 restored vs 2 at backup (±10): within',
      ],
    },
  });
  expect(dialled).toEqual([{ host: expect.stringMatching(/^master\.dr-restore-test-/), port: expect.any(Number) }]);
  const { ReplicationGroups } = await deps.elasticache.send(new DescribeReplicationGroupsCommand({}));
  const temporary = ReplicationGroups?.filter((group) => group.ReplicationGroupId?.startsWith('dr-restore-test-'));
  expect(temporary?.map((group) => group.Status)).toEqual(['deleting']);
});
