// Integration: a Redis restore test against moto, from the newest export to a deleted temporary group.
import {
  CreateCacheSubnetGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { advance, type RestoreTestDeps, type RestoreTestState } from './restore-test';

const BUCKET = 'async-toolformer-staging-cache-backups-123456789012-use1';
let moto: MotoServer;
let deps: RestoreTestDeps;

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  const elasticache = new ElastiCacheClient(moto.clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'async-toolformer-staging-use1-weekly-20261129-0100-0001.rdb',
      Body: 'REDIS0011',
      ServerSideEncryption: 'AES256',
    }),
  );
  await elasticache.send(
    new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: 'cache-subnets',
      CacheSubnetGroupDescription: 'test',
      SubnetIds: ['subnet-1'],
    }),
  );
  deps = { elasticache, s3, now: () => new Date() };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

// moto keeps a deleted group in "deleting" forever, so the run ends here in cleanup with deletion requested;
// the unit tests cover the step after it, when the group is gone.
test('restores, passes, and deletes its temporary group', async () => {
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
  };
  let state: RestoreTestState = { phase: 'start' };
  const phases: string[] = [];
  for (let step = 0; step < 4; step += 1) {
    state = await advance(deps, settings, state);
    phases.push(state.phase);
  }
  expect(phases).toEqual(['restoring', 'cleaning', 'cleaning', 'cleaning']);
  expect(state).toMatchObject({ verdict: { passed: true } });
  const { ReplicationGroups } = await deps.elasticache.send(new DescribeReplicationGroupsCommand({}));
  const temporary = ReplicationGroups?.filter((group) => group.ReplicationGroupId?.startsWith('dr-restore-test-'));
  expect(temporary?.map((group) => group.Status)).toEqual(['deleting']);
});
