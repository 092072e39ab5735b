// Unit tests of the integrity check with mocked clients: every verdict, and every way a check can fail to run.
import { BackupClient, BackupServiceException, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import {
  DBClusterNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NotFound, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { buildReport } from '../shared/check-report';
import { run, type IntegrityDeps } from './check-integrity';
import { CLUSTER, CLUSTER_ARN, DAY, HOUR, PEER_VAULT, VAULT, input, objectBody } from './fixtures';

const NOW = new Date('2026-11-26T04:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const COPY_KEY = 'arn:aws:kms:us-west-2:123456789012:key/backup';

type Clients = {
  backup: AwsClientStub<BackupClient>;
  rds: AwsClientStub<RDSClient>;
  s3: AwsClientStub<S3Client>;
  ssm: AwsClientStub<SSMClient>;
};

function region(name: string) {
  const clients = {
    backup: new BackupClient({ region: name }),
    rds: new RDSClient({ region: name }),
    s3: new S3Client({ region: name }),
    ssm: new SSMClient({ region: name }),
  };
  const stubs: Clients = {
    backup: mockClient(clients.backup),
    rds: mockClient(clients.rds),
    s3: mockClient(clients.s3),
    ssm: mockClient(clients.ssm),
  };
  return { clients, stubs };
}

const primary = region('us-east-1');
const secondary = region('us-west-2');
const sleeps: number[] = [];
const deps: IntegrityDeps = {
  primary: primary.clients,
  secondary: secondary.clients,
  now: () => NOW,
  retry: { attempts: 3, baseDelayMs: 2000, sleep: async (ms: number) => void sleeps.push(ms) },
};

const continuousPoint = {
  RecoveryPointArn: `arn:aws:backup:us-east-1:123456789012:recovery-point:continuous:cluster-abc-1234`,
  Status: 'COMPLETED' as const,
  EncryptionKeyArn: KEY,
  CreationDate: ago(20 * DAY),
};
const copyPoint = (age: number, key = COPY_KEY) => ({
  RecoveryPointArn: `arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-${age}`,
  SourceBackupVaultArn: `arn:aws:backup:us-east-1:123456789012:backup-vault:${VAULT}`,
  Status: 'COMPLETED' as const,
  EncryptionKeyArn: key,
  CreationDate: ago(age),
  CompletionDate: ago(age),
});

function healthy(): void {
  for (const { stubs } of [primary, secondary]) for (const stub of Object.values(stubs)) stub.reset();
  primary.stubs.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  secondary.stubs.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: COPY_KEY } });
  primary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT, ByResourceArn: CLUSTER_ARN })
    .resolves({ RecoveryPoints: [continuousPoint] });
  secondary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: PEER_VAULT, ByResourceArn: CLUSTER_ARN })
    .resolves({ RecoveryPoints: [copyPoint(3 * DAY), copyPoint(2 * HOUR)] });
  primary.stubs.rds
    .on(DescribeDBClustersCommand)
    .resolves({ DBClusters: [{ DBClusterIdentifier: CLUSTER, LatestRestorableTime: ago(240) }] });
  primary.stubs.rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: 'weekly',
        Status: 'available',
        StorageEncrypted: true,
        KmsKeyId: KEY,
        SnapshotCreateTime: ago(3 * DAY),
      },
    ],
  });
  secondary.stubs.rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: 'weekly-copy',
        Status: 'available',
        StorageEncrypted: true,
        KmsKeyId: COPY_KEY,
        SnapshotCreateTime: ago(3 * DAY),
      },
    ],
  });
  primary.stubs.s3.on(ListObjectsV2Command).resolves({
    Contents: [
      { Key: 'exports/2026-11-25.rdb', LastModified: ago(DAY + 2 * HOUR) },
      { Key: 'exports/2026-11-26.rdb', LastModified: ago(2 * HOUR) },
    ],
  });
  primary.stubs.s3
    .on(HeadObjectCommand)
    .resolves({ ContentLength: 2048, ETag: '"abc"', ServerSideEncryption: 'AES256', ReplicationStatus: 'COMPLETED' });
  primary.stubs.s3.on(GetObjectCommand).resolves({ Body: objectBody('REDIS0011') });
  secondary.stubs.s3
    .on(HeadObjectCommand)
    .resolves({ ContentLength: 2048, ETag: '"abc"', ReplicationStatus: 'REPLICA' });
}

