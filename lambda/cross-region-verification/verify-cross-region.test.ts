// Unit tests of the cross-region verification: each day on its own, retention, and listings that fail.
import { BackupClient, BackupServiceException, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { daysToVerify, run, type VerificationDeps } from './verify-cross-region';

const NOW = new Date('2026-12-01T05:00:00Z');
const KEY = 'arn:aws:kms:us-west-2:123456789012:key/backup';
const backup = mockClient(BackupClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const sleeps: number[] = [];
const deps: VerificationDeps = {
  backup: new BackupClient({}),
  s3: new S3Client({}),
  ssm: new SSMClient({}),
  now: () => NOW,
  retry: { attempts: 3, baseDelayMs: 1000, sleep: async (ms: number) => void sleeps.push(ms) },
};
const input = {
  days: 3,
  vaultName: 'async-toolformer-prod-usw2',
  sourceVaultName: 'async-toolformer-prod-use1',
  clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1',
  copyKeyParameter: '/async-toolformer/prod/data/backup-key-arn',
  bucket: 'async-toolformer-prod-cache-backups-123456789012-usw2',
  prefix: 'async-toolformer-prod-use1-',
};
const copy = (day: string, extra: object = {}) => ({
  RecoveryPointArn: `arn:aws:rds:us-west-2:1:cluster-snapshot:awsbackup:copy-${day}`,
  SourceBackupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:async-toolformer-prod-use1',
  Status: 'COMPLETED' as const,
  EncryptionKeyArn: KEY,
  CreationDate: new Date(`${day}T03:10:00Z`),
  CalculatedLifecycle: { DeleteAt: new Date('2026-12-30T00:00:00Z') },
  ...extra,
});
const replica = (day: string, size = 4096) => ({
  Key: `async-toolformer-prod-use1-daily-${day}-0001.rdb`,
  LastModified: new Date(`${day}T02:20:00Z`),
  Size: size,
});

beforeEach(() => {
  for (const stub of [backup, s3, ssm]) stub.reset();
  sleeps.length = 0;
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({ RecoveryPoints: ['2026-11-30', '2026-11-29', '2026-11-28'].map((day) => copy(day)) });
  s3.on(ListObjectsV2Command).resolves({
    Contents: ['2026-11-30', '2026-11-29', '2026-11-28'].map((day) => replica(day)),
  });
});

const failures = async () =>
  (await run(deps, input)).results
    .filter((result) => !result.passed)
    .map((result) => `${result.check} ${result.resource}: ${result.detail}`);

test('verifies each of the last N days, newest first', async () => {
  expect(daysToVerify(NOW, 3)).toEqual(['2026-11-30', '2026-11-29', '2026-11-28']);
  const report = await run(deps, input);
  expect(report.results).toHaveLength(6);
  expect(report).toMatchObject({ successRate: 100, passed: true });
});

test('fails exactly the day whose copy is missing', async () => {
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({ RecoveryPoints: [copy('2026-11-30'), copy('2026-11-28')] });
  expect(await failures()).toEqual(['aurora-copy async-toolformer-prod-usw2 2026-11-29: no copy from 2026-11-29']);
});

test.each([
  ['past its retention', { CalculatedLifecycle: { DeleteAt: new Date('2026-11-30T00:00:00Z') } }, /past its retention/],
  ['under another key', { EncryptionKeyArn: 'arn:other' }, /encrypted with arn:other/],
  ['not complete', { Status: 'PARTIAL' }, /is PARTIAL/],
])('fails a day whose only copy is %s', async (_name, extra, detail) => {
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({ RecoveryPoints: [copy('2026-11-30', extra), copy('2026-11-29'), copy('2026-11-28')] });
  const failed = await failures();
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatch(detail);
});

test('ignores copies that came from another vault', async () => {
  backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
    RecoveryPoints: [
      copy('2026-11-30', { SourceBackupVaultArn: 'arn:aws:backup:us-east-1:1:backup-vault:elsewhere' }),
      copy('2026-11-29'),
      copy('2026-11-28'),
    ],
  });
  expect(await failures()).toEqual(['aurora-copy async-toolformer-prod-usw2 2026-11-30: no copy from 2026-11-30']);
});

test('fails the days without a replicated export, and empty ones', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [replica('2026-11-30', 0), replica('2026-11-28')] });
  expect(await failures()).toEqual([
    'redis-replica s3://async-toolformer-prod-cache-backups-123456789012-usw2 2026-11-30: async-toolformer-prod-use1-daily-2026-11-30-0001.rdb is empty',
    'redis-replica s3://async-toolformer-prod-cache-backups-123456789012-usw2 2026-11-29: no replicated export from 2026-11-29',
  ]);
});

test('retries a throttled listing and then verifies normally', async () => {
  s3.on(ListObjectsV2Command)
    .rejectsOnce(
      new BackupServiceException({ name: 'SlowDown', message: 'slow down', $fault: 'client', $metadata: {} }),
    )
    .resolves({ Contents: ['2026-11-30', '2026-11-29', '2026-11-28'].map((day) => replica(day)) });
  expect((await run(deps, input)).passed).toBe(true);
  expect(sleeps).toEqual([1000]);
});

test('a listing that cannot be read fails every day: nothing was verified', async () => {
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .rejects(
      new BackupServiceException({ name: 'AccessDeniedException', message: 'denied', $fault: 'client', $metadata: {} }),
    );
  const report = await run(deps, input);
  expect(report).toMatchObject({ successRate: 0, passed: false });
  expect(report.results.every((result) => result.detail === 'could not run: AccessDeniedException: denied')).toBe(true);
});

test('an empty window is a failed run', async () => {
  expect(await run(deps, { ...input, days: 0 })).toMatchObject({ results: [], successRate: 0, passed: false });
});
