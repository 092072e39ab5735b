// The six failure paths of the daily IaC backup, through its handler: the error, backup_success_rate 0, and no record or later object written after the failure.
import { CloudFormationClient, GetTemplateCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const PREFIX = 'AsyncToolformer-prod-';
const STACKS = [`${PREFIX}use1-Data`, `${PREFIX}use1-Network`];
const scheduled = { schedule: 'iac-backup' };
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const stubs = [cloudformation, s3, ssm];
const objectKeys = () => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.iacBackup.environment, { STACK_PREFIX: PREFIX, BACKUP_BUCKET_REGION: 'us-west-2' }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  cloudformation.on(ListStacksCommand).resolves({
    StackSummaries: STACKS.map((StackName) => ({
      StackName,
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: new Date(),
    })),
  });
  cloudformation
    .on(GetTemplateCommand)
    .callsFake(({ StackName }) => ({ TemplateBody: `{"Description":"${StackName}"}` }));
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: '/p', Type: 'String', Value: 'v', Version: 1 }] });
  ssm.on(PutParameterCommand).resolves({ Version: 9 });
  s3.on(PutObjectCommand).resolves({});
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when CloudFormation throttles the listing: Throttling, backup_success_rate 0, nothing written', async () => {
    // Prepare
    cloudformation.on(ListStacksCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(scheduled));
    // Assess
    expect(error).toMatchObject({ name: 'Throttling' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when the parameters cannot be read: AccessDeniedException, 0, no parameter export and no run record', async () => {
    ssm.on(GetParametersByPathCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const { error, metrics } = await capture(() => handler(scheduled));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(objectKeys().filter((key) => key?.endsWith('ssm-parameters.json'))).toEqual([]);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the backup bucket does not exist: NoSuchBucket, 0, no later object and no run record', async () => {
    s3.on(PutObjectCommand).rejects(awsError('NoSuchBucket', 'The specified bucket does not exist'));
    const { error, metrics } = await capture(() => handler(scheduled));
    expect(error).toMatchObject({ name: 'NoSuchBucket' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(objectKeys()).toHaveLength(1);
    expect(cloudformation.commandCalls(GetTemplateCommand)).toHaveLength(1);
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('failure path: empty result', () => {
  test('fails when the stage has no stack: NothingToBackUpError, 0, nothing written', async () => {
    cloudformation.on(ListStacksCommand).resolves({ StackSummaries: [] });
    const { error, metrics } = await capture(() => handler(scheduled));
    expect(error).toMatchObject({ name: 'NothingToBackUpError' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: malformed input', () => {
  test.each([null, [], { schedule: 'daily-integrity-check' }])(
    'fails when the event is malformed (%p): MalformedEventError before any AWS call, and no rate',
    async (event) => {
      const { error, metrics } = await capture(() => handler(event));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...cloudformation.calls(), ...s3.calls(), ...ssm.calls()]).toHaveLength(0);
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails when one stack of two returns no template: 0, the other is kept, no parameter export and no record', async () => {
    cloudformation.on(GetTemplateCommand, { StackName: STACKS[1] }).resolves({});
    const { error, metrics } = await capture(() => handler(scheduled));
    expect(error).toMatchObject({ name: 'NothingToBackUpError', message: `stack ${STACKS[1]} returned no template` });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(objectKeys()).toEqual([expect.stringMatching(new RegExp(`/stacks/${STACKS[0]}\\.json$`))]);
    expect(ssm.calls()).toHaveLength(0);
  });
});
