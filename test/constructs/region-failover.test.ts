// RegionFailover: the state machine's promotions, metric and failure path, its policy, its trigger, and its JSONata run on sample answers.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import jsonata from 'jsonata';
import { FAILOVER_TIME_METRIC, RegionFailover, type RegionFailoverProps } from '../../lib/constructs/region-failover';
import { DECISION_TABLE, ALARM_STATE_OF_SIGNAL, FENCE_PERIOD_SECONDS, failoverInputProblems } from '../../lib/contract';
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
    cache: { replicationGroupId: 'atf-usw2', peerReplicationGroupId: 'atf-use1', globalDatastoreIdSuffix: 'atf' },
    lockTableName: 'atf-usw2-failover-lock',
    activeRegionParameterName: '/async-toolformer/prod/failover/active-region',
    initialActiveRegion: 'us-east-1',
    fence: { metricName: 'failover_fence', dimensions: { stage: 'prod' }, alarmName: 'atf-usw2-fence' },
    decision: { probeAlarmName: 'atf-usw2-s1', route53ViewAlarmName: 'atf-usw2-s2' },
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

  test('Aurora: polls every 15 s until promoted; after 15 minutes the branch reports a timeout', () => {
    const { states, definition } = withCache;
    expect(states.WaitForAurora).toMatchObject({ Type: 'Wait', Seconds: 15, Next: 'DescribeGlobalClusterAgain' });
    expect(states.DescribeGlobalClusterAgain!.Next).toBe('AuroraPromoted?');
    expect(states['AuroraPromoted?']).toMatchObject({ Default: 'WaitForAurora' });
    expect(successors(states['AuroraPromoted?']!)).toEqual(
      expect.arrayContaining(['AuroraWriterNow', 'AuroraPromotionTimedOut', 'WaitForAurora']),
    );
    // A timeout is the branch's outcome, not a failed Parallel: the run reports every member.
    expect(states.AuroraPromotionTimedOut).toMatchObject({
      Type: 'Pass',
      Output: { Error: 'AuroraPromotionTimedOut' },
      Next: 'AuroraFailed',
    });
    expect(states.AuroraFailed).toMatchObject({ Type: 'Succeed', Output: { member: 'aurora', failed: true } });
    expect(JSON.stringify(states)).toContain('$millis() + 900000');
    // The run as a whole cannot outlive a stuck promotion either.
    expect(definition.TimeoutSeconds).toBe(25 * 60);
  });

  test('cache: polls every 15 s until promoted, and detaches after 45 s without the primary region', () => {
    const { states } = withCache;
    expect(states.WaitForCache).toMatchObject({ Type: 'Wait', Seconds: 15, Next: 'DescribeGlobalDatastore' });
    expect(states['CachePromoted?']).toMatchObject({ Default: 'WaitForCache' });
    expect(successors(states['CachePromoted?']!)).toEqual(
      expect.arrayContaining(['CachePrimaryNow', 'DisassociateGlobalReplicationGroup', 'WaitForCache']),
    );
    expect(JSON.stringify(states.FailoverGlobalReplicationGroup)).toContain('$millis() + 45000');
    // The failover call failing (the primary region does not answer) detaches at once.
    expect(states.FailoverGlobalReplicationGroup!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'DisassociateGlobalReplicationGroup' }),
    ]);
    expect(states.DisassociateGlobalReplicationGroup).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:elasticache:disassociateGlobalReplicationGroup',
      Arguments: {
        GlobalReplicationGroupId: '{% $cacheGlobalId %}',
        ReplicationGroupId: 'atf-usw2',
        ReplicationGroupRegion: REGION,
      },
    });
    expect(states['CacheDetached?']).toMatchObject({ Default: 'WaitForDetach' });
    expect(states.CacheDetachedNow).toMatchObject({ Output: { member: 'cache', promoted: true, detached: true } });
  });

  test.each([
    'FailoverGlobalCluster',
    'SwitchoverGlobalCluster',
    'FailbackSwitchoverGlobalCluster',
    'DisassociateGlobalReplicationGroup',
    'SwitchoverFailoverGlobalReplicationGroup',
    'FailbackFailoverGlobalReplicationGroup',
    'AcquireLock',
    'RaiseFence',
    'LiftFence',
    'UpdateActiveRegion',
  ])('%s retries with backoff', (name) => {
    expect(withCache.states[name]!.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: expect.any(Array), BackoffRate: 2, IntervalSeconds: 2 }),
    ]);
  });

  test('cache: the Global Datastore fails over to this region only when the stage has one', () => {
    expect(withCache.states.FailoverGlobalReplicationGroup).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:elasticache:failoverGlobalReplicationGroup',
      Arguments: {
        GlobalReplicationGroupId: '{% $cacheGlobalId %}',
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
      Next: 'AllMembersDone?',
      Assign: { failoverSeconds: expect.stringContaining('$toMillis($states.context.Execution.StartTime)') },
    });
    // A run that found both members already leading is no failover: it records no time.
    expect(states['AnythingPromoted?']).toMatchObject({
      Choices: [{ Condition: '{% $promoted %}', Next: 'RecordFailoverTime' }],
      Default: 'WasActivation?',
    });
    expect(states.RecordFailoverTime).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
      Next: 'WasActivation?',
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
        Subject: expect.stringContaining("'async-toolformer prod: us-west-2 is active'"),
      },
      Next: 'Active',
    });
  });

  test('any failure is published to the critical topic and fails the run', () => {
    const { definition } = withCache;
    for (const name of ['Promote', 'Switchover', 'Failback', 'RecordFailoverTime', 'UpdateActiveRegion']) {
      expect(definition.States[name]!.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], Next: 'ReleaseLockAfterFailure' },
      ]);
    }
    // The lock is released whatever happens, and the notice goes out even if the release fails.
    expect(definition.States.ReleaseLockAfterFailure).toMatchObject({ Next: 'NotifyFailure' });
    expect(definition.States.ReleaseLockAfterFailure!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' }),
    ]);
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
      [DATASTORE_ARN, `arn:aws:elasticache:us-east-1:${ACCOUNT}:replicationgroup:atf-use1`, GROUP_ARN],
    ]);
    expect(grantsOf(withCache, 'elasticache:DisassociateGlobalReplicationGroup').map((s) => s.Resource)).toEqual([
      [DATASTORE_ARN, GROUP_ARN],
    ]);
    expect(grantsOf(withCache, 'dynamodb:PutItem').map((s) => s.Resource)).toEqual([
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/atf-usw2-failover-lock`,
    ]);
    expect(grantsOf(withCache, 'cloudwatch:DescribeAlarms').map((s) => s.Resource)).toEqual([
      [
        `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:atf-usw2-s1`,
        `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:atf-usw2-s2`,
      ],
    ]);
    expect(grantsOf(withCache, 'ssm:PutParameter').map((s) => s.Resource)).toEqual([
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/async-toolformer/prod/failover/active-region`,
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
          lockTableName: 'l',
          activeRegionParameterName: '/p',
          initialActiveRegion: 'us-east-1',
          decision: { probeAlarmName: 's1', route53ViewAlarmName: 's2' },
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
    // Detached by an earlier activation: standalone and writable, nothing left to do.
    ['not in a Global Datastore', group(), 'CacheStandaloneAlready'],
    [
      'detached, its Global Datastore id empty',
      { ReplicationGroupId: 'atf-usw2', GlobalReplicationGroupInfo: { GlobalReplicationGroupId: '' } },
      'CacheStandaloneAlready',
    ],
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

  const context = { Execution: { Name: 'run-1' } };
  test.each([
    [
      true,
      [
        { member: 'aurora', promoted: true },
        { member: 'cache', promoted: true, detached: false },
      ],
      /is active \(activate\)\. The Aurora writer and the cache primary are in us-west-2\. It took 42 s \(execution run-1, requested by alarm\)\.$/,
    ],
    [
      false,
      [
        { member: 'aurora', promoted: false },
        { member: 'cache', promoted: false },
      ],
      /is active \(activate\)\. .* It already was: nothing was moved \(execution run-1, requested by alarm\)\.$/,
    ],
    [
      true,
      [
        { member: 'aurora', promoted: true },
        { member: 'cache', promoted: true, detached: true },
      ],
      /It took 42 s The cache was detached from its Global Datastore: rebuild the other region before a failback/,
    ],
  ])('the active message when promoted is %p', async (promoted, outcomes, text) => {
    const message = (withCache.states.NotifyActive!.Arguments as Record<string, string>).Message;
    await expect(
      evaluate(message, {
        action: 'activate',
        requestedBy: 'alarm',
        promoted,
        outcomes,
        failoverSeconds: 42,
        states: { context },
      }),
    ).resolves.toMatch(text);
  });

  test('a failback says the primary region is active again and the fence is lifted', async () => {
    const { Message, Subject } = withCache.states.NotifyActive!.Arguments as Record<string, string>;
    const bindings = {
      action: 'failback',
      requestedBy: 'operator',
      promoted: true,
      outcomes: [],
      failoverSeconds: 9,
      states: { context },
    };
    await expect(evaluate(Subject, bindings)).resolves.toBe(
      'async-toolformer prod: us-east-1 is active again (failback)',
    );
    await expect(evaluate(Message, bindings)).resolves.toMatch(/in us-east-1 again; the DNS fence is lifted/);
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
      action: 'activate',
      states: {
        input: { Error: 'AuroraPromotionTimedOut', Cause: 'not the writer' },
        context: { Execution: { StartTime: new Date().toISOString(), Id: 'arn:exec' } },
      },
    });
    expect(text).toMatch(
      /^async-toolformer prod: activate run in us-west-2 failed after \d+ s: AuroraPromotionTimedOut: not the writer Execution: arn:exec\. Re-run the same action/,
    );
  });
});

