// Integration: the drill server answers the calls rebuild-cache-secondary.sh makes (scripts/drill/moto_drill/elasticache_global.py) and holds Aurora's old primary out of sync after a failover with data loss (rds_global.py), as AWS documents.
import { AwsCallError, startDrillServer, type DrillServer } from '../../scripts/drill/drill-server';

const ACCOUNT = '123456789012';
const SUFFIX = 'async-toolformer-test';

let drill: DrillServer;

beforeAll(async () => {
  drill = await startDrillServer({ account: ACCOUNT, timeScale: 1 });
}, 60_000);

afterAll(async () => {
  await drill?.stop();
});

beforeEach(() => drill.client.reset());

const call = <T = Record<string, unknown>>(region: string, action: string, params: unknown, service = 'elasticache') =>
  drill.client.call<T>(service, region, action, params);

/** The code of the AWS error `promise` is refused with, or 'accepted'. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AwsCallError) return error.code;
    throw error;
  }
}

interface GroupsAnswer {
  ReplicationGroups: {
    Status: string;
    GlobalReplicationGroupInfo?: { GlobalReplicationGroupId?: string; GlobalReplicationGroupMemberRole?: string };
  }[];
}

const group = async (region: string, id: string) =>
  (await call<GroupsAnswer>(region, 'DescribeReplicationGroups', { ReplicationGroupId: id })).ReplicationGroups[0]!;

/** us-east-1's group as primary of a datastore, us-west-2's as its secondary: the seeded world. */
async function datastore(): Promise<string> {
  await call('us-east-1', 'CreateReplicationGroup', {
    ReplicationGroupId: 'east',
    ReplicationGroupDescription: 'east',
    EngineVersion: '7.1',
    CacheNodeType: 'cache.r7g.large',
  });
  const { GlobalReplicationGroup } = await call<{ GlobalReplicationGroup: { GlobalReplicationGroupId: string } }>(
    'us-east-1',
    'CreateGlobalReplicationGroup',
    { GlobalReplicationGroupIdSuffix: SUFFIX, PrimaryReplicationGroupId: 'east' },
  );
  await call('us-west-2', 'CreateReplicationGroup', {
    ReplicationGroupId: 'west',
    ReplicationGroupDescription: 'west',
    GlobalReplicationGroupId: GlobalReplicationGroup.GlobalReplicationGroupId,
  });
  return GlobalReplicationGroup.GlobalReplicationGroupId;
}

test("a datastore's id is its suffix behind the prefix of the region it is created in", async () => {
  // Act
  const id = await datastore();

  // Assess
  expect(id).toBe(`ldgnf-${SUFFIX}`);
  expect(await group('us-west-2', 'west')).toMatchObject({
    GlobalReplicationGroupInfo: { GlobalReplicationGroupId: id, GlobalReplicationGroupMemberRole: 'SECONDARY' },
  });
});

test('deleting a datastore is refused while a secondary remains; after a detach it goes, its primary kept standalone', async () => {
  // Prepare
  const id = await datastore();
  const remove = () =>
    call('us-east-1', 'DeleteGlobalReplicationGroup', {
      GlobalReplicationGroupId: id,
      RetainPrimaryReplicationGroup: true,
    });

  // Act
  const withSecondary = await refusal(remove());
  await call('us-west-2', 'DisassociateGlobalReplicationGroup', {
    GlobalReplicationGroupId: id,
    ReplicationGroupId: 'west',
    ReplicationGroupRegion: 'us-west-2',
  });
  const { GlobalReplicationGroup } = await call<{ GlobalReplicationGroup: { Status: string } }>(
    'us-east-1',
    'DeleteGlobalReplicationGroup',
    { GlobalReplicationGroupId: id, RetainPrimaryReplicationGroup: true },
  );

  // Assess
  expect(withSecondary).toBe('InvalidGlobalReplicationGroupState');
  expect(GlobalReplicationGroup.Status).toBe('deleting');
  expect(await refusal(call('us-east-1', 'DescribeGlobalReplicationGroups', { GlobalReplicationGroupId: id }))).toBe(
    'GlobalReplicationGroupNotFoundFault',
  );
  expect((await group('us-east-1', 'east')).GlobalReplicationGroupInfo).toBeUndefined();
  expect((await group('us-west-2', 'west')).GlobalReplicationGroupInfo).toBeUndefined();
});

