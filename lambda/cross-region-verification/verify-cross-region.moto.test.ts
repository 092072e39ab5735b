// Integration: cross-region verification against moto's S3, KMS and SSM in us-west-2, with a seeded missing day.
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { run, type VerificationDeps } from './verify-cross-region';

const BUCKET = 'async-toolformer-prod-cache-backups-123456789012-usw2';
let moto: MotoServer;
let deps: VerificationDeps;
let keyArn: string;

beforeAll(async () => {
  moto = await startMoto();
  const config = moto.clientConfig('us-west-2');
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const kms = new KMSClient(config);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  keyArn = KeyMetadata!.Arn!;
  // The key ARN as the Protection stack hands it over.
  const ssm = new SSMClient(config);
  await ssm.send(
    new PutParameterCommand({ Name: '/async-toolformer/prod/data/backup-key-arn', Value: keyArn, Type: 'String' }),
  );
  await s3.send(
    new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
  );
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'async-toolformer-prod-use1-daily-today-0001.rdb', Body: 'REDIS0011' }),
  );
  // moto stamps objects with the real time: "yesterday" for a run that pretends to be tomorrow.
  deps = { backup: new BackupClient({ region: 'us-west-2' }), s3, ssm, now: () => new Date(Date.now() + 86_400_000) };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

test('verifies the replicated export, and finds the day without an Aurora copy', async () => {
  const today = new Date();
  mockClient(deps.backup)
    .on(ListRecoveryPointsByBackupVaultCommand)
    .resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: 'arn:aws:rds:us-west-2:1:cluster-snapshot:awsbackup:copy',
          SourceBackupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:async-toolformer-prod-use1',
          Status: 'COMPLETED',
          EncryptionKeyArn: keyArn,
          CreationDate: new Date(today.getTime() - 86_400_000),
        },
      ],
    });
  const report = await run(deps, {
    days: 1,
    vaultName: 'async-toolformer-prod-usw2',
    sourceVaultName: 'async-toolformer-prod-use1',
    clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1',
    copyKeyParameter: '/async-toolformer/prod/data/backup-key-arn',
    bucket: BUCKET,
    prefix: 'async-toolformer-prod-use1-',
  });
  const verdicts = Object.fromEntries(report.results.map((result) => [result.check, result]));
  expect(verdicts['redis-replica']).toMatchObject({ passed: true });
  // The only copy is from the day before the verified one: a real gap.
  expect(verdicts['aurora-copy']).toMatchObject({ passed: false, detail: expect.stringMatching(/^no copy from /) });
});
