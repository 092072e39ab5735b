// Providers (scenario 4) in each region's StatusPage stack: the AppConfig profile with its validator, strategies and monitors, a canary and alarms per provider, the fallback's rule, function and permissions, and the ids parameter dr providers reads.
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import {
  PROVIDER_DOCUMENT_SCHEMA,
  PROVIDER_FALLBACK,
  PROVIDER_FALLBACK_ENV,
  parseProviderDocument,
  providerCanaryName,
  providerProfileNames,
} from '../../lib/contract/providers';
import { alarmNamePrefix, stackName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

describe.each(STAGES)('%s providers', (stage) => {
  const synthesized = synthStage(stage);
  const { config } = synthesized;
  const names = providerProfileNames(stage);
  const providers = config.providers.catalog.map((provider) => provider.name);

  describe.each(['primary', 'secondary'] as const)('in the %s region', (role: RegionRole) => {
    const region = synthesized.region(role);
    const template = synthesized.template(stackName(config, region, 'StatusPage'));
    const alarmName = (provider: string) => `${alarmNamePrefix(config, region, 'provider')}-${provider}-down`;

    test('one application, the live environment watching every provider outage alarm through a role AppConfig assumes', () => {
      template.hasResourceProperties('AWS::AppConfig::Application', { Name: names.application });
      const monitors = new Capture();
      template.hasResourceProperties('AWS::AppConfig::Environment', { Name: names.environment, Monitors: monitors });
      expect(monitors.asArray()).toHaveLength(providers.length);
      for (const monitor of monitors.asArray() as { AlarmArn: unknown; AlarmRoleArn: unknown }[]) {
        expect(monitor.AlarmRoleArn).toBeDefined();
      }
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'appconfig.amazonaws.com' } })],
        }),
      });
    });

    test('the profile validates versions with the contract JSON Schema, and the deployed document routes every provider by priority', () => {
      template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
        Name: names.profile,
        LocationUri: 'hosted',
        Validators: [{ Type: 'JSON_SCHEMA', Content: JSON.stringify(PROVIDER_DOCUMENT_SCHEMA) }],
      });
      const content = new Capture();
      template.hasResourceProperties('AWS::AppConfig::HostedConfigurationVersion', { Content: content });
      const document = parseProviderDocument(content.asString());
      expect(document.routing).toMatchObject({ order: ['openai', 'anthropic'], unavailable: [], changedBy: 'deploy' });
      expect(document.providers.openai).toMatchObject({
        priority: 1,
        rateLimits: config.providers.catalog[0]!.rateLimits,
        circuitBreaker: { windowSeconds: 60, openSeconds: 30 },
        fallbackOrder: ['anthropic'],
      });
    });

    test('ordinary changes deploy gradually with bake time, a fallback at once', () => {
      template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
        Name: names.gradualStrategy,
        GrowthType: 'LINEAR',
        GrowthFactor: 50,
        DeploymentDurationInMinutes: config.providers.rolloutDuration.toMinutes(),
        FinalBakeTimeInMinutes: config.providers.bakeTime.toMinutes(),
      });
      template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
        Name: names.immediateStrategy,
        GrowthFactor: 100,
        DeploymentDurationInMinutes: 0,
        FinalBakeTimeInMinutes: 0,
      });
      template.resourceCountIs('AWS::AppConfig::Deployment', 1);
    });

    test.each(providers)(
      '%s has a canary on its health URL and an outage alarm that missing runs never set',
      (provider) => {
        const healthUrl = new URL(config.providers.catalog.find((entry) => entry.name === provider)!.healthUrl);
        const script = new Capture();
        template.hasResourceProperties('AWS::Synthetics::Canary', {
          Name: providerCanaryName(stage, provider),
          Code: Match.objectLike({ Script: script }),
          Schedule: Match.objectLike({
            Expression: `rate(${config.providers.probeInterval.toMinutes()} minute${config.providers.probeInterval.toMinutes() === 1 ? '' : 's'})`,
          }),
        });
        expect(script.asString()).toContain(`hostname: '${healthUrl.hostname}'`);
        expect(script.asString()).toContain(`path: '${healthUrl.pathname}'`);
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: alarmName(provider),
          Namespace: 'CloudWatchSynthetics',
          MetricName: 'SuccessPercent',
          Threshold: 100,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: 2,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
          AlarmActions: [Match.anyValue()],
          OKActions: [Match.anyValue()],
        });
      },
    );

    test('the fallback function starts on the outage alarms entering ALARM, one run at a time, with its contract environment', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { state: { value: ['ALARM'] } },
        }),
      });
      const variables = new Capture();
      template.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: 1,
        Environment: { Variables: variables },
      });
      const fallback = template.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: PROVIDER_FALLBACK.service }) },
        },
      });
      const [resource] = Object.values(fallback) as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }[];
      expect(Object.keys(resource!.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(Object.values(PROVIDER_FALLBACK_ENV)),
      );
    });

    test('the fallback may write versions of its profile, rewrite its monitors, deploy, invoke the publisher and page; nothing else of AppConfig', () => {
      const statements = new Capture();
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Description: Match.stringLikeRegexp('Providers/Fallback/Function'),
        PolicyDocument: { Statement: statements, Version: '2012-10-17' },
      });
      const actions = (statements.asArray() as { Action: string | string[] }[]).flatMap((statement) =>
        Array.isArray(statement.Action) ? statement.Action : [statement.Action],
      );
      expect(actions.filter((action) => action.startsWith('appconfig:')).sort()).toEqual([
        'appconfig:CreateHostedConfigurationVersion',
        'appconfig:GetEnvironment',
        'appconfig:GetHostedConfigurationVersion',
        'appconfig:ListHostedConfigurationVersions',
        'appconfig:StartDeployment',
        'appconfig:UpdateEnvironment',
      ]);
      expect(actions).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'sns:Publish', 'iam:PassRole']));
    });

    test('the ids parameter dr providers reads has its fixed name', () => {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: names.idsParameter });
    });
  });
});
