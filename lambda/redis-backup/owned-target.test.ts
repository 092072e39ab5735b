// Crafted Redis backup states: only this group's snapshots are exported, and only under this group's export names.
import { CopySnapshotCommand, DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { NotOwnedTargetError } from '../shared/owned-target';
import { advance, type BackupState, type RedisBackupDeps } from './redis-backup';

const GROUP = 'async-toolformer-prod-use1';
const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const deps: RedisBackupDeps = {
  elasticache: new ElastiCacheClient({}),
  rds: new RDSClient({}),
  s3: new S3Client({}),
  ssm: new SSMClient({}),
  secrets: new SecretsManagerClient({}),
  // These states never reach the cache: a crafted name is refused before anything is called.
  cache: () => Promise.reject(new Error('the cache must not be called')),
  now: () => new Date('2026-11-26T02:00:00Z'),
};
const settings = {
  replicationGroupId: GROUP,
  bucket: 'async-toolformer-prod-cache-backups-123456789012-use1',
  resultParameter: '/async-toolformer/prod/backups/redis/latest',
  stage: 'prod',
  authTokenSecretName: 'async-toolformer/prod/cache/auth-token',
  primary: { replicationGroupId: GROUP, region: 'us-east-1', peerRegion: 'us-west-2' },
  objectLock: { mode: 'GOVERNANCE', days: 7 } as const,
};
const state = (phase: 'snapshotting' | 'exporting', snapshotName: string, exportName: unknown) =>
  ({ phase, kind: 'daily', snapshotName, exportName }) as BackupState;

beforeEach(() => [elasticache, s3, ssm].forEach((stub) => stub.reset()));

test.each([
  ["the other region's group", 'async-toolformer-prod-usw2-daily-20261126-0200'],
  ['another stage', 'async-toolformer-staging-use1-daily-20261126-0200'],
  ['a path', `${GROUP}-daily/../../other`],
  ['nothing after the prefix', `${GROUP}-`],
])('fails when the export name is %s: refused with no AWS call', async (_name, exportName) => {
  for (const phase of ['snapshotting', 'exporting'] as const) {
    await expect(advance(deps, settings, state(phase, `${GROUP}-snap`, exportName))).rejects.toThrow(
      NotOwnedTargetError,
    );
  }
  expect([...elasticache.calls(), ...s3.calls(), ...ssm.calls()]).toHaveLength(0);
});

test.each([
  ['of another group', { ReplicationGroupId: 'async-toolformer-prod-usw2' }],
  ['of a cluster outside the group', { CacheClusterId: 'someone-else-001' }],
])('fails when the snapshot is %s: described, never exported', async (_name, owner) => {
  elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available', ...owner }] });
  await expect(
    advance(deps, settings, state('snapshotting', 'foreign-snap', `${GROUP}-daily-20261126-0200`)),
  ).rejects.toThrow(NotOwnedTargetError);
  expect(elasticache.commandCalls(CopySnapshotCommand)).toHaveLength(0);
});

test("exports a snapshot of this group's own cluster", async () => {
  elasticache.on(DescribeSnapshotsCommand).resolves({
    Snapshots: [{ SnapshotStatus: 'available', ReplicationGroupId: GROUP, CacheClusterId: `${GROUP}-001` }],
  });
  elasticache.on(CopySnapshotCommand).resolves({});
  await advance(deps, settings, state('snapshotting', `${GROUP}-snap`, `${GROUP}-daily-20261126-0200`));
  expect(elasticache.commandCalls(CopySnapshotCommand)).toHaveLength(1);
});
