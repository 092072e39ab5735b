// The six failure paths of the cache warm-up, through its step handler: the error, cache_warm_up_succeeded 0, and no key written after the failure.
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC, WARM_UP_MANIFEST } from '../../lib/contract';
import { awsError, capture, environment } from '../../test/helpers/failure-paths';
import type { BatchResult, BatchWrite } from './batch-session';
import type * as HandlerModule from './handler';

/** What the cache received, and how it answers each batch. */
const cache = {
  batches: [] as BatchWrite[][],
  answer: (batch: readonly BatchWrite[]): BatchResult => ({ written: batch.length, kept: 0, failed: [] }),
};
jest.mock('./batch-session', () => ({
  redisBatchConnector: () => (_endpoint: unknown, _password: unknown, use: (session: object) => Promise<unknown>) =>
    use({
      write: async (batch: BatchWrite[]) => {
        cache.batches.push(batch);
        return cache.answer(batch);
      },
    }),
}));

const s3 = mockClient(S3Client);
const elasticache = mockClient(ElastiCacheClient);
const secrets = mockClient(SecretsManagerClient);
/** An object body as the SDK hands it over: only transformToString is read. */
const body = (value: unknown) =>
  ({ transformToString: async () => (typeof value === 'string' ? value : JSON.stringify(value)) }) as never;
const manifest = {
  format: WARM_UP_MANIFEST.format,
  entries: [
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
    { key: 'c', value: '3' },
  ],
};
const loading = {
  phase: 'loading',
  manifest: { key: WARM_UP_MANIFEST.defaultKey, versionId: 'v1' },
  sources: [],
  total: 3,
  cursor: { part: 0, offset: 0 },
  written: 0,
  kept: 0,
  stepLoaded: 0,
};
const written = () => cache.batches.flat().length;

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(process.env, environment(FUNCTIONS.cacheWarmUp.environment, { BATCH_SIZE: '2', KEYS_PER_STEP: '10' }), {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  [s3, elasticache, secrets].forEach((stub) => stub.reset());
  cache.batches = [];
  cache.answer = (batch) => ({ written: batch.length, kept: 0, failed: [] });
  s3.on(GetObjectCommand).callsFake(async () => ({ Body: body(manifest), VersionId: 'v1', ContentLength: 100 }));
  elasticache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [
      { NodeGroups: [{ PrimaryEndpoint: { Address: 'master.example.cache.amazonaws.com', Port: 6379 } }] },
    ],
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'token' });
});
afterAll(() => [s3, elasticache, secrets].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when the manifest read is throttled past the retries (SlowDown): 0, nothing written', async () => {
    s3.on(GetObjectCommand).rejects(awsError('SlowDown'));
    const { error, metrics } = await capture(() => handler({ phase: 'start' }));
    expect(error?.name).toBe('SlowDown');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
    expect(written()).toBe(0);
  });
});

describe('failure path: access denied', () => {
  test('fails when the AUTH token secret is denied: 0, the cache is never written', async () => {
    secrets.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException'));
    const { error, metrics } = await capture(() => handler(loading));
    expect(error?.name).toBe('AccessDeniedException');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
    expect(written()).toBe(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the manifest does not exist (NoSuchKey): 0, nothing written', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey'));
    const { error, metrics } = await capture(() => handler({ phase: 'start', manifestKey: 'warm-up/absent.json' }));
    expect(error?.name).toBe('NoSuchKey');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
  });

  test('fails when the group has no primary endpoint: CacheNotReadyError, nothing written', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ NodeGroups: [{}] }] });
    const { error, metrics } = await capture(() => handler(loading));
    expect(error?.name).toBe('CacheNotReadyError');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
    expect(written()).toBe(0);
  });
});

describe('failure path: empty result', () => {
  test('fails when the manifest names no key: a warm-up that warms nothing is not a success', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body({ format: WARM_UP_MANIFEST.format }), VersionId: 'v1' });
    const { error, metrics } = await capture(() => handler({ phase: 'start' }));
    expect(error?.name).toBe('EmptyManifestError');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
  });

  test('fails when the manifest object has no version id (an unversioned bucket)', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(manifest) });
    const { error } = await capture(() => handler({ phase: 'start' }));
    expect(error?.message).toMatch(/has no version id: the manifest bucket must be versioned/);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['not an object', 'start'],
    ['an unknown phase', { phase: 'warming' }],
    ['a manifest key outside warm-up/', { phase: 'start', manifestKey: 'daily/export.rdb' }],
    ['a loading state without its cursor', { ...loading, cursor: undefined }],
  ])('fails on %s: MalformedEventError, no call', async (_name, event) => {
    const { error, metrics } = await capture(() => handler(event));
    expect(error?.name).toBe('MalformedEventError');
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toBeUndefined();
    expect(s3.calls()).toHaveLength(0);
    expect(written()).toBe(0);
  });

  test('fails on a manifest of the wrong format: ManifestError naming the field, nothing written', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body({ ...manifest, format: 'v0' }), VersionId: 'v1' });
    const { error, metrics } = await capture(() => handler({ phase: 'start' }));
    expect(error?.name).toBe('ManifestError');
    expect(error?.message).toMatch(/format must be "cache-warm-up\/1", got "v0"/);
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the node refuses one key of a batch (READONLY): the key is named, the batch loaded counted, 0, no later batch', async () => {
    cache.answer = (batch) => ({
      written: batch.length - 1,
      kept: 0,
      failed: [{ key: batch[0]!.key, error: "READONLY You can't write against a read only replica." }],
    });
    const { error, metrics } = await capture(() => handler(loading));
    expect(error?.name).toBe('WarmUpFailedError');
    expect(error?.message).toMatch(
      /1 key\(s\) refused by the cache \(a: READONLY.*warm the region that holds the cache primary/,
    );
    expect(metrics[METRIC.cacheWarmUpKeysLoaded]).toEqual([1]);
    expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([0]);
    expect(cache.batches).toHaveLength(1);
  });
});

test('a run that loads its whole manifest reports the keys of each step and 1 at the end', async () => {
  const started = await handler({ phase: 'start' });
  const { result, metrics } = await capture(() => handler(started));
  expect(result).toMatchObject({ phase: 'done', written: 3 });
  expect(metrics[METRIC.cacheWarmUpKeysLoaded]).toEqual([3]);
  expect(metrics[METRIC.cacheWarmUpSucceeded]).toEqual([1]);
  expect(cache.batches.map((batch) => batch.length)).toEqual([2, 1]);
});
