// Unit tests of the Redis restore test with mocked clients: restore, verdicts, slow restores and cleanup.
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
  ListTagsForResourceCommand,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { advance, type RestoreTestDeps, type RestoreTestState } from './restore-test';

const NOW = new Date('2026-11-29T06:00:00Z');
let clock = NOW;
const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const deps: RestoreTestDeps = { elasticache: new ElastiCacheClient({}), s3: new S3Client({}), now: () => clock };
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
};
const SOURCE = `arn:aws:s3:::${settings.bucket}/async-toolformer-staging-use1-weekly-20261129-0100-0001.rdb`;
const restoring: RestoreTestState = {
  phase: 'restoring',
  groupId: 'dr-restore-test-20261129-0600',
  source: SOURCE,
  startedAt: NOW.toISOString(),
};
const GROUP_ARN = `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${restoring.groupId}`;
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

beforeEach(() => {
  elasticache.reset();
  s3.reset();
  clock = NOW;
});

test('restores the newest export into a tagged, encrypted temporary group', async () => {
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
    Tags: [{ Key: 'dr-restore-test', Value: 'staging' }],
  });
});

test('with nothing to restore, the test fails without creating anything', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  expect(await advance(deps, settings, { phase: 'start' })).toMatchObject({
    phase: 'done',
    verdict: { passed: false },
  });
  expect(elasticache.calls()).toHaveLength(0);
});

test('waits while the group is created, then passes and moves on to cleanup', async () => {
  elasticache.on(DescribeReplicationGroupsCommand).resolvesOnce({ ReplicationGroups: [{ Status: 'creating' }] });
  clock = minutesLater(4);
  expect(await advance(deps, settings, restoring)).toBe(restoring);
  elasticache
    .on(DescribeReplicationGroupsCommand)
    .resolves({ ReplicationGroups: [{ Status: 'available', NodeGroups: [{ NodeGroupId: '0001' }] }] });
  clock = minutesLater(8);
  expect(await advance(deps, settings, restoring)).toEqual({
    ...restoring,
    phase: 'cleaning',
    verdict: { passed: true, detail: `restored ${SOURCE} in 480 s`, restoreSeconds: 480 },
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
  const cleaning: RestoreTestState = { ...restoring, phase: 'cleaning', verdict: { passed: true, detail: 'ok' } };
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