/** The guards before anything changes: input, lock, cooldown and the decision re-check, run on sample values. */
describe('guards', () => {
  const evaluate = (value: unknown, bindings: Record<string, unknown>) => {
    const match = /^\{% (.*) %\}$/s.exec(String(value));
    if (!match) throw new Error(`not a JSONata expression: ${String(value)}`);
    return jsonata(match[1]!).evaluate({}, bindings);
  };
  const primaryLike = build({ decision: undefined, fence: undefined });
  const problemsOf = (built: Built) => (built.states.ReadInput!.Assign as Record<string, string>).problems;

  test.each([
    { action: 'activate', requestedBy: 'alarm', reason: 'Threshold Crossed', alarm: 'x' },
    { action: 'switchover', requestedBy: 'operator', operator: 'alice' },
    { action: 'failback', requestedBy: 'operator' },
    { requestedBy: 'operator' },
    { action: 'promote', requestedBy: 'operator' },
    { action: 'activate' },
    { action: 'failback', requestedBy: 'alarm' },
    { action: 'activate', requestedBy: 'operator', reason: 7 },
  ])('the state machine finds the problems lib/contract finds in %p', async (input) => {
    const found = (await evaluate(problemsOf(withCache), { states: { input } })) as string[] | string | undefined;
    const list = found === undefined ? [] : [found].flat();
    expect(list.length).toBe(failoverInputProblems(input).length);
  });

  // Step Functions fails a state whose expression returns nothing (States.QueryEvaluationError).
  test.each([{}, { action: 'activate', requestedBy: 'operator' }, 'not an object'])(
    'ReadInput assigns a value for every variable, whatever the input: %p',
    async (input) => {
      for (const expression of Object.values(withCache.states.ReadInput!.Assign as Record<string, string>)) {
        await expect(evaluate(expression, { states: { input } })).resolves.toBeDefined();
      }
    },
  );

  test('the cache datastore id is assigned for a standalone group too', async () => {
    for (const name of ['CacheAlreadyPrimary?', 'SwitchoverCacheAlreadyPrimary?', 'FailbackCacheAlreadyPrimary?']) {
      const { cacheGlobalId } = withCache.states[name]!.Assign as Record<string, string>;
      await expect(evaluate(cacheGlobalId, { states: { input: { ReplicationGroupId: 'atf-usw2' } } })).resolves.toBe(
        '',
      );
    }
  });

  test('malformed input fails fast, before the lock, naming every problem and the contract', () => {
    expect(withCache.states['InputValid?']).toMatchObject({
      Choices: [{ Condition: '{% $count($problems) = 0 %}', Next: 'AcquireLock' }],
      Default: 'InvalidInput',
    });
    expect(withCache.states.InvalidInput).toMatchObject({
      Type: 'Fail',
      Error: 'InvalidFailoverInput',
      Cause: expect.stringContaining('"requestedBy": "alarm"|"operator"'),
    });
  });

  test.each([
    [{ action: 'activate', requestedBy: 'alarm' }, /does not activate itself on an alarm/],
    [{ action: 'failback', requestedBy: 'operator' }, /failback runs in the region that owns the DNS fence/],
  ])('a region without decision and fence refuses %p', async (input, problem) => {
    const found = await evaluate(problemsOf(primaryLike), { states: { input } });
    expect([found].flat().join('\n')).toMatch(problem);
    expect(primaryLike.states['AlarmStarted?']).toBeUndefined();
    expect(primaryLike.states.Failback).toBeUndefined();
    expect(primaryLike.states.RaiseFence).toBeUndefined();
  });

  test('one run at a time: a conditional put holding the execution, a second run refused and paged without touching the lock', () => {
    const { states } = withCache;
    expect(states.AcquireLock).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
      Arguments: {
        TableName: 'atf-usw2-failover-lock',
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR executionArn = :me',
        Item: { pk: { S: 'run' }, executionArn: { S: '{% $states.context.Execution.Id %}' } },
      },
    });
    expect(states.AcquireLock!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], Next: 'NotifyLockHeld' }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' }),
    ]);
    expect(states.NotifyLockHeld).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', Next: 'LockHeld' });
    expect(states.LockHeld).toMatchObject({ Type: 'Fail', Error: 'FailoverInProgress' });
    // Released at the end, success or failure, only if this run holds it.
    for (const name of ['ReleaseLock', 'ReleaseLockAfterFailure', 'ReleaseLockRefused']) {
      expect(states[name]).toMatchObject({
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:deleteItem',
        Arguments: { ConditionExpression: 'executionArn = :me' },
      });
    }
  });

  test.each([
    [0, false],
    [Date.now() - 10 * 60_000, true],
    [Date.now() - 31 * 60_000, false],
  ])(
    'an alarm-started run with the last activation at %p is in the cooldown: %p',
    async (lastActivationAt, inCooldown) => {
      const choice = withCache.states['InCooldown?'] as unknown as { Choices: { Condition: string; Next: string }[] };
      expect(choice.Choices[0]!.Next).toBe('CooldownActive');
      await expect(evaluate(choice.Choices[0]!.Condition, { lastActivationAt })).resolves.toBe(inCooldown);
    },
  );

  test.each(DECISION_TABLE.map((row) => [row.probe, row.route53, row.outcome] as const))(
    'the re-check with S1 %s and S2 %s decides %s, as the table does',
    async (probe, route53, outcome) => {
      const assign = withCache.states.RecheckDecision!.Assign as Record<string, string>;
      const alarms = [
        { AlarmName: 'atf-usw2-s1', StateValue: ALARM_STATE_OF_SIGNAL[probe] },
        { AlarmName: 'atf-usw2-s2', StateValue: ALARM_STATE_OF_SIGNAL[route53] },
      ];
      await expect(evaluate(assign.decision, { states: { result: { MetricAlarms: alarms } } })).resolves.toBe(outcome);
    },
  );

  test('the re-check reads both signals in this region; anything but act ends the run without promoting, and pages', () => {
    const { states } = withCache;
    expect(states.RecheckDecision).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:cloudwatch:describeAlarms',
      Arguments: { AlarmNames: ['atf-usw2-s1', 'atf-usw2-s2'] },
    });
    expect(states['DecisionStillAct?']).toMatchObject({
      Choices: [{ Condition: "{% $decision = 'act' %}", Next: 'Guarded' }],
      Default: 'DecisionChanged',
    });
    expect(states.DecisionChanged!.Next).toBe('ReleaseLockRefused');
    expect(states.ReleaseLockRefused!.Next).toBe('NotifyRefused');
    expect(states.Refused).toMatchObject({ Type: 'Fail', Error: '{% $refusal.error %}' });
    // Only alarm-started runs are re-checked: an operator has decided.
    expect(states['AlarmStarted?']).toMatchObject({
      Choices: [{ Condition: "{% $requestedBy = 'alarm' %}", Next: 'GetLastActivation' }],
      Default: 'Guarded',
    });
  });

  test('an activation raises the fence before promoting; a failback checks the cache, moves back, then lifts it', () => {
    const { states } = withCache;
    expect(states.Guarded!.Next).toBe('WhichAction?');
    expect(successors(states['WhichAction?']!)).toEqual(
      expect.arrayContaining(['Switchover', 'RaiseFence', 'CheckCacheBeforeFailback']),
    );
    expect(states.RaiseFence).toMatchObject({
      Arguments: {
        MetricData: [{ MetricName: 'failover_fence', Value: 1, Dimensions: [{ Name: 'stage', Value: 'prod' }] }],
      },
      Next: 'Promote',
    });
    expect(states['CacheStillGlobal?']).toMatchObject({ Default: 'Failback' });
    expect(states.CacheDetachedRefusal).toMatchObject({
      Output: { Error: 'CacheDetached', Cause: expect.stringContaining('docs/runbooks/failover-failback.md') },
    });
    expect(states.FailbackSwitchoverGlobalCluster).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:rds:switchoverGlobalCluster',
      Arguments: { TargetDbClusterIdentifier: PEER_CLUSTER_ARN },
    });
    expect(states.FailbackFailoverGlobalReplicationGroup).toMatchObject({
      Arguments: { PrimaryRegion: 'us-east-1', PrimaryReplicationGroupId: 'atf-use1' },
    });
    expect(states['FailbackMembersDone?']).toMatchObject({
      Choices: [expect.objectContaining({ Next: 'FencePeriodGap' })],
    });
    // Longer than the fence alarm's period, so the lift never shares a period (and its Maximum) with the raise.
    expect(states.FencePeriodGap).toMatchObject({ Type: 'Wait', Next: 'LiftFence' });
    expect((states.FencePeriodGap as unknown as { Seconds: number }).Seconds).toBeGreaterThan(FENCE_PERIOD_SECONDS);
    expect(states.LiftFence).toMatchObject({ Arguments: { MetricData: [expect.objectContaining({ Value: 0 })] } });
    expect(states.SwitchoverGlobalCluster).toMatchObject({
      Arguments: { TargetDbClusterIdentifier: CLUSTER_ARN },
    });
    expect(states.SwitchoverGlobalCluster!.Arguments).not.toHaveProperty('AllowDataLoss');
  });

  test.each([
    ['activate', false, true],
    ['switchover', true, true],
    ['failback', true, true],
    ['switchover', false, false],
  ])('a successful %s that moved something: %p starts the cooldown: %p', async (action, promoted, records) => {
    const choice = withCache.states['WasActivation?'] as unknown as { Choices: { Condition: string; Next: string }[] };
    expect(choice.Choices[0]!.Next).toBe('RecordLastActivation');
    await expect(evaluate(choice.Choices[0]!.Condition, { action, promoted })).resolves.toBe(records);
  });

  test('the lock table is retained, with point-in-time recovery and deletion protection, on demand', () => {
    withCache.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'atf-usw2-failover-lock',
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  test('the active-region parameter starts at the configured primary, and the run writes it', () => {
    withCache.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/async-toolformer/prod/failover/active-region',
      Value: 'us-east-1',
    });
    expect(withCache.states.UpdateActiveRegion).toMatchObject({
      Arguments: { Name: '/async-toolformer/prod/failover/active-region', Overwrite: true },
    });
  });

  test('the trigger sends an alarm activation', () => {
    withTrigger.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('"action":"activate"') }),
        }),
      ],
    });
  });

  test('fails when a trigger has no decision to re-check', () => {
    expect(() => build({ withTrigger: true, decision: undefined })).toThrow(/a trigger needs decision/);
  });
});
