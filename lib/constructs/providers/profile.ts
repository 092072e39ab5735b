// The providers' AppConfig profile of one region: application, environment watched by the provider alarms, the hosted document with its JSON Schema validator, and the two deployment strategies.
import { Duration, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ProvidersConfig } from '../../config';
import {
  documentProblems,
  PROVIDER_DOCUMENT_SCHEMA,
  PROVIDER_DOCUMENT_VERSION,
  providerProfileNames,
  routingOrder,
  type ProviderDocument,
} from '../../contract/providers';

/** Props of {@link ProviderProfile}. */
export interface ProviderProfileProps {
  readonly stage: string;
  readonly providers: ProvidersConfig;
  /** Each provider's outage alarm: AppConfig rolls an ordinary change back while one is in ALARM. */
  readonly outageAlarms: readonly cloudwatch.IAlarm[];
}

/** The document the orchestrator reads, as deployed from config: every provider routed, by priority. */
export function documentFromConfig(providers: ProvidersConfig): ProviderDocument {
  const entries = Object.fromEntries(
    providers.catalog.map((provider) => [
      provider.name,
      {
        priority: provider.priority,
        rateLimits: { ...provider.rateLimits },
        circuitBreaker: {
          failureRatePercent: provider.circuitBreaker.failureRatePercent,
          minimumRequests: provider.circuitBreaker.minimumRequests,
          windowSeconds: provider.circuitBreaker.window.toSeconds(),
          openSeconds: provider.circuitBreaker.openFor.toSeconds(),
          halfOpenRequests: provider.circuitBreaker.halfOpenRequests,
        },
        fallbackOrder: [...provider.fallbackOrder],
      },
    ]),
  );
  const document: ProviderDocument = {
    version: PROVIDER_DOCUMENT_VERSION,
    providers: entries,
    routing: {
      order: routingOrder(entries, []),
      unavailable: [],
      changedBy: 'deploy',
      reason: 'the providers section of lib/config, as deployed',
    },
  };
  const problems = documentProblems(document);
  if (problems.length > 0)
    throw new Error(`the providers document built from config is unsound: ${problems.join('; ')}`);
  return document;
}

/**
 * AppConfig, not an SSM parameter: the orchestrator's pods poll it through the AppConfig agent, a
 * JSON Schema validator refuses a malformed version before it is deployed, and an ordinary change
 * rolls out in steps while AppConfig watches the provider alarms, rolling back if one fires. The
 * fallback function removes a failed provider's alarm from the monitors before it deploys (its alarm
 * is in ALARM, which would roll the fallback itself back), and restore puts it back.
 */
export class ProviderProfile extends Construct {
  public readonly application: appconfig.Application;
  public readonly environment: appconfig.Environment;
  public readonly configuration: appconfig.HostedConfiguration;
  public readonly gradual: appconfig.DeploymentStrategy;
  public readonly immediate: appconfig.DeploymentStrategy;
  /** The role AppConfig reads the alarms with; the fallback passes it when it rewrites the monitors. */
  public readonly monitorRole: iam.Role;

  constructor(scope: Construct, id: string, props: ProviderProfileProps) {
    super(scope, id);
    const names = providerProfileNames(props.stage);
    this.monitorRole = new iam.Role(this, 'MonitorRole', {
      assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets AppConfig read the provider outage alarms it rolls a deployment back on',
      managedPolicies: [
        new iam.ManagedPolicy(this, 'MonitorPolicy', {
          description: 'What AppConfig may read: the provider outage alarms, nothing else',
          statements: [
            new iam.PolicyStatement({
              actions: ['cloudwatch:DescribeAlarms'],
              resources: props.outageAlarms.map((alarm) => alarm.alarmArn),
            }),
          ],
        }),
      ],
    });
    this.application = new appconfig.Application(this, 'Application', {
      applicationName: names.application,
      description: 'Third-party API providers: priority, rate limits, circuit breakers, fallback order',
    });
    this.environment = new appconfig.Environment(this, 'Environment', {
      application: this.application,
      environmentName: names.environment,
      description: 'What the orchestrator polls; ordinary changes roll back on a provider outage alarm',
      monitors: props.outageAlarms.map((alarm) => appconfig.Monitor.fromCloudWatchAlarm(alarm, this.monitorRole)),
    });
    this.gradual = new appconfig.DeploymentStrategy(this, 'Gradual', {
      deploymentStrategyName: names.gradualStrategy,
      description: 'Ordinary provider changes: linear over the rollout, watched for the bake time',
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: 50,
        deploymentDuration: props.providers.rolloutDuration,
        finalBakeTime: props.providers.bakeTime,
      }),
    });
    this.immediate = new appconfig.DeploymentStrategy(this, 'Immediate', {
      deploymentStrategyName: names.immediateStrategy,
      description: 'A provider fallback: at once, since the provider it takes out is already failing',
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: 100,
        deploymentDuration: Duration.minutes(0),
        finalBakeTime: Duration.minutes(0),
      }),
    });
    this.configuration = new appconfig.HostedConfiguration(this, 'Configuration', {
      application: this.application,
      name: names.profile,
      description: 'The providers document (docs/providers.md); a stack update with changed content deploys it',
      content: appconfig.ConfigurationContent.fromInlineJson(
        JSON.stringify(documentFromConfig(props.providers), null, 2),
      ),
      validators: [appconfig.JsonSchemaValidator.fromInline(JSON.stringify(PROVIDER_DOCUMENT_SCHEMA))],
      deploymentStrategy: this.gradual,
      deployTo: [this.environment],
    });
  }
}
