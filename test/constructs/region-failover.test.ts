// RegionFailover: the state machine's promotions, metric and failure path, its policy, its trigger, and its JSONata run on sample answers.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import jsonata from 'jsonata';
import { FAILOVER_TIME_METRIC, RegionFailover, type RegionFailoverProps } from '../../lib/constructs/region-failover';
import { newApp } from '../helpers/synth';

const REGION = 'us-west-2';
const ACCOUNT = '123456789012';
const CLUSTER_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:atf-usw2`;
const PEER_CLUSTER_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:atf-use1`;
const GLOBAL_CLUSTER_ARN = `arn:aws:rds::${ACCOUNT}:global-cluster:atf-global`;
const GROUP_ARN = `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:atf-usw2`;
const DATASTORE_ARN = `arn:aws:elasticache::${ACCOUNT}:globalreplicationgroup:*-atf`;

type State = Record<string, unknown> & { Type: string; Next?: string };
type Definition = { StartAt: string; States: Record<string, State>; TimeoutSeconds?: number; QueryLanguage?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

interface Built {
  readonly construct: RegionFailover;
  readonly template: Template;
  /** The definition with the partition filled in, as Step Functions would run it. */
  readonly definition: Definition;
  /** Every state of every branch, by name. */
  readonly states: Record<string, State>;
  /** Statements of the state machine role's managed policy. */
  readonly statements: Statement[];
}

/** A small stack with just the construct: each variant synthesizes in well under a second. */
function build(overrides: Partial<RegionFailoverProps> & { withTrigger?: boolean } = {}): Built {
  const { withTrigger, ...props } = overrides;
  const stack = new Stack(newApp(), 'Failover', { env: { account: ACCOUNT, region: REGION } });
  const key = new kms.Key(stack, 'Key');
  const topicKey = new kms.Key(stack, 'TopicKey');
  const topic = new sns.Topic(stack, 'Critical', { masterKey: topicKey });
  const alarm = new cloudwatch.Alarm(stack, 'Canary', {
    metric: new cloudwatch.Metric({ namespace: 'CloudWatchSynthetics', metricName: 'SuccessPercent' }),
    threshold: 100,
    evaluationPeriods: 2,
  });
  const construct = new RegionFailover(stack, 'RegionFailover', {
    stateMachineName: 'atf-usw2-region-failover',
    parameterName: '/async-toolformer/prod/failover/state-machine-arn',
    globalClusterIdentifier: 'atf-global',
    clusterIdentifier: 'atf-usw2',
    peerClusterIdentifier: 'atf-use1',
    peerRegion: 'us-east-1',
    cache: { replicationGroupId: 'atf-usw2', globalDatastoreIdSuffix: 'atf' },
    stage: 'prod',
    stageLabel: 'async-toolformer prod',
    metricNamespace: 'AsyncToolformer/DR',
    alertTopic: topic,
    alertTopicKey: topicKey,
    encryptionKey: key,
    ...(withTrigger ? { trigger: { alarm, retryAttempts: 3, maxEventAge: Duration.hours(1) } } : {}),
    ...props,
  });
  const template = Template.fromStack(stack);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
    Properties: { DefinitionString: unknown };
  };
  const definitionString = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof definitionString === 'string'
      ? definitionString
      : definitionString['Fn::Join'][1]
          .map((part) =>
            typeof part === 'string' ? part : (part as { Ref?: string }).Ref === 'AWS::Partition' ? 'aws' : 'TOKEN',
          )
          .join('');
  const definition = JSON.parse(text) as Definition;
  const states: Record<string, State> = {};
  const collect = (from: Record<string, State>) => {
    for (const [name, state] of Object.entries(from)) {
      states[name] = state;
      for (const branch of (state.Branches as Definition[] | undefined) ?? []) collect(branch.States);
    }
  };
  collect(definition.States);
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as {
    Properties: { Description: string; PolicyDocument: { Statement: Statement[] } };
  }[];
  const statements = policies
    .filter((policy) => policy.Properties.Description.startsWith('What the region failover'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  return { construct, template, definition, states, statements };
}

const withCache = build();
const withoutCache = build({ cache: undefined });
const withTrigger = build({ withTrigger: true });

const actions = (statement: Statement) => [statement.Action].flat();
const grantsOf = (built: Built, action: string) => built.statements.filter((s) => actions(s).includes(action));
/** Names of the states `name` can go to next: Next, Default, Choices and Catch. */
function successors(state: State): string[] {
  const choices = (state.Choices as { Next: string }[] | undefined) ?? [];
  const catches = (state.Catch as { Next: string }[] | undefined) ?? [];
  return [
    state.Next,
    state.Default as string | undefined,
    ...choices.map((c) => c.Next),
    ...catches.map((c) => c.Next),
  ].filter((next): next is string => typeof next === 'string');
}

describe('state machine', () => {
  test('Aurora: an unplanned failover to this region, with data loss allowed, unless it already holds the writer', () => {
    const { states } = withCache;
    expect(states.FailoverGlobalCluster).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:rds:failoverGlobalCluster',
      Arguments: { GlobalClusterIdentifier: 'atf-global', TargetDbClusterIdentifier: CLUSTER_ARN, AllowDataLoss: true },
    });
    expect(states['AuroraAlreadyWriter?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Condition: '{% $auroraWriter %}', Next: 'AuroraWriterAlready' }],
      Default: 'FailoverGlobalCluster',
    });
    expect(states.DescribeGlobalCluster).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:rds:describeGlobalClusters',
      Arguments: { GlobalClusterIdentifier: 'atf-global' },
    });
  });

  test.each([
    ['Aurora', 'WaitForAurora', 'AuroraPromoted?', 'AuroraPromotionTimedOut', 'AuroraWriterNow'],
    ['cache', 'WaitForCache', 'CachePromoted?', 'CachePromotionTimedOut', 'CachePrimaryNow'],
  ])('%s: polls every 15 s until promoted, and fails after 15 minutes', (_label, wait, choice, timedOut, done) => {
    const { states, definition } = withCache;
    expect(states[wait]).toMatchObject({ Type: 'Wait', Seconds: 15 });
    const poll = states[states[wait]!.Next!]!;
    expect(poll.Next).toBe(choice);
    expect(states[choice]).toMatchObject({ Default: wait });
    expect(successors(states[choice]!)).toEqual(expect.arrayContaining([done, timedOut, wait]));
    expect(states[timedOut]).toMatchObject({ Type: 'Fail', Error: timedOut });
    expect(JSON.stringify(states)).toContain('$millis() + 900000');
    // The run as a whole cannot outlive a stuck promotion either.
    expect(definition.TimeoutSeconds).toBe(25 * 60);
  });

  test('cache: the Global Datastore fails over to this region only when the stage has one', () => {
    expect(withCache.states.FailoverGlobalReplicationGroup).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:elasticache:failoverGlobalReplicationGroup',
      Arguments: {
        GlobalReplicationGroupId: '{% $states.input.GlobalReplicationGroupInfo.GlobalReplicationGroupId %}',
        PrimaryRegion: REGION,
        PrimaryReplicationGroupId: 'atf-usw2',
      },
    });
    expect(withCache.states.DescribeGlobalDatastore).toMatchObject({
      Arguments: { GlobalReplicationGroupId: '{% $cacheGlobalId %}', ShowMemberInfo: true },
    });
    expect(withCache.definition.States.Promote!.Branches).toHaveLength(2);

    expect(withoutCache.definition.States.Promote!.Branches).toHaveLength(1);
    expect(Object.keys(withoutCache.states).filter((name) => /Cache|ReplicationGroup|Datastore/.test(name))).toEqual(
      [],
    );
    expect(withoutCache.statements.flatMap(actions).filter((action) => action.startsWith('elasticache:'))).toEqual([]);
  });

  test(`after both promotions: ${FAILOVER_TIME_METRIC} from the run's start, then the region is announced active`, () => {
    const { states, definition } = withCache;
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.States.Promote).toMatchObject({
      Next: 'AnythingPromoted?',
      Assign: { failoverSeconds: expect.stringContaining('$toMillis($states.context.Execution.StartTime)') },
    });
    // A run that found both members already leading is no failover: it records no time.
    expect(states['AnythingPromoted?']).toMatchObject({
      Choices: [{ Condition: '{% $promoted %}', Next: 'RecordFailoverTime' }],
      Default: 'NotifyActive',
    });
    expect(states.RecordFailoverTime).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
      Next: 'NotifyActive',
      Arguments: {
        Namespace: 'AsyncToolformer/DR',
        MetricData: [
          {
            MetricName: FAILOVER_TIME_METRIC,
            Unit: 'Seconds',
            Value: '{% $failoverSeconds %}',
            Dimensions: [
              { Name: 'stage', Value: 'prod' },
              { Name: 'region', Value: REGION },
            ],
          },
        ],
      },
    });
    expect(states.NotifyActive).toMatchObject({
      Resource: 'arn:aws:states:::sns:publish',
      Arguments: {
        Message: expect.stringContaining('is active'),
        Subject: 'async-toolformer prod: us-west-2 is active',
      },
      Next: 'Active',
    });
  });

  test('any failure is published to the critical topic and fails the run', () => {
    const { definition } = withCache;
    for (const name of ['Promote', 'RecordFailoverTime', 'NotifyActive']) {
      expect(definition.States[name]!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' }]);
    }
    expect(definition.States.NotifyFailure).toMatchObject({
      Resource: 'arn:aws:states:::sns:publish',
      Arguments: {
        Message: expect.stringContaining('$states.input.Error'),
        Subject: expect.stringContaining('FAILED'),
      },
      Next: 'Failed',
    });
    expect(definition.States.Failed).toMatchObject({ Type: 'Fail', Error: 'RegionActivationFailed' });
  });

  test('runs are traced and logged in full to a retained, encrypted log group', () => {
    const { template } = withCache;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'atf-usw2-region-failover',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ KmsKeyId: Match.anyValue() }),
      DeletionPolicy: 'Retain',
    });
  });

  test('the CLI finds the state machine through a fixed-name parameter', () => {
    withCache.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/async-toolformer/prod/failover/state-machine-arn',
      Value: { Ref: Match.stringLikeRegexp('^RegionFailover') },
    });
  });

  test('fails when the poll interval is not shorter than the promotion timeout', () => {
    expect(() => build({ pollInterval: Duration.minutes(20) })).toThrow(
      /pollInterval must be at least 1 second and shorter than promotionTimeout \(15 minutes\), got: 20 minutes/,
    );
  });
});

