// Unit tests of the degraded-mode decisions against mocked SSM and SNS clients.
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { EVENT_RULES, MalformedMessageError, belongsToGroup, parseNotifications } from './events';
import { snsEvent } from './fixtures';
import { run, type SwitchDeps } from './switch-mode';

const ssmMock = mockClient(SSMClient);
const snsMock = mockClient(SNSClient);

const GROUP = 'async-toolformer-prod-use1';
const deps: SwitchDeps = {
  ssm: new SSMClient({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  parameterName: '/async-toolformer/prod/rate-limiter/mode',
  replicationGroupId: GROUP,
  alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:async-toolformer-prod-alerts-high',
  stage: 'prod',
  region: 'us-east-1',
};

/** Inputs of every PutParameter call, in order. */
function puts() {
  return ssmMock.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
}

function givenMode(value: string): void {
  ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: deps.parameterName, Value: value, Version: 1 } });
  ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
  snsMock.on(PublishCommand).resolves({ MessageId: 'alert-1' });
}

async function runOn(message: Record<string, string> | string) {
  return run(deps, { notifications: parseNotifications(snsEvent(message)) });
}

beforeEach(() => {
  ssmMock.reset();
  snsMock.reset();
});

describe('failure events switch to in-memory and alert', () => {
  test.each(Object.entries(EVENT_RULES).filter(([, rule]) => rule.action === 'degrade'))(
    '%s on a node of the group',
    async (event) => {
      // Prepare
      givenMode('redis');
      // Act
      const result = await runOn({ [event]: `${GROUP}-001` });
      // Assess
      expect(result).toMatchObject({ switched: true, previous: 'redis', target: 'in-memory', version: 2 });
      expect(result.decisions).toEqual([
        expect.objectContaining({ event, action: 'degrade', reason: 'failure-event' }),
      ]);
      expect(puts()).toEqual([
        expect.objectContaining({
          Name: deps.parameterName,
          Value: 'in-memory',
          Overwrite: true,
        }),
      ]);
      expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
      const alert = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
      expect(alert.TopicArn).toBe(deps.alertTopicArn);
      expect(alert.Subject).toMatch(/DEGRADED to in-memory in us-east-1/);
      expect(JSON.parse(alert.Message!)).toMatchObject({ from: 'redis', to: 'in-memory', event, version: 2 });
    },
  );
});

describe('recovery events switch back to redis and alert', () => {
  test.each(Object.entries(EVENT_RULES).filter(([, rule]) => rule.action === 'recover'))('%s', async (event) => {
    givenMode('in-memory');
    const result = await runOn({ [event]: GROUP });
    expect(result).toMatchObject({ switched: true, previous: 'in-memory', target: 'redis' });
    expect(puts()).toEqual([expect.objectContaining({ Value: 'redis', Overwrite: true })]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('events that change nothing', () => {
  test('a failure event while already in-memory writes nothing and raises no alert', async () => {
    givenMode('in-memory');
    const result = await runOn({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-002` });
    expect(result).toMatchObject({ switched: false, previous: 'in-memory', target: 'in-memory' });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test.each(Object.entries(EVENT_RULES).filter(([, rule]) => rule.action === 'none'))(
    'informational %s touches no AWS API',
    async (event) => {
      const result = await runOn({ [event]: `${GROUP}-001` });
      expect(result.switched).toBe(false);
      expect(result.decisions[0]).toMatchObject({ action: 'none', reason: 'informational-event' });
      expect(ssmMock.calls()).toHaveLength(0);
      expect(snsMock.calls()).toHaveLength(0);
    },
  );

  test.each(['async-toolformer-staging-use1-001', `${GROUP}-other-001`, `${GROUP}x-001`, 'async-toolformer-prod'])(
    'an event for another group (%s) is ignored',
    async (source) => {
      const result = await runOn({ 'ElastiCache:CacheNodeReplaceStarted': source });
      expect(result).toEqual({ switched: false, decisions: [expect.objectContaining({ reason: 'other-group' })] });
      expect(ssmMock.calls()).toHaveLength(0);
      expect(snsMock.calls()).toHaveLength(0);
    },
  );

  test('an unknown event never flips the mode', async () => {
    const result = await runOn({ 'ElastiCache:SomethingNew': `${GROUP}-001` });
    expect(result).toEqual({
      switched: false,
      decisions: [expect.objectContaining({ action: 'none', reason: 'unknown-event' })],
    });
    expect(ssmMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('of several events in one message the newest actionable one wins', async () => {
    givenMode('in-memory');
    const result = await runOn({
      'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001`,
      'ElastiCache:FailoverComplete': `${GROUP}-002`,
      'ElastiCache:SnapshotComplete': `${GROUP}-002`,
    });
    expect(result).toMatchObject({ target: 'redis', switched: true });
  });

  test('a parameter holding garbage is repaired and the switch alerted', async () => {
    givenMode('mystery');
    const result = await runOn({ 'ElastiCache:FailoverComplete': `${GROUP}-001` });
    expect(result).toMatchObject({ switched: true, previous: 'mystery', target: 'redis' });
  });
});

describe('malformed SNS messages fail the invocation', () => {
  test.each([
    ['not JSON', 'ElastiCache:FailoverComplete : my-group'],
    ['a JSON array', '["ElastiCache:FailoverComplete"]'],
    ['an empty object', '{}'],
    ['a non-ElastiCache key', '{"Event":"x"}'],
    ['an empty source', '{"ElastiCache:FailoverComplete":""}'],
  ])('%s', (_label, message) => {
    expect(() => parseNotifications(snsEvent(message))).toThrow(MalformedMessageError);
  });

  test('an event with no records', () => {
    expect(() => parseNotifications({ Records: [] })).toThrow(MalformedMessageError);
    expect(() => parseNotifications({} as never)).toThrow(MalformedMessageError);
  });
});

describe('AWS failures surface as failures, never as a pass', () => {
  test('SSM throttling on read rejects and nothing is published', async () => {
    ssmMock.on(GetParameterCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(runOn({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001` })).rejects.toThrow('Rate exceeded');
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('SSM access denied on write rejects and nothing is published', async () => {
    givenMode('redis');
    ssmMock
      .on(PutParameterCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: ssm:PutParameter'), { name: 'AccessDeniedException' }),
      );
    await expect(runOn({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001` })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('a missing parameter rejects instead of creating one', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' }));
    await expect(runOn({ 'ElastiCache:FailoverComplete': `${GROUP}-001` })).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  test('an alert that cannot be published fails the invocation after the switch', async () => {
    givenMode('redis');
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' }));
    await expect(runOn({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001` })).rejects.toThrow('KMS key disabled');
  });
});

test.each([
  [GROUP, true],
  [`${GROUP}-001`, true],
  [`${GROUP}-0001-002`, true],
  [`${GROUP}-01`, false],
  [`${GROUP}-abc`, false],
  [`${GROUP}-2-001`, false],
])('belongsToGroup(%s) is %p', (source, expected) => {
  expect(belongsToGroup(source, GROUP)).toBe(expected);
});
