// The weekly backup step handler: the run that finishes reports backup_success_rate 100, a step that fails reports 0 and fails the run.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CopyDBClusterSnapshotCommand, DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { METRIC } from '../../lib/contract';
import { handler } from './handler';

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(['STAGE', 'AWS_REGION', ...contract.environment].map((name) => [name, `value-of-${name}`])),
  requirePositiveInteger: () => 7,
}));

const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
let added: jest.SpyInstance;
const naming = {
  phase: 'naming-latest',
  snapshotIdentifier: 'value-of-CLUSTER_IDENTIFIER-weekly-20261129-0100',
  expired: [],
};
const OWNED = { TagList: [{ Key: 'value-of-OWNER_TAG_KEY', Value: 'value-of-OWNER_TAG_VALUE' }] };

beforeEach(() => {
  [rds, ssm].forEach((stub) => stub.reset());
  jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    this.clearMetrics();
    return this;
  });
  added = jest.spyOn(Metrics.prototype, 'addMetric');
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
  rds.on(CopyDBClusterSnapshotCommand).resolves({});
});
afterEach(() => jest.restoreAllMocks());

const rates = () => added.mock.calls.filter(([name]) => name === METRIC.backupSuccessRate).map(([, , value]) => value);

test('the step that records -latest finishes the run with backup_success_rate 100', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ Status: 'available', ...OWNED }] });
  await expect(handler(naming)).resolves.toMatchObject({ phase: 'done', aliasVersion: 2 });
  expect(rates()).toEqual([100]);
});

test('a step in flight reports no rate', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ Status: 'copying' }] });
  await expect(handler(naming)).resolves.toMatchObject({ phase: 'naming-latest' });
  expect(rates()).toEqual([]);
});

test('fails the run when the -latest copy failed, with backup_success_rate 0', async () => {
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ Status: 'failed' }] });
  await expect(handler(naming)).rejects.toThrow(/is failed/);
  expect(rates()).toEqual([0]);
});

test('fails when a crafted state names a foreign snapshot: refused, backup_success_rate 0, no AWS call', async () => {
  const crafted = { phase: 'snapshotting', snapshotIdentifier: 'someone-elses-snapshot', expired: [] };
  await expect(handler(crafted)).rejects.toThrow(/refusing to touch someone-elses-snapshot/);
  expect(rates()).toEqual([0]);
  expect(rds.calls()).toHaveLength(0);
  expect(ssm.calls()).toHaveLength(0);
});