describe('IAM', () => {
  test('the role has one managed policy and nothing inline', () => {
    const { template } = withCache;
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^RegionFailoverPolicy') }],
    });
  });

  test('every SDK call of the definition is granted, and nothing else of RDS or ElastiCache', () => {
    for (const built of [withCache, withoutCache]) {
      const called = Object.values(built.states)
        .map((state) => /^arn:aws:states:::aws-sdk:([a-z]+):(\w+)$/.exec(String(state.Resource)))
        .filter((match): match is RegExpExecArray => match !== null)
        .map(([, service, action]) => `${service}:${action!.charAt(0).toUpperCase()}${action!.slice(1)}`);
      const granted = built.statements.flatMap(actions);
      expect(granted).toEqual(expect.arrayContaining([...new Set(called)]));
      expect(granted.filter((action) => /^(rds|elasticache):/.test(action)).sort()).toEqual(
        [...new Set(called)].filter((action) => /^(rds|elasticache):/.test(action)).sort(),
      );
    }
  });

  test('Aurora and cache actions name their resources; no action is a wildcard', () => {
    expect(grantsOf(withCache, 'rds:DescribeGlobalClusters').map((s) => s.Resource)).toEqual([GLOBAL_CLUSTER_ARN]);
    expect(grantsOf(withCache, 'rds:FailoverGlobalCluster').map((s) => s.Resource)).toEqual([
      [GLOBAL_CLUSTER_ARN, PEER_CLUSTER_ARN, CLUSTER_ARN].sort(),
    ]);
    expect(grantsOf(withCache, 'elasticache:DescribeReplicationGroups').map((s) => s.Resource)).toEqual([GROUP_ARN]);
    expect(grantsOf(withCache, 'elasticache:FailoverGlobalReplicationGroup').map((s) => s.Resource)).toEqual([
      [DATASTORE_ARN, GROUP_ARN],
    ]);
    for (const action of withCache.statements.flatMap(actions)) expect(action).not.toMatch(/\*/);
  });

  test('wildcard resources only where AWS offers no resource-level form, and metrics only in the DR namespace', () => {
    const wildcard = withCache.statements.filter((s) => [s.Resource].flat().includes('*'));
    expect(wildcard.flatMap(actions).filter((action) => !/^(logs|xray):/.test(action))).toEqual([
      'cloudwatch:PutMetricData',
    ]);
    expect(grantsOf(withCache, 'cloudwatch:PutMetricData')).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'cloudwatch:namespace': 'AsyncToolformer/DR' } } }),
    ]);
  });

  test('publishing reaches only the alert topic, with a data key of its key only', () => {
    expect(grantsOf(withCache, 'sns:Publish')).toEqual([
      expect.objectContaining({ Resource: { Ref: expect.stringMatching(/^Critical/) } }),
    ]);
    expect(grantsOf(withCache, 'kms:GenerateDataKey').map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] },
    ]);
  });
});

