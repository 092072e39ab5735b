// The states of the escalation: is the alarm critical, open its incident once, then page level by level until someone acknowledges.
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ESCALATION_LEVELS, INCIDENT_ITEM, INCIDENT_RETENTION_DAYS } from '../../contract';

/** A JSONata expression as Step Functions wants it in a string field. */
const jsonata = (expression: string) => `{% ${expression} %}`;

/** What the states need. */
export interface EscalationStates {
  /** Scope of every state: a state's construct id is its name in the definition. */
  readonly scope: Construct;
  /** How messages name the stage, for example `async-toolformer prod`. */
  readonly stageLabel: string;
  /** The critical topic: an alarm is critical when it notifies this topic on ALARM. */
  readonly criticalTopic: sns.ITopic;
  /** One topic per level, in {@link ESCALATION_LEVELS} order. */
  readonly levelTopics: readonly sns.ITopic[];
  readonly table: dynamodb.ITable;
  /** The operator's acknowledgement command, for the page's text. */
  readonly ackCommand: string;
  /** ARN pattern of the alarms of this account and region, which Classify may describe. */
  readonly alarmsArn: string;
}

/** Reads of the incident table retry: a throttled read must not skip a level. */
const RETRY: sfn.RetryProps = { errors: ['States.TaskFailed'], maxAttempts: 3 };

/**
 * Classify → Critical? → OpenIncident → PageLevel1 → WaitForLevel2 → Acknowledged? → PageLevel2 →
 * WaitForLevel3 → Acknowledged? → PageLevel3. Every alarm's change to ALARM of the region starts a
 * run (a rule cannot tell priorities apart: only the alarm's actions say which topic it notifies),
 * and the run ends at once for an alarm that does not notify the critical topic.
 */
export function escalationDefinition(states: EscalationStates): sfn.IChainable {
  const { scope, table, criticalTopic } = states;
  const stack = Stack.of(scope);
  const key = {
    [INCIDENT_ITEM.alarm]: { S: jsonata('$alarm') },
    [INCIDENT_ITEM.openedAt]: { S: jsonata('$changedAt') },
  };

  const classify = tasks.CallAwsService.jsonata(scope, 'Classify', {
    service: 'cloudwatch',
    action: 'describeAlarms',
    parameters: {
      AlarmNames: jsonata('[$states.input.alarm]'),
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    },
    iamResources: [states.alarmsArn],
    iamAction: 'cloudwatch:DescribeAlarms',
    assign: {
      alarm: jsonata('$states.input.alarm'),
      changedAt: jsonata('$states.input.changedAt'),
      reason: jsonata('$states.input.reason'),
      critical: jsonata(
        `'${criticalTopic.topicArn}' in $append($states.result.MetricAlarms.AlarmActions, $states.result.CompositeAlarms.AlarmActions)`,
      ),
    },
  });
  classify.addRetry(RETRY);

  const open = tasks.CallAwsService.jsonata(scope, 'OpenIncident', {
    service: 'dynamodb',
    action: 'putItem',
    parameters: {
      TableName: table.tableName,
      Item: {
        ...key,
        [INCIDENT_ITEM.expiresAt]: {
          N: jsonata(`$string($floor($millis() / 1000) + ${INCIDENT_RETENTION_DAYS * 86400})`),
        },
      },
      // A second delivery of the same change finds the item: it pages nobody.
      ConditionExpression: `attribute_not_exists(${INCIDENT_ITEM.alarm})`,
    },
    iamResources: [table.tableArn],
    iamAction: 'dynamodb:PutItem',
  });
  open.addCatch(new sfn.Succeed(scope, 'AlreadyOpen'), { errors: ['DynamoDb.ConditionalCheckFailedException'] });

  const pages = ESCALATION_LEVELS.map((level, index) =>
    tasks.SnsPublish.jsonata(scope, `PageLevel${level.level}`, {
      topic: states.levelTopics[index]!,
      // SNS takes at most 100 characters of subject; alarm names may be long.
      subject: jsonata(`$substring('${states.stageLabel} level ${level.level}: ' & $alarm & ' in ALARM', 0, 100)`),
      message: sfn.TaskInput.fromText(
        jsonata(
          `'${states.stageLabel} level ${level.level} page (${level.who}${level.afterMinutes > 0 ? `, ${level.afterMinutes} min unacknowledged` : ''}): ' & ` +
            `$alarm & ' in ALARM since ' & $changedAt & ' in ${stack.region}: ' & $reason & ' Acknowledge: ${states.ackCommand} --alarm ' & $alarm`,
        ),
      ),
    }),
  );

  let chain: sfn.INextable = pages[0]!;
  ESCALATION_LEVELS.slice(1).forEach((level, offset) => {
    const previous = ESCALATION_LEVELS[offset]!;
    // Waits until the level's minute counted from the run's start, so a slow page does not push the next level later.
    const wait = sfn.Wait.jsonata(scope, `WaitForLevel${level.level}`, {
      time: sfn.WaitTime.timestamp(
        jsonata(`$fromMillis($toMillis($states.context.Execution.StartTime) + ${level.afterMinutes * 60_000})`),
      ),
    });
    const read = tasks.CallAwsService.jsonata(scope, `ReadAcknowledgement${level.level}`, {
      service: 'dynamodb',
      action: 'getItem',
      parameters: { TableName: table.tableName, Key: key, ConsistentRead: true },
      iamResources: [table.tableArn],
      iamAction: 'dynamodb:GetItem',
      assign: { acknowledged: jsonata(`$exists($states.result.Item.${INCIDENT_ITEM.acknowledgedBy})`) },
    });
    read.addRetry(RETRY);
    const acknowledged = sfn.Choice.jsonata(scope, `AcknowledgedBeforeLevel${level.level}?`)
      .when(
        sfn.Condition.jsonata(jsonata('$acknowledged')),
        new sfn.Succeed(scope, `AcknowledgedAtLevel${previous.level}`),
      )
      .otherwise(pages[offset + 1]!);
    chain.next(wait);
    wait.next(read);
    read.next(acknowledged);
    chain = pages[offset + 1]!;
  });
  chain.next(new sfn.Succeed(scope, 'EveryLevelPaged'));

  return classify.next(
    sfn.Choice.jsonata(scope, 'Critical?')
      .when(sfn.Condition.jsonata(jsonata('$critical')), open.next(pages[0]!))
      .otherwise(new sfn.Succeed(scope, 'NotCritical')),
  );
}
