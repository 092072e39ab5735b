// The six failure paths of the degraded-mode switch, through its handler: the error, SwitchFailures 1 with no ModeSwitches, and no write or alert after the failure.
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import { snsEvent } from './fixtures';
import type * as HandlerModule from './handler';

const GROUP = 'async-toolformer-prod-use1';
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const failure = snsEvent({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001` });

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(process.env, environment(FUNCTIONS.degradedModeSwitch.environment, { REPLICATION_GROUP_ID: GROUP }));
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  ssm.reset();
  sns.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'redis', Version: 1 } });
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
  sns.on(PublishCommand).resolves({ MessageId: 'alert-1' });
});
afterAll(() => [ssm, sns].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when SSM throttles the read: ThrottlingException, SwitchFailures 1, no write and no alert', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(failure));
    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics).toEqual({ [METRIC.switchFailures]: [1] });
    expect(mutatingCalls(ssm, sns)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when the write is denied: AccessDeniedException, SwitchFailures 1, no alert of a switch that did not happen', async () => {
    ssm
      .on(PutParameterCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:PutParameter'));
    const { error, metrics } = await capture(() => handler(failure));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics).toEqual({ [METRIC.switchFailures]: [1] });
    expect(sns.calls()).toHaveLength(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the mode parameter does not exist: ParameterNotFound, SwitchFailures 1, none created', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const { error, metrics } = await capture(() => handler(failure));
    expect(error).toMatchObject({ name: 'ParameterNotFound' });
    expect(metrics).toEqual({ [METRIC.switchFailures]: [1] });
    expect(mutatingCalls(ssm, sns)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('a parameter read that returns no value is repaired to the target and alerted, from null', async () => {
    ssm.on(GetParameterCommand).resolves({});
    const { result, metrics } = await capture(() => handler(failure));
    expect(result).toMatchObject({ switched: true, target: 'in-memory', previous: undefined });
    expect(metrics[METRIC.modeSwitches]).toEqual([1]);
    expect(metrics[METRIC.switchFailures]).toBeUndefined();
    const alert = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<string, unknown>;
    expect(alert).toMatchObject({ from: null, to: 'in-memory' });
  });

  test('a message with no event for this group changes nothing and reads nothing', async () => {
    const { result, metrics } = await capture(() =>
      handler(snsEvent({ 'ElastiCache:CacheNodeReplaceStarted': 'another-group-001' })),
    );
    expect(result).toMatchObject({ switched: false });
    expect(metrics).toMatchObject({ [METRIC.modeSwitches]: [0], [METRIC.unknownEvents]: [0] });
    expect([...ssm.calls(), ...sns.calls()]).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each<[string, unknown]>([
    ['no records', { Records: [] }],
    ['a message that is not JSON', snsEvent('not json')],
    ['an event that is not ElastiCache', snsEvent({ 'RDS:Failover': GROUP })],
  ])('fails when the event has %s: MalformedMessageError before any AWS call', async (_name, event) => {
    const { error, metrics } = await capture(() => handler(event as SNSEvent));
    expect(error).toMatchObject({ name: 'MalformedMessageError' });
    expect(metrics).toEqual({ [METRIC.switchFailures]: [1] });
    expect([...ssm.calls(), ...sns.calls()]).toHaveLength(0);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the switch is written but its alert is not: SwitchFailures 1, and no ModeSwitches claimed', async () => {
    sns.on(PublishCommand).rejects(awsError('AuthorizationErrorException', 'not authorized to publish'));
    const { error, metrics } = await capture(() => handler(failure));
    expect(error).toMatchObject({ name: 'AuthorizationErrorException' });
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1);
    expect(metrics).toEqual({ [METRIC.switchFailures]: [1] });
  });
});
