// Integration: the IaC backup writes into a bucket locked as IacBackupBucket locks it (moto), and S3's checksum rule for default retention is what it meets.
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { run } from '../../lambda/iac-backup/export-iac';
import { IacBackupBucket } from '../../lib/constructs/iac-backup-bucket';
import { startMoto, type MotoServer } from '../helpers/moto';
import { newApp } from '../helpers/synth';

const BUCKET = 'async-toolformer-staging-iac-backups-123456789012-use1';
const STACK = 'AsyncToolformer-staging-use1-Data';
let moto: MotoServer;
let s3: S3Client;

/** The ObjectLockConfiguration IacBackupBucket renders, as the S3 API takes it. */
function renderedLock(): {
  ObjectLockEnabled: 'Enabled';
  Rule: { DefaultRetention: { Mode: 'GOVERNANCE'; Days: number } };
} {
  const stack = new Stack(newApp(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new IacBackupBucket(stack, 'IacBackups', {
    bucketName: BUCKET,
    noncurrentRetention: Duration.days(90),
    objectLock: { mode: 'governance', retention: Duration.days(7) },
  });
  const [bucket] = Object.values(
    Template.fromStack(stack).findResources('AWS::S3::Bucket', { Properties: { BucketName: BUCKET } }),
  );
  return bucket!.Properties.ObjectLockConfiguration;
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  const cloudformation = new CloudFormationClient(moto.clientConfig());
  await cloudformation.send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
    }),
  );
  // The bucket as it exists before this change: versioned, no Object Lock. The lock is then put on
  // the existing bucket, as CloudFormation's update of ObjectLockConfiguration does.
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket: BUCKET, ObjectLockConfiguration: renderedLock() }));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
}, 30_000);

test('fails when a writer sends neither Content-MD5 nor a checksum: the rule a default retention brings', async () => {
  const bare = new S3Client({
    ...moto.clientConfig(),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await expect(bare.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bare.json', Body: '{}' }))).rejects.toThrow(
    /Content-MD5|checksum/i,
  );
}, 30_000);

test('the IaC backup, with the SDK defaults it runs with, lands locked for the configured days', async () => {
  const deps = {
    cloudformation: new CloudFormationClient(moto.clientConfig()),
    ssm: new SSMClient(moto.clientConfig()),
    s3,
    now: () => new Date('2026-11-26T02:30:00Z'),
  };
  const result = await run(deps, {
    stackPrefix: 'AsyncToolformer-staging-',
    parameterPath: '/async-toolformer/staging/',
    bucket: BUCKET,
    region: 'us-east-1',
    resultParameter: '/async-toolformer/staging/backups/iac/latest',
  });
  expect(result.objects.length).toBeGreaterThan(0);
  for (const key of result.objects) {
    // HeadObject reports the version's lock (moto's GetObjectRetention answer does not parse).
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    const days = (head.ObjectLockRetainUntilDate!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  }
  // A delete only hides the version behind a delete marker; the locked version itself stays.
  const key = result.objects[0]!;
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  const { Versions, DeleteMarkers } = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  expect(Versions).toHaveLength(1);
  expect(DeleteMarkers).toHaveLength(1);
  // Deleting the locked version itself is refused.
  await expect(
    s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, VersionId: Versions![0]!.VersionId })),
  ).rejects.toThrow();
}, 30_000);
