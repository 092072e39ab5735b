// Scenario 4 of the plan in one region: the providers' AppConfig profile, a probe per provider, and the automatic fallback on a provider's outage.
import { type Duration, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptionKey } from '../encryption-key';
import type { ProvidersConfig } from '../../config';
import { providerProfileNames, type ProviderProfileIds } from '../../contract/providers';
import { ProviderFallback } from './fallback';
import { ProviderProbes } from './probes';
import { ProviderProfile } from './profile';

export { documentFromConfig } from './profile';

/** Props of {@link ProviderFailover}. */
export interface ProviderFailoverProps {
  readonly stage: string;
  readonly providers: ProvidersConfig;
  /** Canary name of each provider (at most 21 characters). */
  readonly canaryName: (provider: string) => string;
  /** Fixed name of each provider's outage alarm. */
  readonly alarmName: (provider: string) => string;
  /** Paged on an outage and on every switch. */
  readonly highTopic: sns.ITopic;
  /** Notified when a probe stops reporting. */
  readonly mediumTopic: sns.ITopic;
  /** The alert topics' key, to publish to the high topic. */
  readonly alertTopicKey: kms.IKey;
  /** This region's status page publisher. */
  readonly publisher: lambda.IFunction;
  readonly accessLogBucket: s3.IBucket;
  readonly artifactRetention: Duration;
}

/** The profile the orchestrator reads, the probes that watch the providers, and the switch between them. */
export class ProviderFailover extends Construct {
  public readonly profile: ProviderProfile;
  public readonly probes: ProviderProbes;
  public readonly fallback: ProviderFallback;
  /** The ids `dr providers` reads (lib/contract `ProviderProfileIds`). */
  public readonly idsParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: ProviderFailoverProps) {
    super(scope, id);
    this.probes = new ProviderProbes(this, 'Probes', {
      targets: props.providers.catalog.map((provider) => ({
        provider: provider.name,
        healthUrl: provider.healthUrl,
        canaryName: props.canaryName(provider.name),
        alarmName: props.alarmName(provider.name),
      })),
      interval: props.providers.probeInterval,
      topic: props.highTopic,
      silenceTopic: props.mediumTopic,
      accessLogBucket: props.accessLogBucket,
      artifactRetention: props.artifactRetention,
    });
    this.profile = new ProviderProfile(this, 'Profile', {
      stage: props.stage,
      providers: props.providers,
      outageAlarms: this.probes.probes.map((probe) => probe.outageAlarm),
    });
    const ids: ProviderProfileIds = {
      applicationId: this.profile.application.applicationId,
      environmentId: this.profile.environment.environmentId,
      configurationProfileId: this.profile.configuration.configurationProfileId,
      gradualStrategyId: this.profile.gradual.deploymentStrategyId,
      immediateStrategyId: this.profile.immediate.deploymentStrategyId,
      alarms: this.probes.probes.map((probe) => ({
        provider: probe.provider,
        alarmName: probe.outageAlarm.alarmName,
        alarmArn: probe.outageAlarm.alarmArn,
      })),
      monitorRoleArn: this.profile.monitorRole.roleArn,
    };
    this.idsParameter = new ssm.StringParameter(this, 'Ids', {
      parameterName: providerProfileNames(props.stage).idsParameter,
      stringValue: Stack.of(this).toJsonString(ids),
      description: 'Ids of the providers AppConfig profile and alarms in this region, for dr providers',
    });
    this.fallback = new ProviderFallback(this, 'Fallback', {
      stage: props.stage,
      profile: this.profile,
      probes: this.probes.probes,
      publisher: props.publisher,
      alertTopic: props.highTopic,
      alertTopicKey: props.alertTopicKey,
      encryptionKey: new EncryptionKey(this, 'Key', { purpose: 'provider fallback function' }).key,
    });
  }
}
