// The six failure paths of the weekly Aurora full backup, through the step handler: the error, backup_success_rate 0, and no snapshot deleted, taken or copied after the failure.
import {
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { awsError, capture, captureWithFakeTimers, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const CLUSTER = 'async-toolformer-prod-use1';
const GLOBAL = 'async-toolformer-prod-global';
const OWNER = { Key: 'dr-owner', Value: 'weekly-full-backup' };
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const start = { phase: 'start' };
const expired = (stamp: string) => ({
  DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-${stamp}`,
  DBClusterIdentifier: CLUSTER,
  Status: 'available',
  SnapshotCreateTime: new Date(Date.now() - 60 * 86_400_000),
  TagList: [OWNER],
});

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.weeklyAuroraBackup.environment, {
      GLOBAL_CLUSTER_IDENTIFIER: GLOBAL,
      CLUSTER_IDENTIFIER: CLUSTER,
      LATEST_SNAPSHOT_IDENTIFIER: `${CLUSTER}-latest`,
      RETENTION_DAYS: '35',
      OWNER_TAG_KEY: OWNER.Key,
      OWNER_TAG_VALUE: OWNER.Value,
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  rds.reset();
  ssm.reset();
  rds.on(DescribeGlobalClustersCommand).resolves({
    GlobalClusters: [
      {
        GlobalClusterIdentifier: GLOBAL,
        GlobalClusterMembers: [
          { DBClusterArn: `arn:aws:rds:us-east-1:123456789012:cluster:${CLUSTER}`, IsWriter: true },
        ],
      },
    ],
  });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  rds.on(DeleteDBClusterSnapshotCommand).resolves({});
  rds.on(CreateDBClusterSnapshotCommand).resolves({});
});
afterAll(() => [rds, ssm].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails the start when the writer lookup is throttled past the retries: 0, nothing deleted or taken', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    // Act
    const { error, metrics } = await captureWithFakeTimers(() => handler(start));
    // Assess
    expect(error).toMatchObject({ name: 'Throttling' });
    expect(rds.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(3);
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(metrics[METRIC.backupJobSkipped]).toBeUndefined();
    expect(mutatingCalls(rds, ssm)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails the start when the snapshots cannot be listed: AccessDenied, 0, nothing deleted or taken', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(rds, ssm)).toEqual([]);
  });
});

describe('failure path: missing resource', () => {
  test('fails the step when its snapshot is gone: DBClusterSnapshotNotFoundFault read as no longer exists, 0, no copy', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(awsError('DBClusterSnapshotNotFoundFault', 'not found'));
    const state = { phase: 'snapshotting', snapshotIdentifier: `${CLUSTER}-weekly-20261128-0300`, expired: [] };
    const { error, metrics } = await capture(() => handler(state));
    expect(error).toMatchObject({
      name: 'AuroraBackupFailedError',
      message: expect.stringMatching(/no longer exists$/),
    });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(rds, ssm)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('fails the start when the global cluster lookup returns nothing: PlacementUnknownError, 0, it never guesses', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'PlacementUnknownError' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(rds, ssm)).toEqual([]);
  });
});

describe('failure path: malformed input', () => {
  test.each([null, [], { phase: 'snapshotting' }, { phase: 'naming-latest', snapshotIdentifier: 's' }])(
    'fails when the state is malformed (%p): MalformedEventError before any AWS call, and no rate',
    async (state) => {
      const { error, metrics } = await capture(() => handler(state));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...rds.calls(), ...ssm.calls()]).toHaveLength(0);
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails the start when one expired snapshot of two cannot be deleted: 0, and no new snapshot is taken', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [expired('20260901-0300'), expired('20260908-0300')],
    });
    rds
      .on(DeleteDBClusterSnapshotCommand, { DBClusterSnapshotIdentifier: `${CLUSTER}-weekly-20260908-0300` })
      .rejects(awsError('InvalidDBClusterSnapshotStateFault', 'snapshot is being copied'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'InvalidDBClusterSnapshotStateFault' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(rds, ssm)).toEqual(['DeleteDBClusterSnapshot', 'DeleteDBClusterSnapshot']);
    expect(rds.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
  });
});
