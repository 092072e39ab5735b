// Unit tests of the weekly Aurora steps with mocked clients: retention, waiting, naming "-latest", failures.
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { advance, AuroraBackupFailedError, type AuroraBackupDeps, type AuroraBackupState } from './aurora-full-backup';

const NOW = new Date('2026-11-29T01:00:00Z');
const CLUSTER = 'async-toolformer-prod-use1';
const OWNER = { key: 'dr-managed-by', value: 'weekly-full-backup' };
const settings = {
  clusterIdentifier: CLUSTER,
  latestSnapshotIdentifier: 'async-toolformer-prod-latest',
  aliasParameter: '/async-toolformer/prod/backups/aurora/latest',
  retentionDays: 90,
  ownerTag: OWNER,
  writer: { globalClusterIdentifier: 'async-toolformer-prod-global', clusterIdentifier: CLUSTER, region: 'us-east-1' },
};
const member = (region: string, identifier: string, IsWriter: boolean) => ({
  DBClusterArn: `arn:aws:rds:${region}:123456789012:cluster:${identifier}`,
  IsWriter,
});
/** The global cluster as us-east-1 sees it: its cluster is the writer, or us-west-2's is. */
const globalCluster = (writer: 'us-east-1' | 'us-west-2') => ({
  GlobalClusters: [
    {
      GlobalClusterIdentifier: 'async-toolformer-prod-global',
      GlobalClusterMembers: [
        member('us-east-1', CLUSTER, writer === 'us-east-1'),
        member('us-west-2', 'async-toolformer-prod-usw2', writer === 'us-west-2'),
      ],
    },
  ],
});
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const deps: AuroraBackupDeps = {
  rds: new RDSClient({}),
  ssm: new SSMClient({}),
  now: () => NOW,
  retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
};
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const weekly = `${CLUSTER}-weekly-20261129-0100`;
const notFound = () => new DBClusterSnapshotNotFoundFault({ message: 'not found', $metadata: {} });

beforeEach(() => {
  rds.reset();
  ssm.reset();
  rds.on(DescribeGlobalClustersCommand).resolves(globalCluster('us-east-1'));
});

describe('the run follows the writer', () => {
  test('where the writer is elsewhere, the run ends at once: no snapshot, no deletion, a skipped outcome', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster('us-west-2'));
    const next = await advance(deps, settings, { phase: 'start' });
    expect(next).toEqual({
      phase: 'done',
      outcome: 'skipped: writer is in us-west-2',
      placement: expect.objectContaining({ follows: 'aurora-writer', here: false, region: 'us-west-2' }),
    });
    expect(rds.commandCalls(DescribeDBClusterSnapshotsCommand)).toHaveLength(0);
    expect(rds.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(rds.commandCalls(DescribeGlobalClustersCommand)[0]!.args[0].input).toEqual({
      GlobalClusterIdentifier: 'async-toolformer-prod-global',
    });
  });

  test('a throttled lookup is tried again, and the run goes on once it answers', async () => {
    const throttled = new RDSServiceException({ name: 'Throttling', $fault: 'client', $metadata: {} });
    rds.on(DescribeGlobalClustersCommand).rejectsOnce(throttled).resolves(globalCluster('us-east-1'));
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    expect(await advance(deps, settings, { phase: 'start' })).toMatchObject({ phase: 'snapshotting' });
    expect(rds.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(2);
  });

  test.each([
    ['throttling that outlasts the retries', 'ThrottlingException'],
    ['access denied', 'AccessDenied'],
    ['a missing global cluster', 'GlobalClusterNotFoundFault'],
  ])('%s when looking for the writer fails the step: the run fails and pages', async (_, name) => {
    rds.on(DescribeGlobalClustersCommand).rejects(new RDSServiceException({ name, $fault: 'client', $metadata: {} }));
    await expect(advance(deps, settings, { phase: 'start' })).rejects.toThrow(expect.objectContaining({ name }));
    expect(rds.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
  });

  test('an empty answer fails the step: it never guesses', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
    await expect(advance(deps, settings, { phase: 'start' })).rejects.toThrow(
      'global cluster async-toolformer-prod-global not found',
    );
  });
});