beforeEach(() => {
  healthy();
  sleeps.length = 0;
});

async function verdicts() {
  const report = await run(deps, input);
  return { report, byCheck: Object.fromEntries(report.results.map((result) => [result.check, result])) };
}

test('a healthy estate passes every check at 100%', async () => {
  const { report } = await verdicts();
  expect(report.results.map((r) => [r.check, r.passed])).toEqual([
    ['aurora-continuous-backup', true],
    ['aurora-point-in-time', true],
    ['aurora-cross-region-copy', true],
    ['aurora-weekly-snapshot', true],
    ['aurora-weekly-snapshot-copy', true],
    ['redis-export', true],
    ['redis-replica', true],
  ]);
  expect(report).toMatchObject({ successRate: 100, passed: true, checkedAt: NOW.toISOString() });
});

test('fails when the cross-region copy is missing, and the other checks still pass', async () => {
  secondary.stubs.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
  const { report, byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']).toMatchObject({ passed: false, detail: 'no recovery point found' });
  expect(report.results.filter((r) => r.passed)).toHaveLength(6);
  expect(report).toMatchObject({ successRate: 85.71, passed: false });
});

test('fails when the newest copy is older than the schedule allows', async () => {
  secondary.stubs.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [copyPoint(2 * DAY)] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.detail).toMatch(/is 48\.0 h old, allowed 26\.0 h/);
});

test('fails when a recovery point is encrypted with another key', async () => {
  secondary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({ RecoveryPoints: [copyPoint(HOUR, 'arn:aws:kms:us-west-2:123456789012:key/other')] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.detail).toMatch(/encrypted with .*key\/other, expected .*key\/backup/);
});

test('fails when the newest recovery point is not complete', async () => {
  secondary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({ RecoveryPoints: [copyPoint(3 * DAY), { ...copyPoint(HOUR), Status: 'PARTIAL' }] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.detail).toMatch(/is PARTIAL$/);
});

test('fails when there is no continuous backup, even with snapshots in the vault', async () => {
  primary.stubs.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
    RecoveryPoints: [
      { ...continuousPoint, RecoveryPointArn: 'arn:aws:rds:us-east-1:1:cluster-snapshot:awsbackup:job-1' },
    ],
  });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-continuous-backup']).toMatchObject({ passed: false, detail: 'no recovery point found' });
});

test('reads recovery points across pages', async () => {
  secondary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolvesOnce({ RecoveryPoints: [copyPoint(5 * DAY)], NextToken: 'page-2' })
    .resolvesOnce({ RecoveryPoints: [copyPoint(HOUR)] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.passed).toBe(true);
  expect(secondary.stubs.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(2);
  expect(secondary.stubs.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[1]!.args[0].input.NextToken).toBe(
    'page-2',
  );
});

test('fails when point-in-time restore lags', async () => {
  primary.stubs.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ LatestRestorableTime: ago(HOUR) }] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-point-in-time']!.detail).toBe('latest restorable time is 3600 s old, allowed 900 s');
});

test('fails, as could-not-run, when the cluster does not exist', async () => {
  primary.stubs.rds
    .on(DescribeDBClustersCommand)
    .rejects(new DBClusterNotFoundFault({ message: `DBCluster ${CLUSTER} not found.`, $metadata: {} }));
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-point-in-time']).toMatchObject({
    passed: false,
    detail: `could not run: DBClusterNotFoundFault: DBCluster ${CLUSTER} not found.`,
  });
});

test('fails, as could-not-run, when access is denied', async () => {
  primary.stubs.backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(
    new BackupServiceException({
      name: 'AccessDeniedException',
      message: 'not authorized',
      $fault: 'client',
      $metadata: {},
    }),
  );
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-continuous-backup']!.detail).toBe('could not run: AccessDeniedException: not authorized');
});