describe('trigger', () => {
  test('none unless asked for', () => {
    withCache.template.resourceCountIs('AWS::Events::Rule', 0);
    expect(withCache.construct.trigger).toBeUndefined();
    expect(withCache.construct.triggerAlarm).toBeUndefined();
  });

  test('the alarm entering ALARM starts the state machine, with retries and a dead-letter queue', () => {
    const { template, construct } = withTrigger;
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'atf-usw2-region-failover-trigger',
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Canary'), 'Arn'] }],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^RegionFailover') },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionFailoverTriggerDeadLetters'), 'Arn'] },
          },
        }),
      ],
    });
    expect(construct.trigger).toBeDefined();
    expect(construct.triggerAlarm?.alarmArn).toBeDefined();
  });

  test('the trigger may start this state machine and nothing else; the key admits EventBridge for this rule only', () => {
    const { template } = withTrigger;
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'states:StartExecution',
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('^RegionFailover') },
          },
        ],
        Version: '2012-10-17',
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              ArnEquals: {
                'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/atf-usw2-region-failover-trigger`,
              },
            },
          }),
        ]),
      },
    });
  });

  test.each([-1, 186, 1.5])('fails when the trigger retries %p times', (retryAttempts) => {
    const stack = new Stack(newApp(), 'Bad', { env: { account: ACCOUNT, region: REGION } });
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'A', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:x`);
    const key = new kms.Key(stack, 'Key');
    expect(
      () =>
        new RegionFailover(stack, 'F', {
          stateMachineName: 'x',
          parameterName: '/x',
          globalClusterIdentifier: 'g',
          clusterIdentifier: 'c',
          peerClusterIdentifier: 'p',
          peerRegion: 'us-east-1',
          stage: 'prod',
          stageLabel: 'async-toolformer prod',
          metricNamespace: 'AsyncToolformer/DR',
          alertTopic: new sns.Topic(stack, 'T'),
          alertTopicKey: key,
          encryptionKey: key,
          trigger: { alarm, retryAttempts, maxEventAge: Duration.hours(1) },
        }),
    ).toThrow(/trigger.retryAttempts must be an integer from 0 to 185/);
  });
});

/**
 * The expressions as Step Functions would evaluate them, run by the JSONata library on answers
 * shaped like the SDK's. Step Functions binds `$states` and the run's variables the same way.
 */
describe('JSONata on sample answers', () => {
  const expression = (value: unknown) => {
    const match = /^\{% (.*) %\}$/s.exec(String(value));
    if (!match) throw new Error(`not a JSONata expression: ${String(value)}`);
    return jsonata(match[1]!);
  };
  const evaluate = (value: unknown, bindings: Record<string, unknown>) => expression(value).evaluate({}, bindings);
  const members = (writer: string) => ({
    GlobalClusters: [
      {
        GlobalClusterMembers: [
          { DbClusterArn: PEER_CLUSTER_ARN, IsWriter: writer === 'peer' },
          { DbClusterArn: CLUSTER_ARN, IsWriter: writer === 'us' },
        ],
      },
    ],
  });
  const auroraWriter = () => (withCache.states.DescribeGlobalCluster!.Assign as Record<string, string>).auroraWriter;

  test.each([
    ['this region holds the writer', members('us'), true],
    ['the other region holds the writer', members('peer'), false],
    ['this region is not a member', { GlobalClusters: [{ GlobalClusterMembers: [] }] }, false],
    [
      'the answer spells DBClusterArn',
      { GlobalClusters: [{ GlobalClusterMembers: [{ DBClusterArn: CLUSTER_ARN, IsWriter: true }] }] },
      true,
    ],
  ])('auroraWriter when %s', async (_label, result, expected) => {
    await expect(evaluate(auroraWriter(), { states: { result } })).resolves.toBe(expected);
  });

  const group = (role?: string) => ({
    ReplicationGroupId: 'atf-usw2',
    ...(role
      ? {
          GlobalReplicationGroupInfo: { GlobalReplicationGroupId: 'ldgnf-atf', GlobalReplicationGroupMemberRole: role },
        }
      : {}),
  });
  test.each([
    ['not in a Global Datastore', group(), 'CacheNotInGlobalDatastore'],
    ['already primary', group('PRIMARY'), 'CachePrimaryAlready'],
    ['a secondary', group('secondary'), undefined],
  ])('the cache branch goes on when the group is %s', async (_label, input, expected) => {
    const choice = withCache.states['CacheAlreadyPrimary?'] as unknown as {
      Choices: { Condition: string; Next: string }[];
    };
    let taken: string | undefined;
    for (const { Condition, Next } of choice.Choices) {
      if ((await evaluate(Condition, { states: { input } })) === true) {
        taken = Next;
        break;
      }
    }
    expect(taken).toBe(expected);
  });

  test.each([
    ['primary', true],
    ['secondary', false],
  ])('cachePrimary when this region is %s', async (role, expected) => {
    const result = {
      GlobalReplicationGroups: [
        {
          Members: [
            {
              ReplicationGroupId: 'atf-use1',
              ReplicationGroupRegion: 'us-east-1',
              Role: role === 'primary' ? 'SECONDARY' : 'PRIMARY',
            },
            { ReplicationGroupId: 'atf-usw2', ReplicationGroupRegion: REGION, Role: role.toUpperCase() },
          ],
        },
      ],
    };
    const assign = withCache.states.DescribeGlobalDatastore!.Assign as Record<string, string>;
    await expect(evaluate(assign.cachePrimary, { states: { result } })).resolves.toBe(expected);
  });

  test.each([
    ['both members were promoted', [{ promoted: true }, { promoted: true }], true],
    ['only Aurora was promoted', [{ promoted: true }, { promoted: false }], true],
    ['both already led', [{ promoted: false }, { promoted: false }], false],
    ['the only member (no cache) already led', [{ promoted: false }], false],
    ['the only member (no cache) was promoted', [{ promoted: true }], true],
  ])('promoted when %s', async (_label, result, expected) => {
    const assign = withCache.definition.States.Promote!.Assign as Record<string, string>;
    await expect(evaluate(assign.promoted, { states: { result } })).resolves.toBe(expected);
  });

  test.each([
    [
      true,
      /is active\. The Aurora writer and the cache primary are in us-west-2\. Failover took 42 s \(execution run-1\)\.$/,
    ],
    [false, /is active\. .* It already was: nothing was promoted \(execution run-1\)\.$/],
  ])('the active message when promoted is %p', async (promoted, text) => {
    const message = (withCache.states.NotifyActive!.Arguments as Record<string, string>).Message;
    await expect(
      evaluate(message, { promoted, failoverSeconds: 42, states: { context: { Execution: { Name: 'run-1' } } } }),
    ).resolves.toMatch(text);
  });

  test('failoverSeconds counts from the start of the run', async () => {
    const started = new Date(Date.now() - 125_000).toISOString();
    const assign = withCache.definition.States.Promote!.Assign as Record<string, string>;
    const seconds = (await evaluate(assign.failoverSeconds, {
      states: { context: { Execution: { StartTime: started } } },
    })) as number;
    expect(seconds).toBeGreaterThanOrEqual(125);
    expect(seconds).toBeLessThan(135);
  });

  test('the failure message names the error and the execution', async () => {
    const message = (withCache.definition.States.NotifyFailure!.Arguments as Record<string, string>).Message;
    const text = await evaluate(message, {
      states: {
        input: { Error: 'AuroraPromotionTimedOut', Cause: 'not the writer' },
        context: { Execution: { StartTime: new Date().toISOString(), Id: 'arn:exec' } },
      },
    });
    expect(text).toMatch(
      /^async-toolformer prod: activating us-west-2 failed after \d+ s: AuroraPromotionTimedOut: not the writer Execution: arn:exec\./,
    );
  });
});
