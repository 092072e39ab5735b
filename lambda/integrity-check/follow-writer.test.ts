// The integrity check in both regions: which parts run where, and what a region that holds nothing reports.
import { BackupClient } from '@aws-sdk/client-backup';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeGlobalClustersCommand, RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { Placement } from '../shared/writer-placement';
import { input } from './fixtures';
import { decide, runWhereHeld, type WriterTargets } from './follow-writer';

const here = (follows: Placement['follows']): Placement => ({
  follows,
  here: true,
  region: 'us-east-1',
  detail: 'here',
});
const away = (follows: Placement['follows']): Placement => ({
  follows,
  here: false,
  region: 'us-west-2',
  detail: 'away',
});
const failed = {
  check: 'aurora-writer-placement',
  resource: 'g',
  passed: false,
  detail: 'could not run: AccessDenied',
};

describe('decide', () => {
  test.each([
    ['both here', here('aurora-writer'), here('cache-primary'), { aurora: true, redis: true }, 'acted', []],
    [
      'both away',
      away('aurora-writer'),
      away('cache-primary'),
      { aurora: false, redis: false },
      'skipped: writer is in us-west-2',
      ['aurora', 'redis'],
    ],
    // A failover half done: each region checks what it holds.
    [
      'writer here, cache primary away',
      here('aurora-writer'),
      away('cache-primary'),
      { aurora: true, redis: false },
      'acted',
      ['redis'],
    ],
    [
      'writer away, cache primary here',
      away('aurora-writer'),
      here('cache-primary'),
      { aurora: false, redis: true },
      'acted',
      ['aurora'],
    ],
  ] as const)('%s', (_, aurora, redis, parts, outcome, skipped) => {
    const decision = decide({ aurora, redis });
    expect(decision).toMatchObject({ parts, outcome, failures: [] });
    expect(decision.skipped.map((part) => part.part)).toEqual(skipped);
  });

  test('a lookup that failed is a failure of the run, even when the other part is away', () => {
    expect(decide({ aurora: failed, redis: away('cache-primary') })).toMatchObject({
      parts: { aurora: false, redis: false },
      failures: [failed],
      outcome: 'acted',
    });
  });
});

describe('runWhereHeld', () => {
  const rds = mockClient(RDSClient);
  const elasticache = mockClient(ElastiCacheClient);
  const others = [mockClient(BackupClient), mockClient(S3Client), mockClient(SSMClient)];
  afterAll(() => [rds, elasticache, ...others].forEach((stub) => stub.restore()));
  const clients = () => ({
    backup: new BackupClient({}),
    rds: new RDSClient({}),
    s3: new S3Client({}),
    ssm: new SSMClient({}),
  });
  const retry = { attempts: 2, baseDelayMs: 1, sleep: async () => {} };
  const deps = {
    primary: clients(),
    secondary: clients(),
    now: () => new Date('2026-11-26T04:00:00Z'),
    retry,
    placement: { rds: new RDSClient({}), elasticache: new ElastiCacheClient({}), retry },
  };
  const targets: WriterTargets = {
    aurora: { globalClusterIdentifier: 'g', clusterIdentifier: 'async-toolformer-prod-use1', region: 'us-east-1' },
    cache: { replicationGroupId: 'async-toolformer-prod-use1', region: 'us-east-1', peerRegion: 'us-west-2' },
  };
  const globalCluster = (writerHere: boolean) => ({
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'g',
        GlobalClusterMembers: [
          { DBClusterArn: input.aurora.clusterArn, IsWriter: writerHere },
          {
            DBClusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:async-toolformer-prod-usw2',
            IsWriter: !writerHere,
          },
        ],
      },
    ],
  });
  const group = (role: string) => ({
    ReplicationGroups: [
      {
        ReplicationGroupId: 'async-toolformer-prod-use1',
        GlobalReplicationGroupInfo: { GlobalReplicationGroupId: 'x-g', GlobalReplicationGroupMemberRole: role },
      },
    ],
  });
  beforeEach(() => [rds, elasticache, ...others].forEach((stub) => stub.reset()));

  test('with the writer here and the cache primary away, only the Aurora checks run', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(true));
    elasticache.on(DescribeReplicationGroupsCommand).resolves(group('SECONDARY'));
    const report = await runWhereHeld(deps, input, targets);
    expect(report.outcome).toBe('acted');
    expect(report.results.map((result) => result.check)).toEqual([
      'aurora-continuous-backup',
      'aurora-point-in-time',
      'aurora-cross-region-copy',
      'aurora-weekly-snapshot',
      'aurora-weekly-snapshot-copy',
    ]);
    expect(report.skipped).toEqual([
      expect.objectContaining({ part: 'redis', outcome: 'skipped: cache primary is in us-west-2' }),
    ]);
  });

  test('throttling that outlasts the retries fails the run at 0%: it may be the writer', async () => {
    rds
      .on(DescribeGlobalClustersCommand)
      .rejects(new RDSServiceException({ name: 'Throttling', $fault: 'client', $metadata: {} }));
    elasticache.on(DescribeReplicationGroupsCommand).resolves(group('SECONDARY'));
    const report = await runWhereHeld(deps, input, targets);
    expect(report).toMatchObject({ outcome: 'acted', successRate: 0, passed: false });
    expect(report.results).toEqual([
      expect.objectContaining({
        check: 'aurora-writer-placement',
        detail: expect.stringMatching(/Throttling.*after 2 attempts/),
      }),
    ]);
    expect(rds.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(2);
  });

  test('an empty answer for the cache group fails its part', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(false));
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    const report = await runWhereHeld(deps, input, targets);
    expect(report.results).toEqual([
      expect.objectContaining({
        check: 'cache-primary-placement',
        passed: false,
        detail: expect.stringContaining('not found'),
      }),
    ]);
  });
});
