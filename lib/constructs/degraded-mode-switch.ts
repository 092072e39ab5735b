// The rate-limiter mode parameter and the Lambda that flips it on ElastiCache events, alerting on every switch.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { FUNCTIONS, NORMAL_MODE, RATE_LIMITER_MODES } from '../contract';
import { DrFunction } from './dr-function';

/** Props of {@link DegradedModeSwitch}. */
export interface DegradedModeSwitchProps {
  /** Name of the mode parameter the orchestrator reads, for example `/async-toolformer/prod/rate-limiter/mode`. */
  readonly parameterName: string;
  /** The replication group whose events the switch acts on; events about other groups are ignored. */
  readonly replicationGroupId: string;
  /** Name of the topic ElastiCache publishes events to. */
  readonly eventsTopicName: string;
  /** Topic every switch is announced on (high severity). */
  readonly alertTopic: sns.ITopic;
  /** Key of {@link alertTopic}, which the function must use to publish to it. */
  readonly alertTopicKey: kms.IKey;
  /** Key for the function's logs, dead-letter queue and environment. */
  readonly encryptionKey: kms.IKey;
  /** Stage, for the function's metrics dimensions and alert text. */
  readonly stage: string;
}

/**
 * ElastiCache event notifications -> SNS topic -> the switch function -> the mode parameter (and
 * an alert on the high topic). Reserved concurrency 1 makes switches happen one at a time, in the
 * order the events arrive.
 */
export class DegradedModeSwitch extends Construct {
  public readonly parameter: ssm.StringParameter;
  /** The topic to give the replication group as its notification topic. */
  public readonly eventsTopic: sns.Topic;
  public readonly function: DrFunction;

  constructor(scope: Construct, id: string, props: DegradedModeSwitchProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.parameter = new ssm.StringParameter(this, 'ModeParameter', {
      parameterName: props.parameterName,
      // Starts on Redis. CloudFormation rewrites this value only when this resource itself changes,
      // so a stack update does not undo a switch the function made.
      stringValue: NORMAL_MODE,
      allowedPattern: `^(${RATE_LIMITER_MODES.join('|')})$`,
      description: 'Rate limiter mode the orchestrator reads: redis, or in-memory while ElastiCache is unavailable',
    });

    this.eventsTopic = new sns.Topic(this, 'EventsTopic', {
      topicName: props.eventsTopicName,
      displayName: 'ElastiCache events for the degraded-mode switch',
      enforceSSL: true,
    });
    // ElastiCache publishes only where the policy names the owner with aws:SourceOwner; a policy of
    // ours replaces SNS's default one, so the statement must be explicit.
    this.eventsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowElastiCacheEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.eventsTopic.topicArn],
        conditions: { StringEquals: { 'AWS:SourceOwner': stack.account } },
      }),
    );
    Validations.of(this.eventsTopic).acknowledge(
      {
        id: 'AwsSolutions-SNS2',
        reason:
          'ElastiCache cannot publish event notifications to an encrypted topic (it marks such a topic inactive). ' +
          'The messages name only an event and a cluster id; the topic is TLS-only and admits only this account.',
      },
      {
        id: 'NIST.800.53.R5-SNSEncryptedKMS',
        reason:
          'ElastiCache cannot publish event notifications to a KMS-encrypted topic (it marks such a topic inactive). ' +
          'The messages name only an event and a cluster id; the topic is TLS-only and admits only this account.',
      },
    );
    skipCheckov(
      this.eventsTopic,
      'CKV_AWS_26',
      'ElastiCache cannot publish event notifications to a KMS-encrypted topic (it marks such a topic inactive). ' +
        'The messages name only an event and a cluster id; the topic is TLS-only and admits only this account.',
    );

    this.function = new DrFunction(this, 'Function', {
      contract: FUNCTIONS.degradedModeSwitch,
      description: `Flips ${props.parameterName} between redis and in-memory on ElastiCache events of ${props.replicationGroupId}`,
      stage: props.stage,
      encryptionKey: props.encryptionKey,
      // One at a time: two events handled in parallel could finish out of order and leave the older state.
      reservedConcurrentExecutions: 1,
      environment: {
        MODE_PARAMETER_NAME: props.parameterName,
        REPLICATION_GROUP_ID: props.replicationGroupId,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
      },
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [this.parameter.parameterArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
    );
    // The alert topic is KMS-encrypted: publishing needs a data key from its key.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.alertTopicKey.keyArn],
      }),
    );
    this.eventsTopic.addSubscription(new subscriptions.LambdaSubscription(this.function.function));
  }
}
