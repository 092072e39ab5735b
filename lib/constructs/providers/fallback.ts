// The provider fallback: an EventBridge rule on the provider outage alarms and the function that takes the failed provider out of the AppConfig profile, posts the notice and pages.
import { ArnFormat, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PROVIDER_FALLBACK, PROVIDER_FALLBACK_ENV, type ProviderAlarm } from '../../contract/providers';
import { skipCheckov } from '../../nag/checkov';
import { DrFunction } from '../dr-function';
import type { ProviderProbe } from './probes';
import type { ProviderProfile } from './profile';

/** Props of {@link ProviderFallback}. */
export interface ProviderFallbackProps {
  readonly stage: string;
  readonly profile: ProviderProfile;
  readonly probes: readonly ProviderProbe[];
  /** This region's status page publisher, invoked with the degraded-service notice. */
  readonly publisher: lambda.IFunction;
  /** Paged on every switch. */
  readonly alertTopic: sns.ITopic;
  readonly alertTopicKey: kms.IKey;
  /** The function's logs, dead-letter queue and environment. */
  readonly encryptionKey: kms.IKey;
}

/**
 * A provider's outage alarm entering ALARM -> EventBridge -> the function, which writes a new hosted
 * version without that provider in the routing order, takes its alarm off the environment's monitors,
 * deploys the version at once, invokes the status page publisher with the degraded-service notice and
 * pages the on-call engineer. One at a time (reserved concurrency 1): two outages handled in parallel
 * would each build on the same version and the second would undo the first.
 */
export class ProviderFallback extends Construct {
  public readonly function: DrFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ProviderFallbackProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { profile } = props;
    const alarms: ProviderAlarm[] = props.probes.map((probe) => ({
      provider: probe.provider,
      alarmName: probe.outageAlarm.alarmName,
      alarmArn: probe.outageAlarm.alarmArn,
    }));
    this.function = new DrFunction(this, 'Function', {
      contract: PROVIDER_FALLBACK,
      description: 'Takes a failed provider out of the providers AppConfig profile, posts the notice, pages',
      stage: props.stage,
      encryptionKey: props.encryptionKey,
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: 1,
      environment: {
        [PROVIDER_FALLBACK_ENV.applicationId]: profile.application.applicationId,
        [PROVIDER_FALLBACK_ENV.environmentId]: profile.environment.environmentId,
        [PROVIDER_FALLBACK_ENV.profileId]: profile.configuration.configurationProfileId,
        [PROVIDER_FALLBACK_ENV.immediateStrategyId]: profile.immediate.deploymentStrategyId,
        [PROVIDER_FALLBACK_ENV.alarms]: stack.toJsonString(alarms),
        [PROVIDER_FALLBACK_ENV.monitorRoleArn]: profile.monitorRole.roleArn,
        [PROVIDER_FALLBACK_ENV.publisherName]: props.publisher.functionName,
        [PROVIDER_FALLBACK_ENV.alertTopicArn]: props.alertTopic.topicArn,
      },
    });
    const outsideVpc =
      'The fallback calls only AppConfig, Lambda and SNS. Outside a VPC it needs no NAT gateway, so a network ' +
      'fault of the region cannot stop it from switching providers.';
    Validations.of(this.function.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: outsideVpc });
    skipCheckov(this.function.function, 'CKV_AWS_117', outsideVpc);

    const appconfigArn = (resourceName: string) =>
      stack.formatArn({
        service: 'appconfig',
        resource: 'application',
        resourceName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    const app = profile.application.applicationId;
    const profileArn = appconfigArn(`${app}/configurationprofile/${profile.configuration.configurationProfileId}`);
    const environmentArn = profile.environment.environmentArn;
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HostedVersions',
        actions: [
          'appconfig:ListHostedConfigurationVersions',
          'appconfig:GetHostedConfigurationVersion',
          'appconfig:CreateHostedConfigurationVersion',
        ],
        resources: [profileArn, `${profileArn}/hostedconfigurationversion/*`],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'Monitors',
        actions: ['appconfig:GetEnvironment', 'appconfig:UpdateEnvironment'],
        resources: [environmentArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'Deploy',
        actions: ['appconfig:StartDeployment'],
        resources: [
          environmentArn,
          profileArn,
          stack.formatArn({
            service: 'appconfig',
            resource: 'deploymentstrategy',
            resourceName: profile.immediate.deploymentStrategyId,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'MonitorRole',
        actions: ['iam:PassRole'],
        resources: [profile.monitorRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'appconfig.amazonaws.com' } },
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'Notice',
        actions: ['lambda:InvokeFunction'],
        resources: [props.publisher.functionArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'Page', actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PageKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.alertTopicKey.keyArn],
      }),
    );
    const logicalId = (construct: Construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
    const profileResource = profile.configuration.node.findChild('ConfigurationProfile') as CfnElement;
    Validations.of(this.function.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:appconfig:${stack.region}:${stack.account}:application/<${logicalId(profile.application)}>/configurationprofile/<${stack.getLogicalId(profileResource)}>/hostedconfigurationversion/*]`,
      reason:
        'Hosted versions of the providers profile only: the function reads the newest and writes the next, whose numbers AppConfig assigns.',
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'A provider outage alarm entered ALARM: take the provider out of the routing order',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: alarms.map((alarm) => alarm.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        new targets.LambdaFunction(this.function.function, { retryAttempts: 8, maxEventAge: Duration.hours(2) }),
      ],
    });
  }
}
