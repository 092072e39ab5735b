// Integration: the Redis restore against moto: it picks the newest SSE-S3 .rdb and creates a group seeded from it.
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { RestoreSettings } from '../../lib/contract';
import { RestoreError, planRestore, run, type RestoreDeps } from '../../scripts/redis/restore';
import { startMoto, type MotoServer } from '../helpers/moto';
import { ROOT, runProcess } from './cli-harness';

const REGION = 'us-west-2';
const BUCKET = 'async-toolformer-prod-cache-backups-123456789012-usw2';
const SETTINGS: RestoreSettings = {
  replicationGroupId: 'async-toolformer-prod-usw2',
  engine: 'valkey',
  engineVersion: '8.0',
  cacheNodeType: 'cache.r7g.large',
  numCacheClusters: 3,
  port: 6380,
  cacheSubnetGroupName: 'cache-subnets',
  securityGroupIds: ['sg-0123456789abcdef0'],
  cacheParameterGroupName: 'cache-params',
  kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555',
  authTokenSecretName: 'async-toolformer/prod/cache/auth-token',
  snapshotRetentionLimit: 35,
  snapshotWindow: '00:30-01:30',
  preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
  notificationTopicArn: 'arn:aws:sns:us-west-2:123456789012:async-toolformer-prod-cache-events',
};

let moto: MotoServer;
let deps: RestoreDeps;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  const config = { ...moto.clientConfig(REGION), forcePathStyle: true };
  s3 = new S3Client(config);
  const ssm = new SSMClient(config);
  const secrets = new SecretsManagerClient(config);
  deps = { s3, ssm, secrets, elasticache: new ElastiCacheClient(config), now: () => new Date('2026-11-26T13:05:00Z') };
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await ssm.send(
    new PutParameterCommand({ Name: '/async-toolformer/prod/cache/backup-bucket', Value: BUCKET, Type: 'String' }),
  );
  await ssm.send(
    new PutParameterCommand({
      Name: '/async-toolformer/prod/cache/restore-settings',
      Value: JSON.stringify(SETTINGS),
      Type: 'String',
    }),
  );
  await secrets.send(new CreateSecretCommand({ Name: SETTINGS.authTokenSecretName, SecretString: 'a'.repeat(64) }));
  // Older objects first: S3 orders LastModified by the second, so the newest is written a second later.
  await put('manual/kms-0001.rdb', 'aws:kms');
  await put('manual/empty-0001.rdb', 'AES256', '');
  await put('daily/2026-11-25-0001.rdb', 'AES256');
  await new Promise((wait) => setTimeout(wait, 1100));
  await put('daily/2026-11-26-0001.rdb', 'AES256');
  await put('daily/2026-11-26-notes.txt', 'AES256');
  // Starting moto_server takes seconds, more on a busy machine (startMoto waits up to 30 s).
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

async function put(key: string, encryption: 'AES256' | 'aws:kms', body = 'REDIS0011') {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: encryption }));
}

test('latest restores the newest .rdb into a new group with the stack settings', async () => {
  const result = await run(deps, { stage: 'prod', backup: 'latest' });
  expect(result).toMatchObject({
    replicationGroupId: 'atf-prod-usw2-r202611261305',
    bucket: BUCKET,
    key: 'daily/2026-11-26-0001.rdb',
    snapshotArn: `arn:aws:s3:::${BUCKET}/daily/2026-11-26-0001.rdb`,
  });
  const described = await deps.elasticache.send(
    new DescribeReplicationGroupsCommand({ ReplicationGroupId: result.replicationGroupId }),
  );
  expect(described.ReplicationGroups?.[0]).toMatchObject({
    ReplicationGroupId: result.replicationGroupId,
    Description: `restored from s3://${BUCKET}/daily/2026-11-26-0001.rdb`,
  });
});

test('an explicit older key and group id restore that backup', async () => {
  const result = await run(deps, {
    stage: 'prod',
    backup: 'daily/2026-11-25-0001.rdb',
    replicationGroupId: 'atf-prod-usw2-drill',
  });
  expect(result).toMatchObject({ replicationGroupId: 'atf-prod-usw2-drill', key: 'daily/2026-11-25-0001.rdb' });
});

test.each([
  ['a KMS-encrypted backup', 'manual/kms-0001.rdb', /encrypted with aws:kms; ElastiCache restores only SSE-S3/],
  ['an empty backup', 'manual/empty-0001.rdb', /is empty; pick another backup/],
])('fails on %s', async (_label, backup, message) => {
  await expect(run(deps, { stage: 'prod', backup })).rejects.toThrow(RestoreError);
  await expect(run(deps, { stage: 'prod', backup })).rejects.toThrow(message);
});

test('fails when the new group id is not a valid ElastiCache id', async () => {
  await expect(
    run(deps, { stage: 'prod', backup: 'latest', replicationGroupId: 'Async_Toolformer_Restored' }),
  ).rejects.toThrow(/replication group id must be 2-40 lower-case letters/);
});

test('fails when the backup key does not exist', async () => {
  await expect(run(deps, { stage: 'prod', backup: 'daily/missing.rdb' })).rejects.toMatchObject({
    $metadata: { httpStatusCode: 404 },
  });
});

test('fails when the stage has no backup bucket parameter', async () => {
  await expect(run(deps, { stage: 'staging', backup: 'latest' })).rejects.toMatchObject({ name: 'ParameterNotFound' });
});

const groupIds = async () =>
  ((await deps.elasticache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? []).map(
    (group) => group.ReplicationGroupId,
  );

test('a dry run finds the backup and the group it would create, and creates nothing', async () => {
  const before = await groupIds();
  const plan = await planRestore(deps, { stage: 'prod', backup: 'latest' });
  expect(plan).toMatchObject({ replicationGroupId: 'atf-prod-usw2-r202611261305', key: 'daily/2026-11-26-0001.rdb' });
  await expect(planRestore(deps, { stage: 'prod', backup: 'manual/kms-0001.rdb' })).rejects.toThrow(/aws:kms/);
  expect(await groupIds()).toEqual(before);
});

test('restore-from-backup.sh --dry-run, as a process: exit 0, the plan as JSON, nothing created', async () => {
  const before = await groupIds();
  const result = await runProcess(
    'bash',
    [`${ROOT}/scripts/redis/restore-from-backup.sh`, 'latest', '--region', REGION, '--dry-run', '--id', 'atf-dry-run'],
    {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_PROFILE: undefined,
      AWS_REGION: undefined,
    },
  );
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({
    dryRun: true,
    replicationGroupId: 'atf-dry-run',
    bucket: BUCKET,
    key: 'daily/2026-11-26-0001.rdb',
  });
  expect(result.stderr).toContain('dry run: nothing was created');
  expect(await groupIds()).toEqual(before);
}, 30_000);
