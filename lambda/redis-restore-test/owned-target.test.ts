// Crafted restore test states: a group the test did not create is never described for deletion, nor deleted.
import {
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { NotOwnedTargetError } from '../shared/owned-target';
import { advance, type RestoreTestDeps, type RestoreTestState } from './restore-test';

const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const deps: RestoreTestDeps = {
  elasticache: new ElastiCacheClient({}),
  s3: new S3Client({}),
  secrets: new SecretsManagerClient({}),
  // A crafted state never reaches the cache: it is refused, or cleaned up without a read.
  cache: () => Promise.reject(new Error('the cache must not be called')),
  now: () => new Date('2026-11-29T06:00:00Z'),
};
const settings = {
  bucket: 'async-toolformer-staging-cache-backups-123456789012-use1',
  prefix: 'async-toolformer-staging-use1-',
  groupPrefix: 'atf-restore-test-',
  engine: 'valkey',
  engineVersion: '8.0',
  cacheNodeType: 'cache.t4g.small',
  subnetGroupName: 'cache-subnets',
  securityGroupIds: ['sg-123'],
  tag: { key: 'dr-restore-test', value: 'temporary' },
  maxRestoreSeconds: 600,
  stage: 'staging',
  authTokenSecretName: 'async-toolformer/staging/cache/auth-token',
};
const crafted = (groupId: unknown, phase: 'cleaning' | 'restoring' = 'cleaning') =>
  ({
    phase,
    groupId,
    source: 'x',
    startedAt: '2026-11-29T06:00:00Z',
    verdict: { passed: true, detail: 'crafted' },
  }) as unknown as RestoreTestState;
const OURS = 'atf-restore-test-20261129-0600';
const ARN = `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${OURS}`;

beforeEach(() => {
  elasticache.reset();
  s3.reset();
});

test.each([
  ['the production group', 'async-toolformer-prod-use1', 'cleaning'],
  ['the staging group', 'async-toolformer-staging-use1', 'cleaning'],
  ['a name that only contains the prefix', 'x-atf-restore-test-1', 'cleaning'],
  ['the bare prefix', 'atf-restore-test-', 'cleaning'],
  ['a name with other characters after the prefix', 'atf-restore-test-../prod', 'cleaning'],
  ['the production group, while restoring', 'async-toolformer-prod-use1', 'restoring'],
] as const)('fails when the state names %s: refused with no AWS call', async (_name, groupId, phase) => {
  await expect(advance(deps, settings, crafted(groupId, phase))).rejects.toThrow(NotOwnedTargetError);
  expect(elasticache.calls()).toHaveLength(0);
  expect(s3.calls()).toHaveLength(0);
});

test.each([
  ['no tags', []],
  ['the tag with another value', [{ Key: 'dr-restore-test', Value: 'keep' }]],
  ['other tags only', [{ Key: 'dr-managed-by', Value: 'someone' }]],
])('fails when a group with the right prefix has %s: read, never deleted', async (_name, TagList) => {
  elasticache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ ReplicationGroupId: OURS, Status: 'available', ARN }],
  });
  elasticache.on(ListTagsForResourceCommand).resolves({ TagList });
  await expect(advance(deps, settings, crafted(OURS))).rejects.toThrow(
    /does not carry the tag dr-restore-test=temporary/,
  );
  expect(elasticache.commandCalls(DeleteReplicationGroupCommand)).toHaveLength(0);
  expect(elasticache.commandCalls(ListTagsForResourceCommand)[0]!.args[0].input).toEqual({ ResourceName: ARN });
});

test('deletes a group with the prefix and the tag', async () => {
  elasticache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ ReplicationGroupId: OURS, Status: 'available', ARN }],
  });
  elasticache.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'dr-restore-test', Value: 'temporary' }] });
  elasticache.on(DeleteReplicationGroupCommand).resolves({});
  await advance(deps, settings, crafted(OURS));
  expect(elasticache.commandCalls(DeleteReplicationGroupCommand)).toHaveLength(1);
});
