// Integration: a weekly Redis backup run against moto and a real redis-server as the group's primary, from the sentinel to a verified .rdb, its sidecar and its SSM record.
import {
  CopySnapshotCommand,
  CreateReplicationGroupCommand,
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { REDIS_SENTINEL } from '../../lib/contract';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { redisConnector, type CacheEndpoint } from '../shared/cache-session';
import { sentinelValue } from '../shared/sentinel';
import { advance, type BackupState, type RedisBackupDeps } from './redis-backup';

const GROUP = 'async-toolformer-staging-use1';
const BUCKET = 'async-toolformer-staging-cache-backups-123456789012-use1';
const PARAMETER = '/async-toolformer/staging/backups/redis/latest';
const SECRET = 'async-toolformer/staging/cache/auth-token';
const NOW = new Date('2026-11-29T01:00:00Z');

const OLD_OWN = [
  `${GROUP}-daily-20261128-0100-snap`,
  `${GROUP}-daily-20261127-0100-snap`,
  `${GROUP}-weekly-20261122-0100-snap`,
];
/** Right group, right prefix and suffix, but no name the job generates: an operator's, crafted to look like one. */
const FOREIGN = [`${GROUP}-daily-20261101-0100-keep-snap`, `${GROUP}-before-upgrade`];

let moto: MotoServer;
let elasticacheClient: ElastiCacheClient;
let redis: RedisServer;
/** The endpoints the job connected to, as moto's DescribeReplicationGroups named them. */
const dialled: CacheEndpoint[] = [];
let deps: RedisBackupDeps;
let s3: S3Client;

/**
 * moto implements snapshots but not their export (CopySnapshot with TargetBucket). This does what
 * ElastiCache does on export: it writes `<name>-0001.rdb` into the bucket, SSE-S3 encrypted.
 */
function exportLikeElastiCache(elasticache: ElastiCacheClient): void {
  const realSend = elasticache.send.bind(elasticache);
  const send = (command: unknown): Promise<unknown> => {
    if (!(command instanceof CopySnapshotCommand)) return realSend(command as never);
    const { TargetSnapshotName, TargetBucket } = command.input;
    return s3
      .send(
        new PutObjectCommand({
          Bucket: TargetBucket,
          Key: `${TargetSnapshotName}-0001.rdb`,
          Body: 'REDIS0011 rate limits',
          ServerSideEncryption: 'AES256',
        }),
      )
      .then(() => ({ $metadata: {} }));
  };
  // send's last overload (with a callback) returns void; this stands in for the promise overload.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  jest.spyOn(elasticache, 'send').mockImplementation(send as typeof elasticache.send);
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  const elasticache = new ElastiCacheClient(moto.clientConfig());
  exportLikeElastiCache(elasticache);
  elasticacheClient = elasticache;
  await elasticache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP,
      ReplicationGroupDescription: 'rate limiting',
      Engine: 'valkey',
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 2,
    }),
  );
  // As the cache stack deploys it: Object Lock (so versioned), no default retention.
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  // Older manual snapshots of the job, and ones it must never delete.
  for (const name of [...OLD_OWN, ...FOREIGN]) {
    await elasticache.send(new CreateSnapshotCommand({ ReplicationGroupId: GROUP, SnapshotName: name }));
  }
  redis = await startRedis();
  const secrets = new SecretsManagerClient(moto.clientConfig());
  await secrets.send(new CreateSecretCommand({ Name: SECRET, SecretString: redis.password }));
  await redis.send(['SET', 'rl:a', '1', 'EX', '600'], ['SET', 'config', 'x']);
  const connect = redisConnector({ ca: redis.ca, timeoutMs: 5000 });
  deps = {
    elasticache,
    s3,
    ssm: new SSMClient(moto.clientConfig()),
    secrets,
    // The network's part: moto's primary address routes to the local server.
    cache: (endpoint, password, use) => {
      dialled.push(endpoint);
      return connect(redis.endpoint, password, use);
    },
    now: () => NOW,
  };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  await redis?.stop();
});

