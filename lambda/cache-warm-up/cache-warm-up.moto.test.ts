// The cache warm-up against a real redis-server (TLS, AUTH) and manifests in a versioned moto S3 bucket: batches, steps, idempotence, pinned versions.
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WARM_UP_MANIFEST } from '../../lib/contract';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisBatchConnector } from './batch-session';
import { advance, type LoadingState, type WarmUpDeps, type WarmUpSettings, type WarmUpState } from './warm-up';

const BUCKET = 'async-toolformer-prod-use1-cache-backups';
const GROUP = 'async-toolformer-prod-use1';
const SECRET = 'async-toolformer/prod/cache/auth-token';
let moto: MotoServer;
let redis: RedisServer;
let s3: S3Client;
let deps: WarmUpDeps;
const settings: WarmUpSettings = {
  bucket: BUCKET,
  replicationGroupId: GROUP,
  authTokenSecretName: SECRET,
  batchSize: 2,
  keysPerStep: 3,
};

beforeAll(async () => {
  [moto, redis] = await Promise.all([startMoto(), startRedis()]);
  s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  const secrets = new SecretsManagerClient(moto.clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await secrets.send(new CreateSecretCommand({ Name: SECRET, SecretString: redis.password }));
  // moto answers no replication group with an endpoint: this stand-in answers the group's primary as the drill's server.
  const elasticache = {
    send: async () => ({
      ReplicationGroups: [
        { NodeGroups: [{ PrimaryEndpoint: { Address: redis.endpoint.host, Port: redis.endpoint.port } }] },
      ],
    }),
  } as unknown as ElastiCacheClient;
  deps = { s3, elasticache, secrets, cache: redisBatchConnector({ ca: redis.ca }) };
}, 60_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), redis?.stop()]);
});
beforeEach(() => redis.send(['FLUSHALL']));

const put = async (key: string, body: unknown) =>
  (
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    )
  ).VersionId!;

const manifest = (overrides: object = {}) => ({
  format: WARM_UP_MANIFEST.format,
  defaultTtlSeconds: 3600,
  entries: [
    { key: 'config:limits', value: '{"rpm":600}' },
    { key: 'config:flags', value: 'on', ttlSeconds: 120 },
  ],
  sources: [{ key: 'warm-up/tenants.jsonl' }],
  ...overrides,
});
const tenants = ['a', 'b', 'c', 'd'].map((name) => JSON.stringify({ key: `tenant:${name}`, value: name })).join('\n');

/** Runs the warm-up from `first` until it is done, as its state machine would; returns every state. */
async function run(first: WarmUpState): Promise<LoadingState[]> {
  const states: LoadingState[] = [];
  let state: WarmUpState = first;
  for (let step = 0; step < 20; step += 1) {
    const next = await advance(deps, settings, state);
    states.push(next);
    if (next.phase === 'done') return states;
    state = next;
  }
  throw new Error('no done phase after 20 steps');
}

test('loads inline entries and a source in batches over several steps, with each TTL', async () => {
  // Prepare
  await put('warm-up/tenants.jsonl', `${tenants}\n\n`);
  const version = await put(WARM_UP_MANIFEST.defaultKey, manifest());

  // Act
  const states = await run({ phase: 'start' });

  // Assess
  const last = states.at(-1)!;
  expect(last.manifest).toEqual({ key: WARM_UP_MANIFEST.defaultKey, versionId: version });
  expect(last).toMatchObject({ total: 6, written: 6, kept: 0, verdict: { passed: true } });
  // start, then 3 keys per step: 2 loading steps
  expect(states.map((state) => [state.phase, state.stepLoaded])).toEqual([
    ['loading', 0],
    ['loading', 3],
    ['done', 3],
  ]);
  expect(await redis.send(['GET', 'config:limits'], ['GET', 'tenant:d'], ['DBSIZE'])).toEqual(['{"rpm":600}', 'd', 6]);
  const [flagsTtl, limitsTtl] = (await redis.send(['TTL', 'config:flags'], ['TTL', 'config:limits'])) as number[];
  expect(flagsTtl).toBeGreaterThan(100);
  expect(flagsTtl).toBeLessThanOrEqual(120);
  expect(limitsTtl).toBeGreaterThan(3500);
});

test('is idempotent: a second run of the same version writes the same values; overwrite false keeps live ones', async () => {
  await put('warm-up/tenants.jsonl', tenants);
  await put(WARM_UP_MANIFEST.defaultKey, manifest());
  await run({ phase: 'start' });
  const first = await redis.send(['MGET', 'config:limits', 'tenant:a', 'tenant:d']);
  await run({ phase: 'start' });
  expect(await redis.send(['MGET', 'config:limits', 'tenant:a', 'tenant:d'], ['DBSIZE'])).toEqual([first[0], 6]);

  await redis.send(['SET', 'tenant:a', 'live']);
  const keep = await put('warm-up/keep.json', manifest({ overwrite: false }));
  const states = await run({ phase: 'start', manifestKey: 'warm-up/keep.json', versionId: keep });
  expect(states.at(-1)).toMatchObject({ written: 0, kept: 6 });
  expect(await redis.send(['GET', 'tenant:a'])).toEqual(['live']);
});

test('keeps loading the versions it started from when the manifest and its source change mid-run', async () => {
  await put('warm-up/tenants.jsonl', tenants);
  await put(WARM_UP_MANIFEST.defaultKey, manifest());
  const started = await advance(deps, settings, { phase: 'start' });
  await put(WARM_UP_MANIFEST.defaultKey, manifest({ entries: [{ key: 'config:limits', value: 'CHANGED' }] }));
  await put('warm-up/tenants.jsonl', JSON.stringify({ key: 'tenant:a', value: 'CHANGED' }));
  let state: LoadingState = started;
  while (state.phase !== 'done') state = await advance(deps, settings, state);
  expect(await redis.send(['GET', 'config:limits'], ['GET', 'tenant:a'])).toEqual(['{"rpm":600}', 'a']);
});

test('fails at the start on a bad source line, before any key is written', async () => {
  await put('warm-up/tenants.jsonl', `${tenants}\n{"key":"tenant:e"}\n`);
  await put(WARM_UP_MANIFEST.defaultKey, manifest());
  await expect(advance(deps, settings, { phase: 'start' })).rejects.toThrow(
    `s3://${BUCKET}/warm-up/tenants.jsonl line 5: value of tenant:e must be a string`,
  );
  expect(await redis.send(['DBSIZE'])).toEqual([0]);
});
