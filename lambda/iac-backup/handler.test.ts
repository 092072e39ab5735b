// The handler reports each run as backup_success_rate: 100 for an export that completed, 0 for one that failed.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudFormationClient, GetTemplateCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { METRIC } from '../../lib/contract';
import { handler } from './handler';

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(['STAGE', 'AWS_REGION', ...contract.environment].map((name) => [name, `value-of-${name}`])),
}));

const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
let added: jest.SpyInstance;

beforeEach(() => {
  [cloudformation, s3, ssm].forEach((stub) => stub.reset());
  jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    this.clearMetrics();
    return this;
  });
  added = jest.spyOn(Metrics.prototype, 'addMetric');
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
  ssm.on(PutParameterCommand).resolves({ Version: 4 });
  s3.on(PutObjectCommand).resolves({});
  cloudformation.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
});
afterEach(() => jest.restoreAllMocks());

const rates = () => added.mock.calls.filter(([name]) => name === METRIC.backupSuccessRate).map(([, , value]) => value);

test('reports backup_success_rate 100 for an export that completed', async () => {
  cloudformation.on(ListStacksCommand).resolves({
    StackSummaries: [
      { StackName: 'value-of-STACK_PREFIXData', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
    ],
  });
  await expect(handler({ schedule: 'iac-backup' })).resolves.toMatchObject({ resultVersion: 4 });
  expect(rates()).toEqual([100]);
});

test('fails when there is nothing to back up, with backup_success_rate 0', async () => {
  cloudformation.on(ListStacksCommand).resolves({ StackSummaries: [] });
  await expect(handler({ schedule: 'iac-backup' })).rejects.toThrow(/no stack named/);
  expect(rates()).toEqual([0]);
});

test('fails when a malformed event arrives, before any backup and without a rate', async () => {
  await expect(handler({ schedule: 'daily-integrity-check' })).rejects.toThrow(/malformed scheduled event/);
  expect(cloudformation.calls()).toHaveLength(0);
  expect(rates()).toEqual([]);
});
