// The handler: cold-start settings, malformed events, and a run whose checks cannot reach AWS.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BackupClient, BackupServiceException } from '@aws-sdk/client-backup';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ElastiCacheServiceException,
} from '@aws-sdk/client-elasticache';
import { DescribeGlobalClustersCommand, RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import type { MetadataBearer } from '@smithy/types';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type * as HandlerModule from './handler';

const COMPLETE = {
  AWS_REGION: 'us-east-1',
  PEER_REGION: 'us-west-2',
  STAGE: 'prod',
  GLOBAL_CLUSTER_IDENTIFIER: 'async-toolformer-prod-global',
  CLUSTER_IDENTIFIER: 'async-toolformer-prod-use1',
  REPLICATION_GROUP_ID: 'async-toolformer-prod-use1',
  STANDALONE_CACHE_FOLLOWS_WRITER: 'false',
  CLUSTER_ARN: 'arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1',
  VAULT_NAME: 'async-toolformer-prod-use1',
  PEER_VAULT_NAME: 'async-toolformer-prod-usw2',
  DATABASE_KEY_PARAMETER: '/async-toolformer/prod/data/database-key-arn',
  COPY_KEY_PARAMETER: '/async-toolformer/prod/data/backup-key-arn',
  REDIS_BUCKET: 'async-toolformer-prod-use1-redis-backups',
  PEER_REDIS_BUCKET: 'async-toolformer-prod-usw2-redis-backups',
  REDIS_PREFIX: 'exports/',
  DAILY_MAX_AGE_SECONDS: '93600',
  WEEKLY_MAX_AGE_SECONDS: '612000',
  POINT_IN_TIME_MAX_LAG_SECONDS: '900',
  REPORT_PARAMETER_NAME: '/async-toolformer/prod/backups/integrity/latest',
};
/** Quiet Powertools in tests; not settings the handler requires. */
const QUIET = { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' };

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** A fresh copy of the handler, so each cold start reads the environment anew. */
const load = () => {
  let module: typeof HandlerModule | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<typeof HandlerModule>('./handler');
  });
  return module!;
};

test.each(Object.keys(COMPLETE))('fails at cold start when %s is missing', (variable) => {
  Object.assign(process.env, COMPLETE, QUIET);
  delete process.env[variable];
  expect(load).toThrow(`environment variable ${variable} is not set`);
});

test('fails at cold start when an age limit is not a number', () => {
  Object.assign(process.env, COMPLETE, QUIET, { DAILY_MAX_AGE_SECONDS: '26h' });
  expect(load).toThrow('DAILY_MAX_AGE_SECONDS must be a positive whole number');
});

describe('with AWS denying every read', () => {
  const denied = (Exception: typeof BackupServiceException) =>
    new Exception({ name: 'AccessDeniedException', message: 'denied', $fault: 'client', $metadata: {} });
  const ssm = mockClient(SSMClient);
  const stubs = [
    mockClient(BackupClient).onAnyCommand().rejects(denied(BackupServiceException)),
    mockClient(RDSClient).onAnyCommand().rejects(denied(RDSServiceException)),
    mockClient(S3Client).onAnyCommand().rejects(denied(S3ServiceException)),
    mockClient(ElastiCacheClient).onAnyCommand().rejects(denied(ElastiCacheServiceException)),
  ];

  // Loaded once, in the registry of the mocked SDK classes above.
  let handler: typeof HandlerModule.handler;
  beforeAll(() => {
    Object.assign(process.env, COMPLETE, QUIET);
    ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
  });
  beforeEach(() => {
    ssm.reset();
    ssm.on(PutParameterCommand).resolves({ Version: 7 });
    ssm.on(GetParameterCommand).rejects(denied(SSMServiceException));
  });
  afterAll(() => [ssm, ...stubs].forEach((stub) => stub.restore()));

  test('rejects a malformed event before calling AWS', async () => {
    await expect(handler({ schedule: 'weekly-full-backup' })).rejects.toThrow(/malformed scheduled event/);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('publishes a failed report at 0%: not knowing where the writer is fails the run, in either region', async () => {
    const report = await handler({ schedule: 'daily-integrity-check' });
    expect(report).toMatchObject({ outcome: 'acted', passed: false, successRate: 0, skipped: [] });
    expect(report.results.map((result) => result.check).sort()).toEqual([
      'aurora-writer-placement',
      'cache-primary-placement',
    ]);
    for (const result of report.results) {
      expect(result.detail).toMatch(/^could not run: AccessDeniedException: denied/);
    }
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: COMPLETE.REPORT_PARAMETER_NAME, Overwrite: true, Type: 'String' });
    expect(JSON.parse(put.Value!)).toMatchObject({ successRate: 0, passed: false });
  });
});

describe('in the region without the writer and the cache primary', () => {
  let stubs: { restore(): void }[] = [];
  let backup: AwsStub<object, MetadataBearer, unknown>;
  let ssm: AwsStub<object, MetadataBearer, unknown>;
  beforeAll(() => {
    backup = mockClient(BackupClient) as unknown as typeof backup;
    const ssmStub = mockClient(SSMClient);
    ssmStub.on(PutParameterCommand).resolves({ Version: 3 });
    ssm = ssmStub as unknown as typeof ssm;
    const rds = mockClient(RDSClient);
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: COMPLETE.GLOBAL_CLUSTER_IDENTIFIER,
          GlobalClusterMembers: [
            { DBClusterArn: COMPLETE.CLUSTER_ARN, IsWriter: false },
            { DBClusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:async-toolformer-prod-usw2', IsWriter: true },
          ],
        },
      ],
    });
    const elasticache = mockClient(ElastiCacheClient);
    elasticache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: COMPLETE.REPLICATION_GROUP_ID,
          GlobalReplicationGroupInfo: {
            GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
            GlobalReplicationGroupMemberRole: 'SECONDARY',
          },
        },
      ],
    });
    stubs = [backup, ssm, rds, elasticache, mockClient(S3Client)];
  });
  afterAll(() => stubs.forEach((stub) => stub.restore()));

  test('checks nothing, records a skip, and adds backup_job_skipped but no backup_success_rate', async () => {
    Object.assign(process.env, COMPLETE, QUIET);
    const added = jest.spyOn(Metrics.prototype, 'addMetric');
    // The module the first block loaded: the same SDK classes the stubs above wrap.
    const { handler } = jest.requireActual<typeof HandlerModule>('./handler');
    const report = await handler({ schedule: 'daily-integrity-check' });
    expect(report).toEqual({
      checkedAt: expect.any(String),
      outcome: 'skipped: writer is in us-west-2',
      skipped: [
        expect.objectContaining({ part: 'aurora', outcome: 'skipped: writer is in us-west-2' }),
        expect.objectContaining({ part: 'redis', outcome: 'skipped: cache primary is in us-west-2' }),
      ],
      results: [],
    });
    expect(backup.calls()).toHaveLength(0);
    expect(JSON.parse(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!)).toMatchObject({
      outcome: 'skipped: writer is in us-west-2',
    });
    expect(added.mock.calls.map(([name, , value]) => [name, value])).toEqual([['backup_job_skipped', 1]]);
    added.mockRestore();
  });
});
