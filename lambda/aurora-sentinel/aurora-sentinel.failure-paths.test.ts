// The six failure paths of the Aurora sentinel job, through its handler: the error, backup_success_rate 0, and no row written on a guess.
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { AURORA_SENTINEL, FUNCTIONS, METRIC } from '../../lib/contract';
import { awsError, capture, environment } from '../../test/helpers/failure-paths';
import { COUNT_ROWS_SQL, UPSERT_SQL } from './sentinel-row';
import type * as HandlerModule from './handler';

const rds = mockClient(RDSClient);
const data = mockClient(RDSDataClient);
const secrets = mockClient(SecretsManagerClient);
const GLOBAL = 'async-toolformer-prod';
const invocation = { schedule: AURORA_SENTINEL.schedule };

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.auroraSentinel.environment, {
      GLOBAL_CLUSTER_IDENTIFIER: GLOBAL,
      CLUSTER_IDENTIFIER: 'async-toolformer-prod-use1',
      DATABASE_NAME: 'orchestrator',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  for (const stub of [rds, data, secrets]) stub.reset();
  // Detached from the global cluster, this region's cluster is its own writer.
  rds
    .on(DescribeGlobalClustersCommand)
    .resolves({ GlobalClusters: [{ GlobalClusterIdentifier: GLOBAL, GlobalClusterMembers: [] }] });
  secrets.on(DescribeSecretCommand).resolves({ ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:master-AbCdEf' });
  data.on(ExecuteStatementCommand).resolves({ records: [] });
  data.on(ExecuteStatementCommand, { sql: COUNT_ROWS_SQL } as never).resolves({
    records: [[{ stringValue: 'public.jobs' }, { longValue: 42 }]],
  });
});
afterAll(() => [rds, data, secrets].forEach((stub) => stub.restore()));

const upserts = () =>
  data.commandCalls(ExecuteStatementCommand).filter((call) => call.args[0].input.sql === UPSERT_SQL);

test('writes the row with the counts where the writer is: rate 100', async () => {
  const { result, metrics } = await capture(() => handler(invocation));
  expect(result).toMatchObject({ outcome: 'acted', written: { rowCounts: { 'public.jobs': 42 } } });
  expect(metrics[METRIC.backupSuccessRate]).toEqual([100]);
  expect(upserts()).toHaveLength(1);
  // Every statement runs in the application's database (DATABASE_NAME), not the Data API's default.
  expect(new Set(data.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input.database))).toEqual(
    new Set(['orchestrator']),
  );
});

describe('failure path: throttling', () => {
  test('fails when the writer lookup is throttled: ThrottlingException, rate 0, no row written', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'Throttling' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(upserts()).toHaveLength(0);
  });
});

describe('failure path: access denied', () => {
  test('fails when the Data API is denied: rate 0, no row written', async () => {
    data.on(ExecuteStatementCommand).rejects(awsError('AccessDeniedException', 'rds-data denied'));
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the master secret is missing in this region: ResourceNotFoundException, rate 0, no statement run', async () => {
    secrets.on(DescribeSecretCommand).rejects(awsError('ResourceNotFoundException'));
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(data.calls()).toHaveLength(0);
  });
});

describe('failure path: empty result', () => {
  test('fails when no global cluster answers: PlacementUnknownError, rate 0, no row written', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'PlacementUnknownError' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(data.calls()).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['no event', undefined],
    ['another schedule', { schedule: 'daily-backup' }],
    ['an array', []],
  ])(
    'fails when the event is malformed (%s): MalformedEventError before any AWS call, no rate',
    async (_name, event) => {
      const { error, metrics } = await capture(() => handler(event));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...rds.calls(), ...data.calls(), ...secrets.calls()]).toHaveLength(0);
    },
  );

  test('fails when the count answer is not {table, count}: UnexpectedAnswerError, rate 0, no row written', async () => {
    data
      .on(ExecuteStatementCommand, { sql: COUNT_ROWS_SQL } as never)
      .resolves({ records: [[{ stringValue: 'public.jobs' }]] });
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'UnexpectedAnswerError' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
    expect(upserts()).toHaveLength(0);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the counts are read but the row cannot be written: rate 0, the run fails', async () => {
    data.on(ExecuteStatementCommand, { sql: UPSERT_SQL } as never).rejects(awsError('StatementTimeoutException'));
    const { error, metrics } = await capture(() => handler(invocation));
    expect(error).toMatchObject({ name: 'StatementTimeoutException' });
    expect(metrics[METRIC.backupSuccessRate]).toEqual([0]);
  });
});
