// Unit tests of the IaC backup with mocked clients: selection, pagination, and every way it can fail.
import {
  CloudFormationClient,
  CloudFormationServiceException,
  GetTemplateCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { NothingToBackUpError, run, type IacBackupDeps } from './export-iac';

const NOW = new Date('2026-11-26T02:30:00Z');
const settings = {
  stackPrefix: 'AsyncToolformer-prod-',
  parameterPath: '/async-toolformer/prod/',
  bucket: 'async-toolformer-prod-iac-backups-123456789012-use1',
  region: 'us-east-1',
  resultParameter: '/async-toolformer/prod/backups/iac/latest',
};
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const deps: IacBackupDeps = {
  cloudformation: new CloudFormationClient({}),
  s3: new S3Client({}),
  ssm: new SSMClient({}),
  now: () => NOW,
};

beforeEach(() => {
  for (const stub of [cloudformation, s3, ssm]) stub.reset();
  cloudformation
    .on(ListStacksCommand)
    .resolvesOnce({
      StackSummaries: [
        { StackName: 'AsyncToolformer-prod-use1-Network', StackStatus: 'UPDATE_COMPLETE', CreationTime: NOW },
        { StackName: 'AsyncToolformer-staging-use1-Network', StackStatus: 'CREATE_COMPLETE', CreationTime: NOW },
      ],
      NextToken: 'p2',
    })
    .resolvesOnce({
      StackSummaries: [
        { StackName: 'AsyncToolformer-prod-use1-Data', StackStatus: 'CREATE_COMPLETE', CreationTime: NOW },
      ],
    });
  cloudformation
    .on(GetTemplateCommand)
    .callsFake(({ StackName }) => ({ TemplateBody: `{"Description":"${StackName}"}` }));
  ssm
    .on(GetParametersByPathCommand)
    .resolvesOnce({
      Parameters: [{ Name: '/async-toolformer/prod/data/vault-name', Type: 'String', Value: 'v', Version: 1 }],
      NextToken: 'q2',
    })
    .resolvesOnce({
      Parameters: [{ Name: '/async-toolformer/prod/rate-limiter/mode', Type: 'String', Value: 'redis', Version: 4 }],
    });
  ssm.on(PutParameterCommand).resolves({ Version: 9 });
});

test("exports every stack of the stage, across pages, and none of another stage's", async () => {
  const result = await run(deps, settings);
  expect(result).toEqual({
    stacks: ['AsyncToolformer-prod-use1-Data', 'AsyncToolformer-prod-use1-Network'],
    parameters: 2,
    objects: [
      'iac/2026-11-26/us-east-1/stacks/AsyncToolformer-prod-use1-Data.json',
      'iac/2026-11-26/us-east-1/stacks/AsyncToolformer-prod-use1-Network.json',
      'iac/2026-11-26/us-east-1/ssm-parameters.json',
    ],
    resultVersion: 9,
  });
  expect(cloudformation.commandCalls(ListStacksCommand)[0]!.args[0].input.StackStatusFilter).not.toContain(
    'DELETE_COMPLETE',
  );
  expect(cloudformation.commandCalls(GetTemplateCommand)[0]!.args[0].input).toEqual({
    StackName: 'AsyncToolformer-prod-use1-Data',
    TemplateStage: 'Original',
  });
  const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
  expect(puts[0]).toMatchObject({ Bucket: settings.bucket, Body: '{"Description":"AsyncToolformer-prod-use1-Data"}' });
  expect(JSON.parse(puts[2]!.Body as string).map((p: { Name: string }) => p.Name)).toEqual([
    '/async-toolformer/prod/data/vault-name',
    '/async-toolformer/prod/rate-limiter/mode',
  ]);
  expect(ssm.commandCalls(GetParametersByPathCommand)[0]!.args[0].input).toMatchObject({
    Recursive: true,
    WithDecryption: false,
  });
});

test('fails when the stage has no stack: an export of nothing is no backup', async () => {
  cloudformation.reset();
  cloudformation.on(ListStacksCommand).resolves({ StackSummaries: [] });
  await expect(run(deps, settings)).rejects.toThrow(NothingToBackUpError);
  expect(s3.calls()).toHaveLength(0);
});

test('fails when a stack returns no template', async () => {
  cloudformation.on(GetTemplateCommand).resolves({});
  await expect(run(deps, settings)).rejects.toThrow('stack AsyncToolformer-prod-use1-Data returned no template');
});

test.each([
  ['access is denied', 'AccessDenied'],
  ['CloudFormation throttles', 'Throttling'],
])('fails, without recording a result, when %s', async (_name, code) => {
  cloudformation
    .on(GetTemplateCommand)
    .rejects(new CloudFormationServiceException({ name: code, message: code, $fault: 'client', $metadata: {} }));
  await expect(run(deps, settings)).rejects.toThrow(code);
  expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
});

test('fails when the bucket refuses the write', async () => {
  s3.on(PutObjectCommand).rejects(
    new S3ServiceException({
      name: 'NoSuchBucket',
      message: 'The specified bucket does not exist',
      $fault: 'client',
      $metadata: {},
    }),
  );
  await expect(run(deps, settings)).rejects.toThrow('The specified bucket does not exist');
});
