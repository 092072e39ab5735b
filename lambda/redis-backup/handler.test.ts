// The step handlers refuse malformed states from Step Functions before calling AWS; the Redis step reports the run's backup_success_rate.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { METRIC } from '../../lib/contract';
import { handler as redisHandler, parseState as parseRedisState } from './handler';
import { parseState as parseAuroraState } from '../weekly-backup/handler';

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'prod',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

jest.mock('../shared/env', () => ({
  requireEnv: (name: string) => `value-of-${name}`,
  readEnvironment: (contract: { environment: string[] }) =>
    Object.fromEntries(
      contract.environment.map((name) => [name, name === 'OBJECT_LOCK_MODE' ? 'governance' : `value-of-${name}`]),
    ),
  requirePositiveInteger: () => 3600,
}));

test.each([
  null,
  'start',
  { phase: 'start' },
  { phase: 'later', kind: 'daily' },
  { phase: 'exporting', kind: 'daily' },
])('fails when the Redis backup state is malformed (%p)', (event) => {
  expect(() => parseRedisState(event)).toThrow(/malformed scheduled event/);
});

test('accepts the start state and an in-flight state', () => {
  expect(parseRedisState({ phase: 'start', kind: 'weekly' })).toEqual({ phase: 'start', kind: 'weekly' });
  const sentinel = { key: 'k', writtenAt: 'w', checksum: 'c', keys: 2, persistentKeys: 1 };
  const inFlight = { phase: 'exporting', kind: 'daily', snapshotName: 's', exportName: 'e', sentinel };
  expect(parseRedisState(inFlight)).toEqual(inFlight);
  expect(() => parseRedisState({ ...inFlight, sentinel: undefined })).toThrow(/needs the sentinel/);
});

test.each([null, [], { phase: 'snapshotting' }, { phase: 'naming-latest', snapshotIdentifier: 's' }])(
  'fails when the weekly Aurora state is malformed (%p)',
  (event) => {
    expect(() => parseAuroraState(event)).toThrow(/malformed scheduled event/);
  },
);

describe('what a step reports', () => {
  const s3 = mockClient(S3Client);
  const ssm = mockClient(SSMClient);
  const elasticache = mockClient(ElastiCacheClient);
  let added: jest.SpyInstance;
  const exporting = {
    phase: 'exporting',
    kind: 'daily',
    snapshotName: 'snap',
    exportName: 'value-of-REPLICATION_GROUP_ID-daily-20261126-0200',
    sentinel: { key: 'k', writtenAt: 'w', checksum: 'c', keys: 2, persistentKeys: 1 },
  } as const;

  beforeEach(() => {
    [s3, ssm, elasticache].forEach((stub) => stub.reset());
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-sidecar' });
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
      this.clearMetrics();
      return this;
    });
    added = jest.spyOn(Metrics.prototype, 'addMetric');
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'export-0001.rdb' }] });
    ssm.on(PutParameterCommand).resolves({ Version: 5 });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => [s3, ssm, elasticache].forEach((stub) => stub.restore()));

  const rates = () =>
    added.mock.calls.filter(([name]) => name === METRIC.backupSuccessRate).map(([, , value]) => value);

  test('the step that verifies the export finishes the run with backup_success_rate 100', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ServerSideEncryption: 'AES256', VersionId: 'v-rdb' });
    await expect(redisHandler(exporting)).resolves.toMatchObject({
      phase: 'done',
      resultVersion: 5,
      locked: { mode: 'GOVERNANCE' },
    });
    expect(rates()).toEqual([100]);
  });

  test('fails the run when the export is not SSE-S3, with backup_success_rate 0', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ServerSideEncryption: 'aws:kms' });
    await expect(redisHandler(exporting)).rejects.toThrow(/not SSE-S3/);
    expect(rates()).toEqual([0]);
  });

  test('fails when a crafted state names an export outside the group: refused, backup_success_rate 0, no AWS call', async () => {
    for (const phase of ['snapshotting', 'exporting']) {
      const crafted = { ...exporting, phase, exportName: 'async-toolformer-prod-usw2-daily-20261126-0200' };
      await expect(redisHandler(crafted)).rejects.toThrow(/refusing to touch async-toolformer-prod-usw2/);
    }
    expect(rates()).toEqual([0, 0]);
    expect([...s3.calls(), ...ssm.calls()]).toHaveLength(0);
  });
});
