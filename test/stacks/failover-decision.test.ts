// The failover decision as synthesized: composite alarms built from the decision table, the trigger on `activate`, the DNS fence held against the alarm the secondary creates, dns-view's alarm against its EMF, the lock table and the retries.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionConfig, type RegionRole } from '../../lib/config';
import {
  ALARM_STATE_OF_SIGNAL,
  DIMENSION,
  FUNCTIONS,
  METRIC,
  METRICS_NAMESPACE,
  rowsWith,
  type DecisionOutcome,
} from '../../lib/contract';
import { failoverAlarmNames, failoverLockTableName, stackName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

describe.each(STAGES)('%s failover decision', (stage) => {
  const synthesized = synthStage(stage);
  const { config } = synthesized;
  const region = (role: RegionRole): RegionConfig => config.regions.find((candidate) => candidate.role === role)!;
  const secondary = region('secondary');
  const automationName = (role: RegionRole) => stackName(config, region(role), 'Automation');
  const automation = synthesized.template(automationName('secondary'));
  const dnsName = stackName(config, region('primary'), 'Dns');
  const dns = synthesized.template(dnsName);
  const names = failoverAlarmNames(config, secondary);
  const resources = (template: typeof dns, type: string) =>
    Object.entries(template.findResources(type) as Record<string, Resource>);
  const byName = (type: string, nameKey: string, name: string) =>
    resources(automation, type).find(([, r]) => r.Properties[nameKey] === name)!;

  /** An alarm rule with S1's and S2's ARNs replaced by their names, whatever reference form carries them. */
  function ruleText(rule: unknown): string {
    const parts = (rule as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const text = JSON.stringify(part);
        if (text.includes('PeerProbeFailoverAlarm')) return 'S1';
        if (text.includes('Route53View')) return 'S2';
        return `?${text}`;
      })
      .join('');
  }
  const expectedRule = (outcome: DecisionOutcome) =>
    `(${rowsWith(outcome)
      .map((row) => `(${ALARM_STATE_OF_SIGNAL[row.probe]}("S1") AND ${ALARM_STATE_OF_SIGNAL[row.route53]}("S2"))`)
      .join(' OR ')})`;

  test.each<[DecisionOutcome, string]>([
    ['act', names.activate],
    ['page', names.disagreement],
  ])('the composite alarm of the %s rows is exactly the table', (outcome, name) => {
    const [, alarm] = byName('AWS::CloudWatch::CompositeAlarm', 'AlarmName', name);
    expect(ruleText(alarm.Properties.AlarmRule)).toBe(expectedRule(outcome));
    expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  test('the disagreement page waits up to 2 minutes for the signals to agree', () => {
    const [activateId] = byName('AWS::CloudWatch::CompositeAlarm', 'AlarmName', names.activate);
    automation.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: names.disagreement,
      ActionsSuppressor: { 'Fn::GetAtt': [activateId, 'Arn'] },
      ActionsSuppressorWaitPeriod: 120,
    });
  });

  test('the activate composite, and nothing else, starts the region failover as an alarm activation', () => {
    const [activateId] = byName('AWS::CloudWatch::CompositeAlarm', 'AlarmName', names.activate);
    automation.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [activateId, 'Arn'] }],
        detail: { state: { value: ['ALARM'] } },
      }),
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({
            InputTemplate: Match.stringLikeRegexp('"action":"activate","requestedBy":"alarm"'),
          }),
        }),
      ],
    });
  });

  test('S1 is the canary failover alarm under its fixed name, one failed run', () => {
    synthesized.template(stackName(config, secondary, 'Compute')).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: names.probe,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('S2 watches exactly the metric dns-view emits: namespace, name, dimensions, 10 s periods', () => {
    const [, alarm] = byName('AWS::CloudWatch::Alarm', 'AlarmName', names.route53View);
    expect(alarm.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.route53PrimaryAnswered,
      Statistic: 'Maximum',
      Period: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: DIMENSION.service, Value: FUNCTIONS.dnsView.service },
        { Name: DIMENSION.stage, Value: stage },
        { Name: DIMENSION.region, Value: secondary.region },
      ]),
    );
    const [, heartbeat] = byName('AWS::CloudWatch::Alarm', 'AlarmName', names.route53ViewHeartbeat);
    expect(heartbeat.Properties).toMatchObject({
      MetricName: METRIC.route53PrimaryAnswered,
      Statistic: 'SampleCount',
      TreatMissingData: 'breaching',
    });
    automation.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: FUNCTIONS.dnsView.service,
          FAILOVER_NAME: `api.${config.traffic.hostedZone.zoneName}`,
          SAMPLES_PER_RUN: '6',
          SAMPLE_INTERVAL_SECONDS: '10',
        }),
      },
    });
    automation.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  test('the fence alarm holds its state and watches the metric the state machine publishes', () => {
    const [, fence] = byName('AWS::CloudWatch::Alarm', 'AlarmName', names.fence);
    expect(fence.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.failoverFence,
      Dimensions: [{ Name: DIMENSION.stage, Value: stage }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'ignore',
    });
    expect(JSON.stringify(automation.toJSON())).toContain(`\\"MetricName\\":\\"${METRIC.failoverFence}\\"`);
  });

  test("the primary record's health is its endpoint check AND a fence check on the alarm the secondary synthesizes", () => {
    const checks = resources(dns, 'AWS::Route53::HealthCheck');
    const fenceCheck = checks.find(
      ([, r]) => (r.Properties.HealthCheckConfig as { Type: string }).Type === 'CLOUDWATCH_METRIC',
    )!;
    const calculated = checks.find(
      ([, r]) => (r.Properties.HealthCheckConfig as { Type: string }).Type === 'CALCULATED',
    )!;
    const [, fenceAlarm] = byName('AWS::CloudWatch::Alarm', 'AlarmName', names.fence);
    // Held one against the other: the name and region Route 53 reads are those of the synthesized alarm.
    expect(fenceCheck[1].Properties.HealthCheckConfig).toEqual({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Name: fenceAlarm.Properties.AlarmName, Region: secondary.region },
      InsufficientDataHealthStatus: 'LastKnownStatus',
    });
    const primaryEndpoint = checks.find(
      ([, r]) =>
        (r.Properties.HealthCheckConfig as { FullyQualifiedDomainName?: string }).FullyQualifiedDomainName ===
        `api-use1.${config.traffic.hostedZone.zoneName}`,
    )!;
    expect(calculated[1].Properties.HealthCheckConfig).toEqual({
      Type: 'CALCULATED',
      ChildHealthChecks: [{ Ref: primaryEndpoint[0] }, { 'Fn::GetAtt': [fenceCheck[0], 'HealthCheckId'] }],
      HealthThreshold: 2,
    });
    dns.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'PRIMARY',
      HealthCheckId: { 'Fn::GetAtt': [calculated[0], 'HealthCheckId'] },
    });
    dns.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      HealthCheckId: { Ref: Match.anyValue() },
    });
  });

  test('the DNS stack deploys after the secondary Automation stack that creates the fence alarm', () => {
    const dependencies = synthesized.assembly
      .getStackByName(dnsName)
      .dependencies.map((dependency) => (dependency as { stackName?: string }).stackName);
    expect(dependencies).toContain(automationName('secondary'));
  });

  test.each<RegionRole>(['primary', 'secondary'])(
    'the %s lock table is on demand, retained, with PITR and deletion protection',
    (role) => {
      synthesized.template(automationName(role)).hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: failoverLockTableName(config, region(role)),
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      });
    },
  );

  test('every promote, switchover and detach call of the state machine retries with backoff', () => {
    const [, machine] = resources(automation, 'AWS::StepFunctions::StateMachine').find(([, r]) =>
      String(r.Properties.StateMachineName).endsWith('region-failover'),
    )!;
    const joined = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
    const text =
      typeof joined === 'string'
        ? joined
        : joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'X')).join('');
    const states: Record<string, { Resource?: string; Retry?: { BackoffRate?: number }[] }> = {};
    const collect = (from: Record<string, unknown>) => {
      for (const [name, state] of Object.entries(from) as [
        string,
        { Branches?: { States: Record<string, unknown> }[] },
      ][]) {
        states[name] = state as never;
        for (const branch of state.Branches ?? []) collect(branch.States);
      }
    };
    collect((JSON.parse(text) as { States: Record<string, unknown> }).States);
    const mutating = Object.entries(states).filter(([, state]) =>
      /:(failoverGlobalCluster|switchoverGlobalCluster|failoverGlobalReplicationGroup|disassociateGlobalReplicationGroup)$/.test(
        state.Resource ?? '',
      ),
    );
    expect(mutating.length).toBeGreaterThanOrEqual(config.cache.globalDatastore ? 6 : 3);
    for (const [, state] of mutating) expect(state.Retry?.[0]?.BackoffRate).toBe(2);
  });
});