const throttled = () =>
  new BackupServiceException({
    name: 'ThrottlingException',
    message: 'Rate exceeded',
    $fault: 'client',
    $metadata: {},
  });

test('retries a throttled check after a pause and passes when the retry succeeds', async () => {
  secondary.stubs.backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .rejectsOnce(throttled())
    .resolves({ RecoveryPoints: [copyPoint(HOUR)] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.passed).toBe(true);
  expect(secondary.stubs.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(2);
  expect(sleeps).toEqual([2000]);
});

test('reports throttling that outlasts the retries as a failed check', async () => {
  secondary.stubs.backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(throttled());
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-cross-region-copy']!.detail).toBe(
    'could not run: ThrottlingException: Rate exceeded (after 3 attempts)',
  );
  expect(secondary.stubs.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(3);
  expect(sleeps).toEqual([2000, 4000]);
});

test('does not retry errors other than throttling', async () => {
  primary.stubs.rds
    .on(DescribeDBClustersCommand)
    .rejects(new DBClusterNotFoundFault({ message: 'gone', $metadata: {} }));
  await verdicts();
  expect(primary.stubs.rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
  expect(sleeps).toEqual([]);
});

test('fails when there is no weekly snapshot at all', async () => {
  primary.stubs.rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  const { byCheck } = await verdicts();
  expect(byCheck['aurora-weekly-snapshot']!.detail).toBe(`no available snapshot of ${CLUSTER}`);
});

test.each([
  ['an empty export', { ContentLength: 0 }, /is empty$/],
  ['a KMS-encrypted export', { ServerSideEncryption: 'aws:kms' as const }, /encrypted with aws:kms, not SSE-S3/],
  ['a failed replication', { ReplicationStatus: 'FAILED' as const }, /failed to replicate/],
])('fails the Redis export on %s', async (_name, override, detail) => {
  primary.stubs.s3
    .on(HeadObjectCommand)
    .resolves({ ContentLength: 2048, ETag: '"abc"', ServerSideEncryption: 'AES256', ...override });
  const { byCheck } = await verdicts();
  expect(byCheck['redis-export']!.detail).toMatch(detail);
});

test.each([
  ['garbage bytes', 'x\u0000\u0013garbage'],
  ['a JSON document', '{"not":"an rdb"}'],
])('fails the Redis export when the object holds %s of the right size and encryption', async (_name, content) => {
  // Prepare
  primary.stubs.s3.on(GetObjectCommand).resolves({ Body: objectBody(content) });
  // Act
  const { byCheck } = await verdicts();
  // Assess
  expect(byCheck['redis-export']).toMatchObject({ passed: false });
  expect(byCheck['redis-export']!.detail).toMatch(/exports\/2026-11-26\.rdb is no RDB file: it starts with/);
  expect(primary.stubs.s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({
    Key: 'exports/2026-11-26.rdb',
    Range: 'bytes=0-4',
  });
});

test('fails both Redis checks when no export exists', async () => {
  primary.stubs.s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  const { byCheck } = await verdicts();
  expect(byCheck['redis-export']!.detail).toBe('no .rdb export found');
  expect(byCheck['redis-replica']!.detail).toBe('no export to look for: the source check found none');
});

test('fails the replica check when the object never reached the other region', async () => {
  secondary.stubs.s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
  const { byCheck } = await verdicts();
  expect(byCheck['redis-replica']!.detail).toBe('could not run: NotFound: Not Found');
});

test('fails the replica check when the copy differs in size', async () => {
  secondary.stubs.s3.on(HeadObjectCommand).resolves({ ContentLength: 1024, ETag: '"abc"' });
  const { byCheck } = await verdicts();
  expect(byCheck['redis-replica']!.detail).toMatch(/has 1024 bytes in .*, 2048 at the source/);
});

test('an empty run is a failed run at 0%', () => {
  expect(buildReport([], NOW)).toEqual({ checkedAt: NOW.toISOString(), results: [], successRate: 0, passed: false });
});