test('a datastore rebuilt around the us-west-2 group gets a new id; the old primary, standalone, may be deleted; a second member in one region is refused', async () => {
  // Prepare
  const old = await datastore();
  await call('us-west-2', 'DisassociateGlobalReplicationGroup', {
    GlobalReplicationGroupId: old,
    ReplicationGroupId: 'west',
    ReplicationGroupRegion: 'us-west-2',
  });
  await call('us-east-1', 'DeleteGlobalReplicationGroup', {
    GlobalReplicationGroupId: old,
    RetainPrimaryReplicationGroup: true,
  });

  // Act
  const { GlobalReplicationGroup } = await call<{ GlobalReplicationGroup: { GlobalReplicationGroupId: string } }>(
    'us-west-2',
    'CreateGlobalReplicationGroup',
    { GlobalReplicationGroupIdSuffix: SUFFIX, PrimaryReplicationGroupId: 'west' },
  );
  const rebuilt = GlobalReplicationGroup.GlobalReplicationGroupId;
  const memberDeleted = await refusal(
    call('us-east-1', 'DeleteReplicationGroup', { ReplicationGroupId: 'east', FinalSnapshotIdentifier: 'east-stale' }),
  );
  const secondInRegion = await refusal(
    call('us-west-2', 'CreateReplicationGroup', {
      ReplicationGroupId: 'west-2',
      ReplicationGroupDescription: 'a second member in us-west-2',
      GlobalReplicationGroupId: rebuilt,
    }),
  );

  // Assess
  expect(rebuilt).toBe(`sgaui-${SUFFIX}`);
  expect(memberDeleted).toBe('accepted'); // east left the deleted datastore: standalone, deletable
  expect(secondInRegion).toBe('InvalidParameterValue');
});

test("deleting a datastore's member is refused; a deleted standalone group leaves its final snapshot and is gone", async () => {
  // Prepare
  await datastore();

  // Act
  const member = await refusal(call('us-west-2', 'DeleteReplicationGroup', { ReplicationGroupId: 'west' }));
  await call('us-east-1', 'CreateReplicationGroup', {
    ReplicationGroupId: 'alone',
    ReplicationGroupDescription: 'alone',
  });
  await call('us-east-1', 'DeleteReplicationGroup', {
    ReplicationGroupId: 'alone',
    FinalSnapshotIdentifier: 'alone-final',
  });
  const { Snapshots } = await call<{ Snapshots: { SnapshotName: string }[] }>('us-east-1', 'DescribeSnapshots', {
    SnapshotName: 'alone-final',
  });

  // Assess
  expect(member).toBe('InvalidReplicationGroupState');
  expect(Snapshots.map((snapshot) => snapshot.SnapshotName)).toEqual(['alone-final']);
  expect(await refusal(group('us-east-1', 'alone'))).toBe('ReplicationGroupNotFoundFault');
});

