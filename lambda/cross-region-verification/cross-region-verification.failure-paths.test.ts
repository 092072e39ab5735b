// The six failure paths of the monthly cross-region verification, through its handler: a failed report, backup_success_rate and recovery_test_results 0, and only the report written.
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import type { CheckReport } from '../shared/check-report';
import {
  awsError,
  capture,
  captureWithFakeTimers,
  environment,
  mutatingCalls,
  type Captured,
} from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';
import { daysToVerify } from './verify-cross-region';

const KEY = 'arn:aws:kms:us-west-2:123456789012:key/backup';
const SOURCE_VAULT = 'async-toolformer-prod-use1';
const REPORT = '/async-toolformer/prod/backups/cross-region/latest';
const scheduled = { schedule: 'monthly-cross-region-verification' };
const backup = mockClient(BackupClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const stubs = [backup, s3, ssm];

const days = () => daysToVerify(new Date(), 3);
const copy = (day: string) => ({
  RecoveryPointArn: `arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copy-${day}`,
  SourceBackupVaultArn: `arn:aws:backup:us-east-1:123456789012:backup-vault:${SOURCE_VAULT}`,
  Status: 'COMPLETED' as const,
  EncryptionKeyArn: KEY,
  CreationDate: new Date(`${day}T03:10:00Z`),
  CalculatedLifecycle: { DeleteAt: new Date(Date.now() + 30 * 86_400_000) },
});
const replica = (day: string) => ({ Key: `daily-${day}.rdb`, LastModified: new Date(`${day}T02:20:00Z`), Size: 4096 });

/** The report the run wrote to SSM: the only write a verification makes. */
const written = () =>
  ssm.commandCalls(PutParameterCommand).map((call) => JSON.parse(call.args[0].input.Value!) as CheckReport);

/** Every failed run ends the same way: a failed report written once, and both rates at 0. */
function expectFailedRun({ result, metrics }: Captured<CheckReport>, detail: RegExp): void {
  expect(result).toMatchObject({ passed: false });
  expect(result!.results.filter((check) => !check.passed).map((check) => check.detail)).toContainEqual(
    expect.stringMatching(detail),
  );
  expect(written()).toEqual([expect.objectContaining({ passed: false })]);
  expect(mutatingCalls(...stubs)).toEqual(['PutParameter']);
  expect(metrics[METRIC.recoveryTestResults]).toEqual([0]);
}

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.crossRegionVerification.environment, {
      AWS_REGION: 'us-west-2',
      VERIFY_DAYS: '3',
      SOURCE_VAULT_NAME: SOURCE_VAULT,
      REPORT_PARAMETER_NAME: REPORT,
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  ssm.on(PutParameterCommand).resolves({ Version: 4 });
  backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: days().map(copy) });
  s3.on(ListObjectsV2Command).resolves({ Contents: days().map(replica) });
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails every day when AWS Backup throttles past the retries: backup_success_rate 0, nothing verified', async () => {
    // Prepare
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const captured = await captureWithFakeTimers(() => handler(scheduled));
    // Assess
    expectFailedRun(captured, /^could not run: ThrottlingException: Rate exceeded \(after 3 attempts\)$/);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(3);
    expect(captured.metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});

describe('failure path: access denied', () => {
  test('fails every day when the replica bucket cannot be listed: AccessDenied, 0', async () => {
    s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 'Access Denied'));
    const captured = await capture(() => handler(scheduled));
    expectFailedRun(captured, /^could not run: AccessDenied: Access Denied$/);
    expect(captured.metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});

describe('failure path: missing resource', () => {
  test('fails every day when the vault does not exist: ResourceNotFoundException, 0', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(awsError('ResourceNotFoundException', 'no such vault'));
    const captured = await capture(() => handler(scheduled));
    expectFailedRun(captured, /^could not run: ResourceNotFoundException/);
    expect(captured.metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});

describe('failure path: empty result', () => {
  test('fails every day when both listings return nothing: 0, never an empty pass', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    s3.on(ListObjectsV2Command).resolves({});
    const captured = await capture(() => handler(scheduled));
    expectFailedRun(captured, /^no copy from /);
    expect(captured.result!.results.every((check) => !check.passed)).toBe(true);
    expect(captured.metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});

describe('failure path: malformed input', () => {
  test.each([null, 'monthly-cross-region-verification', { schedule: 'iac-backup' }])(
    'fails when the event is malformed (%p): MalformedEventError before any AWS call, no report',
    async (event) => {
      const { error, metrics } = await capture(() => handler(event));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...backup.calls(), ...s3.calls(), ...ssm.calls()]).toHaveLength(0);
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails the run when one day of three has no copy: that day is reported, the rest pass, nothing claims success', async () => {
    const [newest, missing, oldest] = days();
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [copy(newest!), copy(oldest!)] });
    const captured = await capture(() => handler(scheduled));
    expectFailedRun(captured, new RegExp(`^no copy from ${missing}$`));
    expect(captured.result!.results.filter((check) => !check.passed)).toHaveLength(1);
    expect(captured.metrics[METRIC.backupSuccessRate]).toEqual([83.33]);
    expect(captured.metrics[METRIC.backupCheckPassed]!.filter((value) => value === 0)).toHaveLength(1);
  });
});
