// Unit tests of the restore validation with mocked clients: each verdict, skipped jobs and malformed events.
import { BackupClient, DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { parseRestoreEvent, run, type RestoreValidationDeps } from './validate-restore';

const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
const deps: RestoreValidationDeps = { backup: new BackupClient({}), rds: new RDSClient({}), ssm: new SSMClient({}) };
const settings = {
  engineVersion: '17.9',
  keyParameter: '/async-toolformer/staging/data/database-key-arn',
  maxRestoreSeconds: 3600,
};
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const RESTORED = 'arn:aws:rds:us-east-1:123456789012:cluster:awsbackup-restore-test-1';
const completed = { restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' };

beforeEach(() => {
  for (const stub of [backup, rds, ssm]) stub.reset();
  backup.on(DescribeRestoreJobCommand).resolves({
    CreatedResourceArn: RESTORED,
    CreationDate: new Date('2026-11-29T06:00:00Z'),
    CompletionDate: new Date('2026-11-29T06:22:00Z'),
  });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [{ Status: 'available', StorageEncrypted: true, KmsKeyId: KEY, EngineVersion: '17.9' }],
  });
});

const reported = () => backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

test('a healthy restore passes and is reported SUCCESSFUL with its duration', async () => {
  const result = await run(deps, settings, completed);
  expect(result).toMatchObject({ outcome: 'passed', restoreSeconds: 1320 });
  expect(rds.commandCalls(DescribeDBClustersCommand)[0]!.args[0].input.DBClusterIdentifier).toBe(
    'awsbackup-restore-test-1',
  );
  expect(reported()).toEqual([
    {
      RestoreJobId: 'job-1',
      ValidationStatus: 'SUCCESSFUL',
      ValidationStatusMessage: expect.stringContaining('restored in 1320 s'),
    },
  ]);
});

test.each([
  [
    'not available',
    { Status: 'creating', StorageEncrypted: true, KmsKeyId: KEY, EngineVersion: '17.9' },
    /is creating$/,
  ],
  [
    'under another key',
    { Status: 'available', StorageEncrypted: true, KmsKeyId: 'arn:other', EngineVersion: '17.9' },
    /encrypted with arn:other/,
  ],
  ['unencrypted', { Status: 'available', StorageEncrypted: false, EngineVersion: '17.9' }, /encrypted with nothing/],
  [
    'on another engine version',
    { Status: 'available', StorageEncrypted: true, KmsKeyId: KEY, EngineVersion: '16.4' },
    /runs 16\.4, expected 17\.9/,
  ],
])('fails a restored cluster that is %s, and reports FAILED', async (_name, cluster, detail) => {
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster] });
  const result = await run(deps, settings, completed);
  expect(result.outcome).toBe('failed');
  expect(result.detail).toMatch(detail);
  expect(reported()[0]).toMatchObject({ ValidationStatus: 'FAILED' });
});

test('fails a restore slower than the RTO allows', async () => {
  const result = await run(deps, { ...settings, maxRestoreSeconds: 600 }, completed);
  expect(result.detail).toBe('restore took 1320 s, allowed 600 s');
});

test('fails a job that names no restored resource', async () => {
  backup.on(DescribeRestoreJobCommand).resolves({});
  expect((await run(deps, settings, completed)).detail).toBe('the job names no restored resource');
});

test('a failed restore job is a failed recovery test, with nothing to validate', async () => {
  expect(await run(deps, settings, { ...completed, status: 'FAILED' })).toEqual({
    restoreJobId: 'job-1',
    outcome: 'failed',
    detail: 'restore job failed',
  });
  expect(backup.calls()).toHaveLength(0);
});

test.each([
  ['a running job', { ...completed, status: 'RUNNING' }],
  ['an S3 restore', { ...completed, resourceType: 'S3' }],
])('skips %s', async (_name, event) => {
  expect((await run(deps, settings, event)).outcome).toBe('skipped');
  expect(backup.calls()).toHaveLength(0);
});

test('access denied on the cluster is an error: the job is neither passed nor failed by guess', async () => {
  rds
    .on(DescribeDBClustersCommand)
    .rejects(new RDSServiceException({ name: 'AccessDenied', message: 'denied', $fault: 'client', $metadata: {} }));
  await expect(run(deps, settings, completed)).rejects.toThrow('denied');
  expect(reported()).toEqual([]);
});

test.each([
  null,
  {},
  {
    source: 'aws.backup',
    'detail-type': 'Backup Job State Change',
    detail: { restoreJobId: 'x', status: 'COMPLETED' },
  },
  { source: 'aws.backup', 'detail-type': 'Restore Job State Change', detail: { status: 'COMPLETED' } },
])('fails when the event is malformed (%p)', (event) => {
  expect(() => parseRestoreEvent(event)).toThrow(/malformed restore event/);
});

test('parses a Restore Job State Change event', () => {
  expect(
    parseRestoreEvent({
      source: 'aws.backup',
      'detail-type': 'Restore Job State Change',
      detail: { restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' },
    }),
  ).toEqual(completed);
});
