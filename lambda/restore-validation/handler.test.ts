// The Aurora restore validation handler: recovery_test_results 1 or 0 per finished run, and 0 when a step cannot run.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BackupClient, DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { METRIC } from '../../lib/contract';
import { handler } from './handler';

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(['STAGE', 'AWS_REGION', ...contract.environment].map((name) => [name, `value-of-${name}`])),
  requirePositiveInteger: () => 3600,
}));

const backup = mockClient(BackupClient);
let added: jest.SpyInstance;
const event = (status: string) => ({ phase: 'start', restoreJobId: 'job-1', status, resourceType: 'Aurora' });

beforeEach(() => {
  backup.reset();
  jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    this.clearMetrics();
    return this;
  });
  added = jest.spyOn(Metrics.prototype, 'addMetric');
});
afterEach(() => jest.restoreAllMocks());

const results = () =>
  added.mock.calls.filter(([name]) => name === METRIC.recoveryTestResults).map(([, , value]) => value);

test('fails when the restore job failed, with recovery_test_results 0', async () => {
  await expect(handler(event('FAILED'))).resolves.toMatchObject({ phase: 'done', verdict: { passed: false } });
  expect(results()).toEqual([0]);
});

test('fails when the restore cannot be validated, with recovery_test_results 0, and rethrows for a retry', async () => {
  backup.on(DescribeRestoreJobCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  await expect(handler(event('COMPLETED'))).rejects.toThrow('denied');
  expect(results()).toEqual([0]);
});

test('a restore still running reports nothing', async () => {
  await expect(handler(event('RUNNING'))).resolves.toMatchObject({ phase: 'done', skipped: 'status RUNNING' });
  expect(results()).toEqual([]);
});
