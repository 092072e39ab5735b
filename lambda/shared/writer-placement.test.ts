// The decision of every job that follows the writer: acts here, skips with where the writer is, or refuses to guess.
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { DescribeGlobalClustersCommand, RDSClient, RDSServiceException, type GlobalCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import {
  PlacementUnknownError,
  auroraWriterPlacement,
  cachePrimaryPlacement,
  findAuroraWriter,
  findCachePrimary,
  outcomeOf,
  type AuroraTarget,
  type CacheTarget,
} from './writer-placement';

const GLOBAL = 'async-toolformer-prod-global';
const arn = (region: string, code: string) =>
  `arn:aws:rds:${region}:123456789012:cluster:async-toolformer-prod-${code}`;
const east: AuroraTarget = {
  globalClusterIdentifier: GLOBAL,
  clusterIdentifier: 'async-toolformer-prod-use1',
  region: 'us-east-1',
};
const west: AuroraTarget = {
  globalClusterIdentifier: GLOBAL,
  clusterIdentifier: 'async-toolformer-prod-usw2',
  region: 'us-west-2',
};
const globalCluster = (
  writer: 'us-east-1' | 'us-west-2' | 'none',
  extra: Partial<GlobalCluster> = {},
): GlobalCluster => ({
  GlobalClusterIdentifier: GLOBAL,
  GlobalClusterMembers: [
    { DBClusterArn: arn('us-east-1', 'use1'), IsWriter: writer === 'us-east-1' },
    { DBClusterArn: arn('us-west-2', 'usw2'), IsWriter: writer === 'us-west-2' },
  ],
  ...extra,
});

describe('auroraWriterPlacement', () => {
  test.each([
    ['us-east-1', 'us-east-1', true, 'acted'],
    ['us-east-1', 'us-west-2', false, 'skipped: writer is in us-east-1'],
    ['us-west-2', 'us-east-1', false, 'skipped: writer is in us-west-2'],
    ['us-west-2', 'us-west-2', true, 'acted'],
  ] as const)('writer in %s, job in %s: here %s, %s', (writer, region, here, outcome) => {
    const placement = auroraWriterPlacement([globalCluster(writer)], region === 'us-east-1' ? east : west);
    expect(placement).toMatchObject({ follows: 'aurora-writer', here, region: writer });
    expect(outcomeOf(placement)).toBe(outcome);
  });

  test('picks the global cluster by identifier among others (moto ignores the filter)', () => {
    const other = { ...globalCluster('us-west-2'), GlobalClusterIdentifier: 'someone-else' };
    expect(auroraWriterPlacement([other, globalCluster('us-east-1')], east).here).toBe(true);
  });

  test('a cluster detached from the global cluster is its own writer', () => {
    const detached = {
      ...globalCluster('us-east-1'),
      GlobalClusterMembers: [{ DBClusterArn: arn('us-east-1', 'use1'), IsWriter: true }],
    };
    expect(auroraWriterPlacement([detached], west)).toMatchObject({ here: true, region: 'us-west-2' });
  });

  test('a cluster of the same name in the other region is not this one', () => {
    const sameName = {
      GlobalClusterIdentifier: GLOBAL,
      GlobalClusterMembers: [{ DBClusterArn: arn('us-east-1', 'usw2'), IsWriter: true }],
    };
    expect(auroraWriterPlacement([sameName], west)).toMatchObject({
      here: true,
      detail: expect.stringContaining('no member'),
    });
  });

  test.each([
    ['an empty answer', [], 'global cluster async-toolformer-prod-global not found'],
    ['no writer member', [globalCluster('none')], 'has no writer member'],
    [
      'a failover in progress',
      [
        globalCluster('us-east-1', {
          FailoverState: {
            Status: 'failing-over',
            FromDbClusterArn: arn('us-east-1', 'use1'),
            ToDbClusterArn: arn('us-west-2', 'usw2'),
          },
        }),
      ],
      'is failing-over from',
    ],
  ])('%s: it refuses to guess', (_, clusters, message) => {
    expect(() => auroraWriterPlacement(clusters, west)).toThrow(PlacementUnknownError);
    expect(() => auroraWriterPlacement(clusters, west)).toThrow(message);
  });
});

const cacheTarget: CacheTarget = {
  replicationGroupId: 'async-toolformer-prod-usw2',
  region: 'us-west-2',
  peerRegion: 'us-east-1',
};
const group = (role?: string): ReplicationGroup => ({
  ReplicationGroupId: cacheTarget.replicationGroupId,
  ...(role
    ? {
        GlobalReplicationGroupInfo: {
          GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
          GlobalReplicationGroupMemberRole: role,
        },
      }
    : {}),
});

describe('cachePrimaryPlacement', () => {
  test.each([
    ['PRIMARY', true, 'us-west-2', 'acted'],
    ['SECONDARY', false, 'us-east-1', 'skipped: cache primary is in us-east-1'],
    [undefined, true, 'us-west-2', 'acted'],
  ])('role %s: here %s, primary in %s', (role, here, region, outcome) => {
    const placement = cachePrimaryPlacement([group(role)], cacheTarget);
    expect(placement).toMatchObject({ follows: 'cache-primary', here, region });
    expect(outcomeOf(placement)).toBe(outcome);
  });

  test('a standalone group follows the Aurora writer where the stage keeps no Global Datastore', () => {
    const writer = auroraWriterPlacement([globalCluster('us-east-1')], west);
    expect(cachePrimaryPlacement([group()], cacheTarget, writer)).toMatchObject({ here: false, region: 'us-east-1' });
    // A member of a datastore is decided by its role, whatever the writer does.
    expect(cachePrimaryPlacement([group('PRIMARY')], cacheTarget, writer).here).toBe(true);
  });

  test.each([
    ['an empty answer', [], 'replication group async-toolformer-prod-usw2 not found'],
    ['an unknown role', [group('DETACHING')], 'has the role DETACHING'],
  ])('%s: it refuses to guess', (_, groups, message) => {
    expect(() => cachePrimaryPlacement(groups, cacheTarget)).toThrow(message);
  });
});

describe('the SDK reads', () => {
  const rds = mockClient(RDSClient);
  const elasticache = mockClient(ElastiCacheClient);
  beforeEach(() => {
    rds.reset();
    elasticache.reset();
  });

  test('findAuroraWriter asks for the global cluster by identifier', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster('us-west-2')] });
    expect((await findAuroraWriter(new RDSClient({}), west)).here).toBe(true);
    expect(rds.commandCalls(DescribeGlobalClustersCommand)[0]!.args[0].input).toEqual({
      GlobalClusterIdentifier: GLOBAL,
    });
  });

  test('findCachePrimary reads the group, and the writer only for a standalone group that follows it', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group('SECONDARY')] });
    const clients = { elasticache: new ElastiCacheClient({}), rds: new RDSClient({}) };
    expect(await findCachePrimary(clients, { ...cacheTarget, standaloneFollows: west })).toMatchObject({ here: false });
    expect(rds.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(0);

    elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group()] });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster('us-west-2')] });
    expect(await findCachePrimary(clients, { ...cacheTarget, standaloneFollows: west })).toMatchObject({ here: true });
    expect(rds.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(1);
  });

  test.each(['ThrottlingException', 'AccessDenied', 'ReplicationGroupNotFoundFault'])(
    'findCachePrimary passes %s on: the caller fails or retries, it never assumes',
    async (name) => {
      elasticache
        .on(DescribeReplicationGroupsCommand)
        .rejects(new ElastiCacheServiceException({ name, $fault: 'client', $metadata: {} }));
      await expect(findCachePrimary({ elasticache: new ElastiCacheClient({}) }, cacheTarget)).rejects.toMatchObject({
        name,
      });
    },
  );

  test.each(['ThrottlingException', 'AccessDenied', 'GlobalClusterNotFoundFault'])(
    'findAuroraWriter passes %s on',
    async (name) => {
      rds.on(DescribeGlobalClustersCommand).rejects(new RDSServiceException({ name, $fault: 'client', $metadata: {} }));
      await expect(findAuroraWriter(new RDSClient({}), east)).rejects.toMatchObject({ name });
    },
  );
});
