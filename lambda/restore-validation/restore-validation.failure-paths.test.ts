// The six failure paths of the Aurora restore validation, through its handler: the error or verdict, recovery_test_results 0, and no verdict sent to AWS Backup on a guess.
import { BackupClient, DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const RESTORED = 'arn:aws:rds:us-east-1:123456789012:cluster:awsbackup-restore-test-1';
const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const completed = {
  source: 'aws.backup',
  'detail-type': 'Restore Job State Change',
  detail: { restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' },
};

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.restoreValidation.environment, { ENGINE_VERSION: '17.9', MAX_RESTORE_SECONDS: '3600' }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  for (const stub of [backup, rds, ssm]) stub.reset();
  backup.on(DescribeRestoreJobCommand).resolves({
    CreatedResourceArn: RESTORED,
    CreationDate: new Date('2026-11-29T06:00:00Z'),
    CompletionDate: new Date('2026-11-29T06:22:00Z'),
  });
  backup.on(PutRestoreValidationResultCommand).resolves({});
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [{ Status: 'available', StorageEncrypted: true, KmsKeyId: KEY, EngineVersion: '17.9' }],
  });
});
afterAll(() => [backup, rds, ssm].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when AWS Backup throttles the job lookup: ThrottlingException, recovery_test_results 0, no verdict sent', async () => {
    // Prepare
    backup.on(DescribeRestoreJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(completed));
    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(rds.calls()).toHaveLength(0);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when the restored cluster cannot be described: AccessDenied, 0, no verdict sent', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const { error, metrics } = await capture(() => handler(completed));
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the restored cluster is gone: DBClusterNotFoundFault, 0, no verdict sent', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('DBClusterNotFoundFault', 'DBCluster not found'));
    const { error, metrics } = await capture(() => handler(completed));
    expect(error).toMatchObject({ name: 'DBClusterNotFoundFault' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('fails when the cluster lookup returns nothing: a FAILED verdict, 0, never SUCCESSFUL', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    const { result, metrics } = await capture(() => handler(completed));
    expect(result).toMatchObject({ outcome: 'failed', detail: 'restored cluster awsbackup-restore-test-1 not found' });
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    const sent = backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);
    expect(sent).toEqual([expect.objectContaining({ ValidationStatus: 'FAILED' })]);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['no event', undefined],
    ['another source', { ...completed, source: 'aws.rds' }],
    ['no job id', { ...completed, detail: { status: 'COMPLETED' } }],
  ])('fails when the event is malformed (%s): a typed error before any AWS call', async (_name, event) => {
    const { error, metrics } = await capture(() => handler(event));
    expect(error).toMatchObject({ name: 'MalformedRestoreEventError', message: /malformed restore event/ });
    expect(metrics).toEqual({});
    expect([...backup.calls(), ...rds.calls(), ...ssm.calls()]).toHaveLength(0);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the cluster reads but its key parameter does not: 0, no verdict, not a pass', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const { error, metrics } = await capture(() => handler(completed));
    expect(error).toMatchObject({ name: 'ParameterNotFound' });
    expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
    expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
    expect(mutatingCalls(backup, rds, ssm)).toEqual([]);
  });
});
