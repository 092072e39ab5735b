// The escalation of a region's critical alarms: a state machine that pages the plan's three levels at 0, 15 and 30 minutes until acknowledged.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { EscalationLevels } from '../../config';
import { ESCALATION_LEVELS, INCIDENT_ITEM, type EscalationInput } from '../../contract';
import { channelsOf, subscriptionFor } from '../alert-topics';
import { allowLogsToUseKey } from '../encryption-key';
import { EncryptedDeadLetterQueue } from '../encrypted-dead-letter-queue';
import { deliverExecutionLogs } from '../state-machine-log-delivery';
import { escalationDefinition } from './definition';

/** Props of {@link Escalation}. */
export interface EscalationProps {
  /** How pages name the stage, for example `async-toolformer prod`. */
  readonly stageLabel: string;
  /** Prefix of the level topics' names, for example `async-toolformer-prod`. */
  readonly namePrefix: string;
  /** Fixed name of the state machine; the rule is named after it. */
  readonly stateMachineName: string;
  /** Name of the incident table (lib/contract `incidentTableName`), which page-ack writes. */
  readonly tableName: string;
  /**
   * Who each level pages.
   * @default - nobody: the levels' topics have no subscriber
   */
  readonly levels?: EscalationLevels;
  /** The region's critical topic: the alarms that notify it are the ones escalated. */
  readonly criticalTopic: sns.ITopic;
  /**
   * The region's high topic, which pages the on-call engineer directly: the escalation's own alarms
   * (a run that failed, an event it never got) notify it, since they cannot page through the escalation.
   */
  readonly highTopic: sns.ITopic;
  /** The alert topics' key: level topics, the incident table, the execution log and the rule's dead letters. */
  readonly key: kms.IKey;
  /** The operator's acknowledgement command as the page tells it, without `--alarm`. */
  readonly ackCommand: string;
}

/**
 * Incident Manager is closed to new customers since November 7, 2025 (AWS Systems Manager Incident
 * Manager user guide, "AWS Systems Manager Incident Manager availability change"), so the plan's
 * escalation is built here: every alarm state change to ALARM of this region starts a run, which
 * goes on only for an alarm that notifies the critical topic, records the incident once, and pages
 * level 1 at once, level 2 at 15 and level 3 at 30 minutes ({@link ESCALATION_LEVELS}) unless
 * `page-ack` recorded an acknowledgement first. Each region has its own, so either pages alone.
 */