test('a weekly run snapshots, exports, verifies and records, one step per invocation', async () => {
  const settings = {
    replicationGroupId: GROUP,
    bucket: BUCKET,
    resultParameter: PARAMETER,
    stage: 'staging',
    authTokenSecretName: SECRET,
    // moto's group is in no Global Datastore: standalone, it is its own primary and the run acts.
    primary: { replicationGroupId: GROUP, region: 'us-east-1', peerRegion: 'us-west-2' },
    objectLock: { mode: 'GOVERNANCE', days: 7 } as const,
  };
  let state: BackupState = { phase: 'start', kind: 'weekly' };
  const phases: string[] = [];
  for (let step = 0; step < 10 && state.phase !== 'done'; step += 1) {
    state = await advance(deps, settings, state);
    phases.push(state.phase);
  }
  expect(phases).toEqual(['snapshotting', 'exporting', 'done']);
  expect(state).toMatchObject({
    phase: 'done',
    snapshotName: `${GROUP}-weekly-20261129-0100-snap`,
    objects: [{ key: `${GROUP}-weekly-20261129-0100-0001.rdb`, size: 21 }],
    resultVersion: 1,
  });
  expect(dialled).toEqual([
    { host: expect.stringMatching(new RegExp(`^master\\.${GROUP}\\.`)), port: expect.any(Number) },
  ]);
  // The sentinel is in the group, without a TTL, and its sidecar sits next to the export.
  const written = sentinelValue('staging', NOW);
  expect(await redis.send(['GET', REDIS_SENTINEL.key])).toEqual([JSON.stringify(written)]);
  const sidecar = await s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `${GROUP}-weekly-20261129-0100${REDIS_SENTINEL.sidecarSuffix}` }),
  );
  expect(JSON.parse(await sidecar.Body!.transformToString())).toEqual({
    replicationGroupId: GROUP,
    exportName: `${GROUP}-weekly-20261129-0100`,
    key: REDIS_SENTINEL.key,
    ...written,
    keys: 3,
    persistentKeys: 2,
  });

  // Both exact versions are locked, as HeadObject reports them (moto's GetObjectRetention does not parse).
  const done = state as Extract<BackupState, { resultVersion: number }>;
  expect(done.locked.versions.map((version) => version.key)).toEqual([
    `${GROUP}-weekly-20261129-0100-0001.rdb`,
    `${GROUP}-weekly-20261129-0100${REDIS_SENTINEL.sidecarSuffix}`,
  ]);
  for (const { key, versionId } of done.locked.versions) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }));
    expect({ mode: head.ObjectLockMode, until: head.ObjectLockRetainUntilDate?.toISOString() }).toEqual({
      mode: 'GOVERNANCE',
      until: '2026-12-06T01:00:00.000Z',
    });
  }

  // The newest two of the job's own snapshots stay (this run's and the one before); older own ones
  // are deleted; the crafted and the operator's snapshots are untouched.
  expect(done.snapshotPrune).toEqual({ deleted: OLD_OWN.slice(1), failures: 0, errors: [] });
  const left = await elasticacheClient.send(new DescribeSnapshotsCommand({ ReplicationGroupId: GROUP }));
  expect(left.Snapshots?.map((snapshot) => snapshot.SnapshotName).sort()).toEqual(
    [`${GROUP}-weekly-20261129-0100-snap`, OLD_OWN[0]!, ...FOREIGN].sort(),
  );

  // A second run adds a version: the parameter's history is the log of exports.
  await advance(deps, settings, {
    phase: 'exporting',
    kind: 'weekly',
    snapshotName: 'again',
    exportName: `${GROUP}-weekly-20261129-0100`,
    sentinel: (state as Extract<BackupState, { sentinel: unknown }>).sentinel,
  });
  const history = await deps.ssm.send(new GetParameterHistoryCommand({ Name: PARAMETER }));
  expect(history.Parameters?.map((version) => JSON.parse(version.Value!).snapshotName)).toEqual([
    `${GROUP}-weekly-20261129-0100-snap`,
    'again',
  ]);
});
