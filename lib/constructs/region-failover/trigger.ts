// What starts a region failover without a human: an EventBridge rule on an alarm entering ALARM, with retries and a dead-letter queue.
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ALARM_ACTIVATION_INPUT } from '../../contract';
import { EncryptedDeadLetterQueue } from '../encrypted-dead-letter-queue';
import type { RegionFailoverTrigger } from './props';

/** What {@link failoverTrigger} starts and with which key. */
export interface FailoverTriggerOptions {
  readonly trigger: RegionFailoverTrigger;
  readonly stateMachine: sfn.IStateMachine;
  /** Fixed name of the state machine; the rule is named after it. */
  readonly stateMachineName: string;
  /** Key of the dead-letter queue; a key of this app, so EventBridge can be admitted to it. */
  readonly encryptionKey: kms.IKey;
}

/** The rule and its dead-letter queue: `TriggerDeadLetters`, `Trigger`, `TriggerPolicy` and `TriggerRole` in `scope`. */
export function failoverTrigger(
  scope: Construct,
  options: FailoverTriggerOptions,
): { rule: events.Rule; deadLetterQueue: sqs.Queue } {
  const { trigger, stateMachine, stateMachineName, encryptionKey } = options;
  const stack = Stack.of(scope);
  const deadLetterQueue = new EncryptedDeadLetterQueue(scope, 'TriggerDeadLetters', {
    encryptionKey,
    deadLettersOf: 'the failover trigger',
  });
  const ruleName = `${stateMachineName}-trigger`;
  const rule = new events.Rule(scope, 'Trigger', {
    ruleName,
    // Names only the state machine: the alarm's name would be one more reference to the alarm's stack.
    description: `Starts ${stateMachineName} when the alarm of its event pattern enters ALARM`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [trigger.alarm.alarmArn],
      detail: { state: { value: ['ALARM'] } },
    },
  });
  // EventBridge writes to the encrypted DLQ itself, so the key must admit it, for this rule only.
  // The rule's ARN is spelled from its fixed name: a reference would make the key wait for the
  // rule, which waits for the state machine, whose log group waits for the key.
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
  const granted = encryptionKey.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': ruleArn } },
    }),
  );
  if (!granted.statementAdded) {
    throw new Error(`the encryption key given to ${scope.node.path} is imported; pass a key created in this app`);
  }
  const startPolicy = new iam.ManagedPolicy(scope, 'TriggerPolicy', {
    description: `What the failover trigger may do: start ${stateMachineName}`,
    statements: [
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }),
    ],
  });
  const role = new iam.Role(scope, 'TriggerRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `EventBridge: starts ${stateMachineName} when its trigger alarm enters ALARM`,
    managedPolicies: [startPolicy],
  });
  rule.addTarget(
    new targets.SfnStateMachine(stateMachine, {
      role: role.withoutPolicyUpdates(),
      deadLetterQueue,
      retryAttempts: trigger.retryAttempts,
      maxEventAge: trigger.maxEventAge,
      // Kept in the execution's input, so its history says what started the run.
      input: events.RuleTargetInput.fromObject({
        ...ALARM_ACTIVATION_INPUT,
        alarm: events.EventField.fromPath('$.detail.alarmName'),
        reason: events.EventField.fromPath('$.detail.state.reason'),
      }),
    }),
  );
  return { rule, deadLetterQueue };
}