export class Escalation extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** One topic per level, in {@link ESCALATION_LEVELS} order. */
  public readonly levelTopics: readonly sns.Topic[];
  /** Incidents by alarm and time: opened by the state machine, acknowledged by page-ack. */
  public readonly table: dynamodb.Table;
  /** Starts a run on every alarm's change to ALARM in this region. */
  public readonly rule: events.Rule;
  public readonly logGroup: logs.LogGroup;
  /** A run that failed or timed out, and an event the rule could not deliver: pages that may not have gone out. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: EscalationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.levelTopics = ESCALATION_LEVELS.map((level) => {
      const topic = new sns.Topic(this, `Level${level.level}`, {
        topicName: `${props.namePrefix}-page-level-${level.level}`,
        displayName: `${props.stageLabel} page level ${level.level}`,
        masterKey: props.key,
        enforceSSL: true,
      });
      const contact = props.levels?.[level.key];
      for (const channel of contact ? channelsOf(contact) : []) topic.addSubscription(subscriptionFor(channel));
      return topic;
    });

    this.table = new dynamodb.Table(this, 'Incidents', {
      tableName: props.tableName,
      partitionKey: { name: INCIDENT_ITEM.alarm, type: dynamodb.AttributeType.STRING },
      sortKey: { name: INCIDENT_ITEM.openedAt, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      timeToLiveAttribute: INCIDENT_ITEM.expiresAt,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Who acknowledged what and when: the post-mortem reads it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.table).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'Holds only incident records (alarm, time, who acknowledged), which expire after 90 days; point-in-time ' +
        'recovery covers 35 days of them, and each region has its own table, so a backup plan would protect nothing more.',
    });

    const alarmsArn = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    allowLogsToUseKey(this, props.key);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      // The record of who was paged when.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Pages the escalation levels of ${props.stageLabel} in ${stack.region} until acknowledged`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        escalationDefinition({
          scope: this,
          stageLabel: props.stageLabel,
          criticalTopic: props.criticalTopic,
          levelTopics: this.levelTopics,
          table: this.table,
          ackCommand: props.ackCommand,
          alarmsArn,
        }),
      ),
      tracingEnabled: true,
    });
    // The level topics and the incident table are encrypted with the alerts key: publishing needs a
    // data key, and DynamoDB reads and writes a table of a customer-managed key with the caller's rights.
    props.key.grant(this.stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:DescribeKey');
    deliverExecutionLogs(this.stateMachine, this.logGroup);
    this.acknowledgeRolePolicy(alarmsArn);

    const { rule, deadLetterQueue } = this.startRule(props);
    this.rule = rule;
    this.alarms = this.selfAlarms(props, deadLetterQueue);
  }

  private selfAlarms(props: EscalationProps, deadLetterQueue: sqs.IQueue): cloudwatch.Alarm[] {
    const notify = new actions.SnsAction(props.highTopic);
    const failed = new cloudwatch.MathExpression({
      expression: 'failed + timedOut',
      usingMetrics: {
        failed: this.stateMachine.metricFailed({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
        timedOut: this.stateMachine.metricTimedOut({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
      },
      period: Duration.minutes(1),
    });
    const alarms = [
      failed.createAlarm(this, 'RunFailedAlarm', {
        alarmDescription: `An escalation run of ${props.stateMachineName} failed: a critical alarm's pages may not have gone out; read its execution history`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, 'StartDeadLettersAlarm', {
          alarmDescription: `An alarm's change to ALARM never started ${props.stateMachineName}: its escalation did not run; the event is in the dead-letter queue`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(notify);
    return alarms;
  }

  /** The rule, its role and its dead-letter queue: an event EventBridge could not deliver is a page that never started. */
  private startRule(props: EscalationProps): { rule: events.Rule; deadLetterQueue: sqs.IQueue } {
    const stack = Stack.of(this);
    const ruleName = `${props.stateMachineName}-start`;
    const deadLetterQueue = new EncryptedDeadLetterQueue(this, 'StartDeadLetters', {
      encryptionKey: props.key,
      deadLettersOf: 'the escalation start rule',
    });
    // EventBridge writes to the encrypted queue itself; the rule's ARN is spelled from its fixed name.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: {
            'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }),
          },
        },
      }),
    );
    const rule = new events.Rule(this, 'Start', {
      ruleName,
      description: `Starts ${props.stateMachineName} on every alarm's change to ALARM; the run pages only for critical alarms`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
    });
    const input: Record<keyof EscalationInput, string> = {
      alarm: events.EventField.fromPath('$.detail.alarmName'),
      changedAt: events.EventField.fromPath('$.detail.state.timestamp'),
      reason: events.EventField.fromPath('$.detail.state.reason'),
    };
    const role = new iam.Role(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `EventBridge: starts ${props.stateMachineName} when an alarm enters ALARM`,
      managedPolicies: [
        new iam.ManagedPolicy(this, 'StartPolicy', {
          description: `What the escalation start rule may do: start ${props.stateMachineName}`,
          statements: [
            new iam.PolicyStatement({
              actions: ['states:StartExecution'],
              resources: [this.stateMachine.stateMachineArn],
            }),
          ],
        }),
      ],
    });
    rule.addTarget(
      new targets.SfnStateMachine(this.stateMachine, {
        role: role.withoutPolicyUpdates(),
        deadLetterQueue,
        input: events.RuleTargetInput.fromObject(input),
      }),
    );
    return { rule, deadLetterQueue };
  }

  private acknowledgeRolePolicy(alarmsArn: string): void {
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    Validations.of(policy).acknowledge(
      {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          "Step Functions execution role generated by CDK: its inline policy only reads alarms, writes this escalation's incident table, publishes to its level topics and delivers its logs and traces.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${alarmsArn}]`,
        reason:
          'DescribeAlarms of the alarm that changed state, whose name is known only at run time: any alarm of this account and region, read only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries and ' +
          'DescribeLogGroups (log delivery setup) and xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and ' +
          'GetSamplingTargets support no resource-level permissions.',
      },
    );
  }
}
