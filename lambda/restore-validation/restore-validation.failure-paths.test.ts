// The six failure paths of the stepped Aurora restore validation, through its handler: the error or verdict, recovery_test_results 0, and no verdict sent to AWS Backup on a guess.
import { BackupClient, DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC, RESTORE_TEST_TAG } from '../../lib/contract';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import { healthyCopy, restoredWorld, RESTORED_CLUSTER, type Call, type RestoredData } from './fixtures';
import type * as HandlerModule from './handler';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const data = mockClient(RDSDataClient);
const stubs = [backup, rds, ssm, data] as const;
const start = { phase: 'start', restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' };
const validating = {
  restoreJobId: 'job-1',
  clusterId: RESTORED_CLUSTER,
  clusterArn: `arn:aws:rds:us-east-1:123456789012:cluster:${RESTORED_CLUSTER}`,
  instanceId: 'atf-aurora-restore-test-20261129-0630',
  startedAt: new Date().toISOString(),
  restoreSeconds: 1320,
  recoveryPointAt: '2026-11-29T01:05:00Z',
};

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.restoreValidation.environment, {
      ENGINE_VERSION: '17.9',
      MAX_RESTORE_SECONDS: '3600',
      INSTANCE_PREFIX: 'atf-aurora-restore-test-',
      RESTORE_TAG_KEY: RESTORE_TEST_TAG.key,
      RESTORE_TAG_VALUE: RESTORE_TEST_TAG.value,
      PROTECTED_CLUSTERS: 'async-toolformer-prod-use1,async-toolformer-prod-usw2',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});

/** Every client answers from a restored copy holding `restored`, except what a test overrides after. */
function use(restored: RestoredData = healthyCopy('prod')): void {
  const answer = restoredWorld({ data: restored, keyArn: KEY, engineVersion: '17.9', tag: RESTORE_TEST_TAG });
  for (const stub of stubs) {
    stub.reset();
    stub.send.callsFake(
      async (command: { input: object }) =>
        answer({
          command: command.constructor.name.replace(/Command$/, ''),
          input: command.input as Call['input'],
        }) as never,
    );
  }
}
beforeEach(() => use());
afterAll(() => stubs.forEach((stub) => stub.restore()));

/** Invokes the handler step after step until done or a throw, as the state machine does. */
async function runSteps(first: object): Promise<unknown> {
  let state: unknown = first;
  for (let step = 0; step < 12; step += 1) {
    state = await handler(state);
    if ((state as { phase: string }).phase === 'done') return state;
  }
  throw new Error('no done phase');
}

const sent = () => backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

describe('failure path: throttling', () => {
  test('fails when AWS Backup throttles the job lookup: ThrottlingException, recovery_test_results 0, nothing created, no verdict sent', async () => {
    // Prepare
    backup.on(DescribeRestoreJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(start));
    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when the restored cluster cannot be described: AccessDenied, 0, no password reset, no verdict sent', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(rds.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });

  test('fails when the Data API refuses every read: a FAILED verdict after the instance is deleted, 0', async () => {
    data.send.rejects(awsError('AccessDeniedException', 'rds-data denied'));
    const { result, metrics } = await capture(() => runSteps({ ...validating, phase: 'reading' }));
    expect(result).toMatchObject({
      phase: 'done',
      verdict: { passed: false, detail: expect.stringMatching(/could not read the restored copy after 3 attempts/) },
    });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(sent()).toEqual([expect.objectContaining({ ValidationStatus: 'FAILED' })]);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the restored cluster is gone: DBClusterNotFoundFault, 0, no verdict sent', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('DBClusterNotFoundFault', 'DBCluster not found'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'DBClusterNotFoundFault' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });

  test('fails when the restored copy has no sentinel: FAILED verdict naming it, 0, the instance deleted', async () => {
    use({ counts: { 'public.jobs': 10 } });
    const { result, metrics } = await capture(() => runSteps(start));
    expect(result).toMatchObject({ verdict: { passed: false, detail: expect.stringMatching(/sentinel missing/) } });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(1);
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
    expect(sent()).toEqual([expect.objectContaining({ ValidationStatus: 'FAILED' })]);
  });
});

describe('failure path: empty result', () => {
  test('fails when the cluster lookup returns nothing: a FAILED verdict, 0, nothing created, never SUCCESSFUL', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    const { result, metrics } = await capture(() => runSteps(start));
    expect(result).toMatchObject({
      verdict: { passed: false, detail: 'restored cluster awsbackup-restore-test-1 not found' },
    });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(0);
    expect(sent()).toEqual([expect.objectContaining({ ValidationStatus: 'FAILED' })]);
  });

  test('fails when the restored copy is empty: every counted table outside its tolerance, 0', async () => {
    use({ ...healthyCopy('prod', { 'public.jobs': 5000 }), counts: { 'public.jobs': 0 } });
    const { result, metrics } = await capture(() => runSteps(start));
    expect(result).toMatchObject({ verdict: { passed: false, detail: expect.stringMatching(/0 restored vs 5000/) } });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['no state', undefined],
    ['an EventBridge event instead of a state', { source: 'aws.backup', detail: { restoreJobId: 'x' } }],
    ['a start without a job id', { phase: 'start', status: 'COMPLETED' }],
    ['a cleanup without a verdict', { ...validating, phase: 'cleaning' }],
    ['a read without its recovery point', { ...validating, phase: 'reading', recoveryPointAt: undefined }],
  ])('fails when the state is malformed (%s): a typed error before any AWS call', async (_name, state) => {
    const { error, metrics } = await capture(() => handler(state));
    expect(error).toMatchObject({ name: 'MalformedRestoreEventError', message: /malformed restore event/ });
    expect(metrics).toEqual({});
    expect([backup, rds, ssm, data].map((stub) => stub.calls().length)).toEqual([0, 0, 0, 0]);
  });

  test('fails when a crafted state names a production instance: NotOwnedTargetError, 0, no AWS call', async () => {
    const { error, metrics } = await capture(() =>
      handler({
        ...validating,
        phase: 'cleaning',
        instanceId: 'async-toolformer-prod-use1-writer',
        verdict: { passed: true, detail: 'x' },
      }),
    );
    expect(error).toMatchObject({ name: 'NotOwnedTargetError' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect([backup, rds, ssm, data].map((stub) => stub.calls().length)).toEqual([0, 0, 0, 0]);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the cluster reads but its key parameter does not: 0, no verdict, not a pass', async () => {
    ssm.send.rejects(awsError('ParameterNotFound'));
    const { error, metrics } = await capture(() => handler(start));
    expect(error).toMatchObject({ name: 'ParameterNotFound' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });

  test('fails when the check passed but the instance cannot be deleted: the step throws, 0, no verdict sent yet', async () => {
    rds.on(DeleteDBInstanceCommand).rejects(awsError('InvalidDBInstanceStateFault', 'busy'));
    const { error, metrics } = await capture(() => runSteps(start));
    expect(error).toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(sent()).toEqual([]);
  });
});
