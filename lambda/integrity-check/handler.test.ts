// The handler: cold-start settings, malformed events, and a run whose checks cannot reach AWS.
import { BackupClient, BackupServiceException } from '@aws-sdk/client-backup';
import { RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type * as HandlerModule from './handler';

const COMPLETE = {
  AWS_REGION: 'us-east-1',
  PEER_REGION: 'us-west-2',
  STAGE: 'prod',
  CLUSTER_IDENTIFIER: 'async-toolformer-prod-use1',
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

  test('publishes a report in which every check failed, at 0%', async () => {
    const report = await handler({ schedule: 'daily-integrity-check' });
    expect(report.passed).toBe(false);
    expect(report.successRate).toBe(0);
    expect(report.results).toHaveLength(7);
    for (const result of report.results) {
      expect(result.detail).toMatch(/^could not run: AccessDeniedException: denied|no export to look for/);
    }
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: COMPLETE.REPORT_PARAMETER_NAME, Overwrite: true, Type: 'String' });
    expect(JSON.parse(put.Value!)).toMatchObject({ successRate: 0, passed: false });
  });
});
