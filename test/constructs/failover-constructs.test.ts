// FailoverSignals and FencedHealthCheck on their own: the props they refuse, and what they build from them.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AutomationAlarms } from '../../lib/constructs/automation-alarms';
import { FailoverSignals, type FailoverSignalsProps } from '../../lib/constructs/failover-signals';
import { FencedHealthCheck } from '../../lib/constructs/fenced-health-check';
import { newApp } from '../helpers/synth';

const ENV = { account: '123456789012', region: 'us-west-2' };

function signals(overrides: Partial<FailoverSignalsProps> = {}) {
  const stack = new Stack(newApp(), 'Signals', { env: ENV });
  const topic = new sns.Topic(stack, 'Critical');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-west-2a', 'us-west-2b'],
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const construct = new FailoverSignals(stack, 'FailoverSignals', {
    stage: 'prod',
    probeAlarm: new cloudwatch.Alarm(stack, 'S1', {
      metric: new cloudwatch.Metric({ namespace: 'CloudWatchSynthetics', metricName: 'SuccessPercent' }),
      threshold: 100,
      evaluationPeriods: 1,
    }),
    names: { route53View: 's2', route53ViewHeartbeat: 'hb', activate: 'act', disagreement: 'dis', fence: 'fence' },
    dnsView: {
      zoneName: 'example.com',
      failoverName: 'api.example.com',
      primaryName: 'api-use1.example.com',
      secondaryName: 'api-usw2.example.com',
    },
    criticalTopic: topic,
    encryptionKey: new kms.Key(stack, 'Key'),
    vpc,
    securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
    alarms: new AutomationAlarms(stack, 'Alarms', { criticalTopic: topic, highTopic: topic }),
    ...overrides,
  });
  return { construct, template: Template.fromStack(stack) };
}

describe('FailoverSignals', () => {
  test('dns-view samples every 10 s through each one-minute run; S2 needs 3 samples in a row', () => {
    const { construct, template } = signals();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SAMPLES_PER_RUN: '6', SAMPLE_INTERVAL_SECONDS: '10' }) },
      Timeout: 75,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 's2', Period: 10, EvaluationPeriods: 3 });
    expect(construct.route53ViewDetection.toSeconds()).toBe(40);
  });

  test('a slower sample interval is honoured', () => {
    const { template } = signals({ sampleInterval: Duration.seconds(30), samplesToAlarm: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 's2', Period: 30, EvaluationPeriods: 2 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SAMPLES_PER_RUN: '2' }) },
    });
  });

  test.each([Duration.seconds(20), Duration.minutes(1)])('fails when the sample interval is %s', (sampleInterval) => {
    expect(() => signals({ sampleInterval })).toThrow(/sampleInterval must be 10 or 30 seconds/);
  });

  test.each([0, 1.5, 31])('fails when samplesToAlarm is %p', (samplesToAlarm) => {
    expect(() => signals({ samplesToAlarm })).toThrow(/samplesToAlarm must be an integer from 1 to 30, got: /);
  });
});

describe('FencedHealthCheck', () => {
  function fenced(region = 'us-west-2') {
    const stack = new Stack(newApp(), 'Dns', { env: { ...ENV, region: 'us-east-1' } });
    const endpoint = new route53.HealthCheck(stack, 'Endpoint', {
      type: route53.HealthCheckType.HTTPS,
      fqdn: 'api-use1.example.com',
    });
    new FencedHealthCheck(stack, 'PrimaryFence', {
      endpoint,
      fenceAlarm: { name: 'fence', region },
      description: 'the primary region (us-east-1)',
    });
    return Template.fromStack(stack);
  }

  test('the calculated check needs both the endpoint and the fence', () => {
    const template = fenced();
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: 'fence', Region: 'us-west-2' },
        InsufficientDataHealthStatus: 'LastKnownStatus',
      },
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CALCULATED',
        HealthThreshold: 2,
        ChildHealthChecks: [
          { Ref: Match.stringLikeRegexp('^Endpoint') },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^PrimaryFence'), 'HealthCheckId'] },
        ],
      },
    });
  });

  test('fails when the fence alarm region is not a region name', () => {
    expect(() => fenced('west')).toThrow(/fenceAlarm.region must be a region name such as us-west-2, got: west/);
  });
});
