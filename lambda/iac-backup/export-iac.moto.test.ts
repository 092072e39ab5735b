// Integration: the IaC backup against moto: real stacks, parameters and a versioned bucket.
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { run, type IacBackupDeps } from './export-iac';

const BUCKET = 'async-toolformer-prod-iac-backups-123456789012-use1';
let moto: MotoServer;
let deps: IacBackupDeps;
let s3: S3Client;

const template = (description: string) =>
  JSON.stringify({ Description: description, Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

beforeAll(async () => {
  moto = await startMoto();
  const cloudformation = new CloudFormationClient(moto.clientConfig());
  const ssm = new SSMClient(moto.clientConfig());
  s3 = new S3Client({ ...moto.clientConfig(), forcePathStyle: true });
  for (const name of [
    'AsyncToolformer-prod-use1-Network',
    'AsyncToolformer-prod-use1-Data',
    'AsyncToolformer-staging-use1-Data',
  ]) {
    await cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: template(name) }));
  }
  await ssm.send(
    new PutParameterCommand({
      Name: '/async-toolformer/prod/data/vault-name',
      Value: 'async-toolformer-prod-use1',
      Type: 'String',
    }),
  );
  await ssm.send(
    new PutParameterCommand({ Name: '/async-toolformer/staging/data/vault-name', Value: 'other', Type: 'String' }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  deps = { cloudformation, ssm, s3, now: () => new Date('2026-11-26T02:30:00Z') };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

test('exports the stage, and a second run keeps the first as an older version', async () => {
  const settings = {
    stackPrefix: 'AsyncToolformer-prod-',
    parameterPath: '/async-toolformer/prod/',
    bucket: BUCKET,
    region: 'us-east-1',
    resultParameter: '/async-toolformer/prod/backups/iac/latest',
  };
  const first = await run(deps, settings);
  expect(first.stacks).toEqual(['AsyncToolformer-prod-use1-Data', 'AsyncToolformer-prod-use1-Network']);
  expect(first.parameters).toBe(1);
  const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.objects[0] }));
  expect(JSON.parse(await body.Body!.transformToString())).toMatchObject({
    Description: 'AsyncToolformer-prod-use1-Data',
  });

  const second = await run(deps, settings);
  expect(second.resultVersion).toBe(first.resultVersion + 1);
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: first.objects[0] }));
  expect(versions.Versions).toHaveLength(2);
});