test('start deletes only our weekly snapshots past retention, then takes a tagged one', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-20260801-0100`,
        SnapshotCreateTime: daysAgo(120),
        TagList: [{ Key: OWNER.key, Value: OWNER.value }],
      },
      {
        DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-20261101-0100`,
        SnapshotCreateTime: daysAgo(28),
        TagList: [{ Key: OWNER.key, Value: OWNER.value }],
      },
      { DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-by-hand`, SnapshotCreateTime: daysAgo(200), TagList: [] },
      {
        DBClusterSnapshotIdentifier: 'someone-else',
        SnapshotCreateTime: daysAgo(300),
        TagList: [{ Key: OWNER.key, Value: OWNER.value }],
      },
    ],
  });
  const next = await advance(deps, settings, { phase: 'start' });
  expect(next).toEqual({
    phase: 'snapshotting',
    snapshotIdentifier: weekly,
    expired: [`${CLUSTER}-weekly-20260801-0100`],
  });
  expect(
    rds.commandCalls(DeleteDBClusterSnapshotCommand).map((call) => call.args[0].input.DBClusterSnapshotIdentifier),
  ).toEqual([`${CLUSTER}-weekly-20260801-0100`]);
  expect(rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input).toEqual({
    DBClusterIdentifier: CLUSTER,
    DBClusterSnapshotIdentifier: weekly,
    Tags: [{ Key: OWNER.key, Value: OWNER.value }],
  });
});

test('start fails when the cluster is missing', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  rds.on(CreateDBClusterSnapshotCommand).rejects(
    new RDSServiceException({
      name: 'DBClusterNotFoundFault',
      message: 'no cluster',
      $fault: 'client',
      $metadata: {},
    }),
  );
  await expect(advance(deps, settings, { phase: 'start' })).rejects.toThrow('no cluster');
});

const snapshotting: AuroraBackupState = { phase: 'snapshotting', snapshotIdentifier: weekly, expired: [] };
const ownWeekly = (Status: string) => ({
  DBClusterSnapshotIdentifier: weekly,
  DBClusterIdentifier: CLUSTER,
  Status,
  TagList: [{ Key: OWNER.key, Value: OWNER.value }],
});

test('waits while the snapshot is being created', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [ownWeekly('creating')] });
  expect(await advance(deps, settings, snapshotting)).toBe(snapshotting);
});

test('copies the new snapshot to -latest-next first, leaving -latest alone', async () => {
  rds
    .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: weekly })
    .resolves({ DBClusterSnapshots: [{ ...ownWeekly('available'), KmsKeyId: 'arn:aws:kms:us-east-1:1:key/db' }] })
    .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: `${settings.latestSnapshotIdentifier}-next` })
    .rejects(notFound());
  expect(await advance(deps, settings, snapshotting)).toEqual({ ...snapshotting, phase: 'copying-next' });
  expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  expect(rds.commandCalls(CopyDBClusterSnapshotCommand)[0]!.args[0].input).toEqual({
    SourceDBClusterSnapshotIdentifier: weekly,
    TargetDBClusterSnapshotIdentifier: 'async-toolformer-prod-latest-next',
    CopyTags: false,
    Tags: [{ Key: OWNER.key, Value: OWNER.value }],
    KmsKeyId: 'arn:aws:kms:us-east-1:1:key/db',
  });
});

test.each([
  ['failed', { DBClusterSnapshots: [ownWeekly('failed')] }, /is failed$/],
  ['gone', { DBClusterSnapshots: [] }, /no longer exists$/],
])('fails when the new snapshot is %s', async (_name, response, message) => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves(response);
  await expect(advance(deps, settings, snapshotting)).rejects.toThrow(AuroraBackupFailedError);
  await expect(advance(deps, settings, snapshotting)).rejects.toThrow(message);
});

test('access denied on describe is an error, not a missing snapshot', async () => {
  rds
    .on(DescribeDBClusterSnapshotsCommand)
    .rejects(new RDSServiceException({ name: 'AccessDenied', message: 'denied', $fault: 'client', $metadata: {} }));
  await expect(advance(deps, settings, snapshotting)).rejects.toThrow('denied');
});