test('with a lifecycle time, no secondary joins a datastore still creating, and a secondary is creating, then available', async () => {
  // Prepare
  await drill.client.configure({ promotionSeconds: { 'elasticache-lifecycle': 600 } });
  await call('us-east-1', 'CreateReplicationGroup', { ReplicationGroupId: 'east', ReplicationGroupDescription: 'e' });
  const { GlobalReplicationGroup } = await call<{ GlobalReplicationGroup: { GlobalReplicationGroupId: string } }>(
    'us-east-1',
    'CreateGlobalReplicationGroup',
    { GlobalReplicationGroupIdSuffix: SUFFIX, PrimaryReplicationGroupId: 'east' },
  );
  const id = GlobalReplicationGroup.GlobalReplicationGroupId;
  const secondaryTooEarly = await refusal(
    call('us-west-2', 'CreateReplicationGroup', {
      ReplicationGroupId: 'west',
      ReplicationGroupDescription: 'w',
      GlobalReplicationGroupId: id,
    }),
  );
  await drill.client.advanceClock(600);

  // Act
  await call('us-west-2', 'CreateReplicationGroup', {
    ReplicationGroupId: 'west',
    ReplicationGroupDescription: 'w',
    GlobalReplicationGroupId: id,
  });
  const creating = (await group('us-west-2', 'west')).Status;
  await drill.client.advanceClock(600);
  const created = (await group('us-west-2', 'west')).Status;

  // Assess
  expect(secondaryTooEarly).toBe('InvalidGlobalReplicationGroupState');
  expect([creating, created]).toEqual(['creating', 'available']);
});

interface ClustersAnswer {
  GlobalClusters: {
    GlobalClusterMembers: { DBClusterArn: string; IsWriter: boolean; SynchronizationStatus: string }[];
  }[];
}

test("Aurora's old writer stays a member after a failover with data loss, out of sync until its region answers and it is rebuilt", async () => {
  // Prepare
  const rds = <T = Record<string, unknown>>(region: string, action: string, params: unknown) =>
    call<T>(region, action, params, 'rds');
  await drill.client.configure({ promotionSeconds: { rds: 30 } });
  await rds('us-east-1', 'CreateGlobalCluster', { GlobalClusterIdentifier: 'global', Engine: 'aurora-postgresql' });
  for (const [region, id] of [
    ['us-east-1', 'east'],
    ['us-west-2', 'west'],
  ] as const) {
    await rds(region, 'CreateDBCluster', {
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      GlobalClusterIdentifier: 'global',
      ...(region === 'us-east-1' ? { MasterUsername: 'postgres', MasterUserPassword: 'drill-password-1' } : {}),
    });
  }
  const west = `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:west`;
  const east = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:east`;
  const members = async () =>
    (
      await rds<ClustersAnswer>('us-west-2', 'DescribeGlobalClusters', { GlobalClusterIdentifier: 'global' })
    ).GlobalClusters[0]!.GlobalClusterMembers.map(
      (m) => `${m.DBClusterArn.split(':').pop()} ${m.IsWriter} ${m.SynchronizationStatus}`,
    ).sort();
  await drill.client.loseRegions(['us-east-1']);
  await rds('us-west-2', 'FailoverGlobalCluster', {
    GlobalClusterIdentifier: 'global',
    TargetDbClusterIdentifier: west,
    AllowDataLoss: true,
  });
  await drill.client.advanceClock(30);
  const whileLost = await members();

  // Act
  await drill.client.loseRegions([]);
  const back = await members();
  const switchoverTooEarly = await refusal(
    rds('us-west-2', 'SwitchoverGlobalCluster', { GlobalClusterIdentifier: 'global', TargetDbClusterIdentifier: east }),
  );
  await drill.client.advanceClock(30);
  const rebuilt = await members();
  const { DBClusterSnapshots } = await rds<{ DBClusterSnapshots: { DBClusterSnapshotIdentifier: string }[] }>(
    'us-east-1',
    'DescribeDBClusterSnapshots',
    { SnapshotType: 'automated' },
  );

  // Assess
  expect(whileLost).toEqual(['east false pending-resync', 'west true connected']);
  expect(back).toEqual(['east false pending-resync', 'west true connected']);
  expect(switchoverTooEarly).toBe('InvalidGlobalClusterStateFault');
  expect(rebuilt).toEqual(['east false connected', 'west true connected']);
  const pointOfFailure = DBClusterSnapshots.map((s) => s.DBClusterSnapshotIdentifier).filter((id) =>
    id.startsWith('rds:unplanned-global-failover-'),
  );
  expect(pointOfFailure).toEqual([expect.stringMatching(/^rds:unplanned-global-failover-east-\d{4}(-\d\d){4}$/)]);
});
