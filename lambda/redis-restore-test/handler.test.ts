// The Redis restore test step handler: recovery_test_results 1 or 0 when a run is done, and 0 for a step that throws.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DIMENSION, METRIC, RESTORE_TEST_COMPONENTS } from '../../lib/contract';
import { handler } from './handler';

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(['STAGE', 'AWS_REGION', ...contract.environment].map((name) => [name, `value-of-${name}`])),
  requirePositiveInteger: () => 3600,
}));

const elasticache = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);
let added: jest.SpyInstance;
let dimensions: jest.SpyInstance;

beforeEach(() => {
  [elasticache, s3].forEach((stub) => stub.reset());
  jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    this.clearMetrics();
    return this;
  });
  added = jest.spyOn(Metrics.prototype, 'addMetric');
  dimensions = jest.spyOn(Metrics.prototype, 'addDimension');
});
afterEach(() => jest.restoreAllMocks());

const results = () =>
  added.mock.calls.filter(([name]) => name === METRIC.recoveryTestResults).map(([, , value]) => value);

test('fails when there is no export to restore: done with a failed verdict and recovery_test_results 0', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  await expect(handler({ phase: 'start' })).resolves.toMatchObject({ phase: 'done', verdict: { passed: false } });
  expect(results()).toEqual([0]);
  expect(dimensions.mock.calls).toEqual([[DIMENSION.component, RESTORE_TEST_COMPONENTS.redis]]);
});

test('fails the step when ElastiCache cannot be asked, with recovery_test_results 0', async () => {
  elasticache
    .on(DescribeReplicationGroupsCommand)
    .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  const restoring = {
    phase: 'restoring',
    groupId: 'value-of-GROUP_PREFIX1',
    source: 's3',
    startedAt: new Date().toISOString(),
    expected: { object: 'o', key: 'k', writtenAt: 'w', checksum: 'c', persistentKeys: 1 },
  };
  await expect(handler(restoring)).rejects.toThrow('denied');
  expect(results()).toEqual([0]);
});

test('a cleanup that ends reports the verdict it carries', async () => {
  elasticache
    .on(DescribeReplicationGroupsCommand)
    .rejects(Object.assign(new Error('gone'), { name: 'ReplicationGroupNotFoundFault' }));
  const cleaning = {
    phase: 'cleaning',
    groupId: 'value-of-GROUP_PREFIX1',
    source: 's3',
    startedAt: new Date().toISOString(),
    verdict: { passed: true, detail: 'restored', restoreSeconds: 300 },
  };
  await expect(handler(cleaning)).resolves.toMatchObject({ phase: 'done' });
  expect(results()).toEqual([1]);
});

test('fails when a crafted state names the production group: refused, logged, recovery_test_results 0, no AWS call', async () => {
  const crafted = {
    phase: 'cleaning',
    groupId: 'async-toolformer-prod-use1',
    startedAt: new Date().toISOString(),
    verdict: { passed: true, detail: 'crafted' },
  };
  await expect(handler(crafted)).rejects.toThrow(/refusing to touch async-toolformer-prod-use1/);
  expect(results()).toEqual([0]);
  expect(elasticache.calls()).toHaveLength(0);
});
