// The six failure paths of the game-day recorder, through its handler: a result that could not be written pages (game_day_checks_failed 1), an audit that could not look reports nothing (its alarm breaches on the missing datapoint).
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, GAME_DAY_ENV, METRIC } from '../../lib/contract';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const stubs = [s3, sfn];
const MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:async-toolformer-staging-usw2-game-day-database';
const at = Date.now() - 60_000;
const record = {
  action: 'record',
  gameDay: 'database',
  execution: 'run-1',
  startedAt: new Date(at).toISOString(),
  steps: [
    { name: 'switchover-to-secondary', startedAt: at, endedAt: at + 90_000, succeeded: true, detail: 'moved' },
    { name: 'switchback-to-primary', startedAt: at + 90_000, endedAt: at + 150_000, succeeded: true, detail: 'moved' },
  ],
  facts: { writerRegionAfter: 'us-east-1', primaryRegion: 'us-east-1', alarmsWithoutData: [] },
};
const keysWritten = () => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key!.split('/').pop());

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.gameDayRecorder.environment, {
      STAGE: 'staging',
      AWS_REGION: 'us-west-2',
      [GAME_DAY_ENV.stateMachines]: JSON.stringify({ database: MACHINE }),
      [GAME_DAY_ENV.schedule]: JSON.stringify({ database: { week: 1, hour: 15, minute: 0 } }),
      [GAME_DAY_ENV.resultGraceHours]: '12',
      [GAME_DAY_ENV.objectiveSeconds]: '1800',
      [GAME_DAY_ENV.components]: JSON.stringify([{ id: 'core-api', name: 'Core API Service' }]),
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  s3.on(PutObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  sfn.on(DescribeStateMachineCommand).resolves({ creationDate: new Date('2020-01-01T00:00:00Z') });
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails the recording when S3 throttles the result past the retries: game_day_checks_failed 1, no report', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(awsError('SlowDown', 'Please reduce your request rate'));
    // Act
    const { error, metrics } = await capture(() => handler(record));
    // Assess
    expect(error?.name).toBe('SlowDown');
    expect(metrics[METRIC.gameDayChecksFailed]).toEqual([1]);
    expect(metrics[METRIC.gameDayStepSeconds]).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });
});

describe('failure path: access denied', () => {
  test('fails the audit when the results cannot be listed: no game_day_result_overdue datapoint, so the alarm breaches', async () => {
    s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied'));
    const { error, metrics } = await capture(() => handler({ action: 'audit' }));
    expect(error?.name).toBe('AccessDenied');
    expect(metrics[METRIC.gameDayResultOverdue]).toBeUndefined();
    expect(mutatingCalls(...stubs)).toEqual([]);
  });
});

describe('failure path: missing resource', () => {
  test('fails the recording when the results bucket is gone: game_day_checks_failed 1', async () => {
    s3.on(PutObjectCommand).rejects(awsError('NoSuchBucket'));
    const { error, metrics } = await capture(() => handler(record));
    expect(error?.name).toBe('NoSuchBucket');
    expect(metrics[METRIC.gameDayChecksFailed]).toEqual([1]);
  });

  test('fails the audit when a game day state machine does not exist: no datapoint', async () => {
    sfn.on(DescribeStateMachineCommand).rejects(awsError('StateMachineDoesNotExist'));
    const { error, metrics } = await capture(() => handler({ action: 'audit' }));
    expect(error?.name).toBe('StateMachineDoesNotExist');
    expect(metrics[METRIC.gameDayResultOverdue]).toBeUndefined();
  });
});

describe('failure path: empty result', () => {
  test('an audit that finds no result of a due game day reports it overdue (1)', async () => {
    const { result, metrics } = await capture(() => handler({ action: 'audit' }));
    expect(result).toEqual([expect.objectContaining({ gameDay: 'database', overdue: true })]);
    expect(metrics[METRIC.gameDayResultOverdue]).toEqual([1]);
  });

  test('a run with no step fails its checklist: recovery time not documented, game_day_checks_failed above 0', async () => {
    const { result, metrics } = await capture(() => handler({ ...record, steps: [] }));
    expect(result).toMatchObject({ result: { passed: false } });
    expect(metrics[METRIC.gameDayChecksFailed]![0]).toBeGreaterThan(0);
  });
});

describe('failure path: malformed input', () => {
  test.each([[null], [{ action: 'record', gameDay: 'database' }], [{ action: 'purge' }]])(
    'fails on %j with MalformedEventError, no call and no metric',
    async (event) => {
      const { error, metrics } = await capture(() => handler(event));
      expect(error?.name).toBe('MalformedEventError');
      expect(s3.calls()).toHaveLength(0);
      expect(metrics).toEqual({});
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails when the JSON was written but the report was not: the JSON stays, game_day_checks_failed 1', async () => {
    s3.on(PutObjectCommand, { ContentType: 'text/markdown' }).rejects(awsError('InternalError'));
    const { error, metrics } = await capture(() => handler(record));
    expect(error?.name).toBe('InternalError');
    expect(keysWritten()).toEqual(['result.json', 'report.md']);
    expect(metrics[METRIC.gameDayChecksFailed]).toEqual([1]);
  });
});

test('a recorded passing run reports 0 failed items and every step in seconds', async () => {
  const { result, metrics } = await capture(() => handler(record));
  expect(result).toMatchObject({ result: { passed: true } });
  expect(keysWritten()).toEqual(['result.json', 'report.md']);
  expect(metrics[METRIC.gameDayChecksFailed]).toEqual([0]);
  expect(metrics[METRIC.gameDayStepSeconds]).toEqual([90, 60]);
});
