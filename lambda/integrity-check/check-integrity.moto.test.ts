// Integration: the integrity check against a real moto server seeded with 30 days of backups in both regions.
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { run, type IntegrityDeps, type RegionClients } from './check-integrity';
import { BUCKET, CLUSTER, CLUSTER_ARN, DAY, PEER_BUCKET, PEER_VAULT, PREFIX, VAULT, input } from './fixtures';

const DAYS = 30;
/** The budget for a 30-day estate in both regions. */
const BUDGET_MS = 20_000;

let moto: MotoServer;
let deps: IntegrityDeps;
let missingReplicaKey: string;

function clients(region: string): RegionClients {
  const config = moto.clientConfig(region);
  return {
    // moto does not implement AWS Backup's recovery points; they come from aws-sdk-client-mock below.
    backup: new BackupClient({ region }),
    rds: new RDSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ssm: new SSMClient(config),
  };
}

/** A real moto key whose ARN is handed over in `parameter`, as the Protection stack does. */
async function handedOverKey(region: string, ssm: SSMClient, parameter: string): Promise<string> {
  const { KeyMetadata } = await new KMSClient(moto.clientConfig(region)).send(new CreateKeyCommand({}));
  await ssm.send(new PutParameterCommand({ Name: parameter, Value: KeyMetadata!.Arn!, Type: 'String' }));
  return KeyMetadata!.Arn!;
}

beforeAll(async () => {
  moto = await startMoto();
  const primary = clients('us-east-1');
  const secondary = clients('us-west-2');
  deps = { primary, secondary, now: () => new Date(), retry: { attempts: 1, baseDelayMs: 0, sleep: async () => {} } };

  const databaseKey = await handedOverKey('us-east-1', primary.ssm, input.aurora.databaseKeyParameter);
  const copyKey = await handedOverKey('us-west-2', secondary.ssm, input.aurora.copyKeyParameter);

  await primary.rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'not-a-real-password',
      StorageEncrypted: true,
      KmsKeyId: databaseKey,
    }),
  );
  await primary.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await secondary.s3.send(
    new CreateBucketCommand({ Bucket: PEER_BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
  );

  // 30 days of backups: a snapshot and its cross-region copy, an export and its replica, per day.
  for (let day = DAYS; day >= 1; day -= 1) {
    const stamp = new Date(Date.UTC(2026, 10, 27) - day * DAY * 1000).toISOString().slice(0, 10);
    const snapshot = await primary.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: CLUSTER,
        DBClusterSnapshotIdentifier: `daily-${stamp}`,
      }),
    );
    await secondary.rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshot!.DBClusterSnapshotArn!,
        TargetDBClusterSnapshotIdentifier: `daily-${stamp}-copy`,
        KmsKeyId: copyKey,
      }),
    );
    const key = `${PREFIX}${stamp}.rdb`;
    const body = `REDIS0011 export of ${stamp}`;
    await primary.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: 'AES256' }),
    );
    // The gap the check must find: the newest export never reached the secondary region.
    if (day === 1) missingReplicaKey = key;
    else await secondary.s3.send(new PutObjectCommand({ Bucket: PEER_BUCKET, Key: key, Body: body }));
  }

  const points = (vault: string, key: string, source?: string) =>
    Array.from({ length: DAYS }, (_, day) => ({
      RecoveryPointArn: `arn:aws:backup:rp:${vault}:${day}`,
      SourceBackupVaultArn: source,
      Status: 'COMPLETED' as const,
      EncryptionKeyArn: key,
      CreationDate: new Date(Date.now() - (day + 1) * 3_600_000),
    }));
  mockClient(primary.backup)
    .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT, ByResourceArn: CLUSTER_ARN })
    .resolves({
      RecoveryPoints: [
        {
          ...points(VAULT, databaseKey)[0]!,
          RecoveryPointArn: 'arn:aws:backup:us-east-1:1:recovery-point:continuous:x',
        },
      ],
    });
  mockClient(secondary.backup)
    .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: PEER_VAULT, ByResourceArn: CLUSTER_ARN })
    .resolves({ RecoveryPoints: points(PEER_VAULT, copyKey, `arn:aws:backup:us-east-1:1:backup-vault:${VAULT}`) });
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

test('finds the seeded gap, passes everything else, within the time budget', async () => {
  const started = Date.now();
  const report = await run(deps, input);
  const elapsed = Date.now() - started;

  const verdicts = Object.fromEntries(report.results.map((result) => [result.check, result]));
  expect(verdicts['redis-replica']).toMatchObject({
    passed: false,
    detail: expect.stringMatching(/^could not run: (NotFound|NoSuchKey)/),
  });
  expect(verdicts['redis-export']!.detail).toContain(missingReplicaKey);
  expect(report.results.filter((result) => !result.passed).map((result) => result.check)).toEqual(['redis-replica']);
  expect(report.successRate).toBeCloseTo((6 / 7) * 100, 1);
  console.log(`integrity check over ${DAYS} days in both regions: ${elapsed} ms`);
  expect(elapsed).toBeLessThanOrEqual(BUDGET_MS);
});

test('finds stale weekly snapshots when the clock moves past the allowance', async () => {
  const inNineDays = new Date(Date.now() + 9 * DAY * 1000);
  const report = await run({ ...deps, now: () => inNineDays }, input);
  const failed = report.results.filter((result) => !result.passed).map((result) => result.check);
  expect(failed).toEqual(
    expect.arrayContaining(['aurora-weekly-snapshot', 'aurora-weekly-snapshot-copy', 'redis-export']),
  );
});
