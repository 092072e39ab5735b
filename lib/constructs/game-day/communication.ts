// The communication game day: the test contact paged through the escalation's incident table and acknowledged with page-ack, then the notices rendered and sent to nobody.
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { GAME_DAY_STEPS } from '../../contract/game-days';
import { INCIDENT_ITEM, INCIDENT_RETENTION_DAYS } from '../../contract/paging';
import { failInto, failedStep, jsonata, stepDone, type GameDayContext } from './steps';

/** What the communication game day pages and how long it waits. */
export interface CommunicationTarget {
  /** The escalation's incident table of this region, which page-ack writes the acknowledgement to. */
  readonly incidentTable: dynamodb.ITable;
  /** The test contact's topic. */
  readonly testContactTopic: sns.ITopic;
  /** The name the incident is opened under, and `page-ack --alarm` takes. */
  readonly incidentName: string;
  /** The acknowledgement command as pages give it, without `--alarm`. */
  readonly ackCommand: string;
  /** How long the test contact has to acknowledge. */
  readonly acknowledgeWithin: Duration;
  /** The recorder, which renders the notices. */
  readonly renderer: lambda.IFunction;
}

/** Between two reads of the acknowledgement: the step's resolution. */
const ACK_POLL = Duration.seconds(30);

export function communicationSteps(
  context: GameDayContext,
  target: CommunicationTarget,
  tail: sfn.IChainable,
): sfn.IChainable {
  const { scope } = context;
  const { communication } = GAME_DAY_STEPS;
  const table = target.incidentTable.tableName;
  const key = {
    [INCIDENT_ITEM.alarm]: { S: target.incidentName },
    [INCIDENT_ITEM.openedAt]: { S: jsonata('$states.context.Execution.StartTime') },
  };

  const render = tasks.LambdaInvoke.jsonata(scope, 'RenderNotices', {
    comment:
      'The status page with a test incident and the Initial Incident Report, written to the results bucket; nothing is sent',
    lambdaFunction: target.renderer,
    payload: sfn.TaskInput.fromObject({
      action: 'render-notices',
      gameDay: context.gameDay,
      execution: jsonata('$states.context.Execution.Name'),
      startedAt: jsonata('$states.context.Execution.StartTime'),
    }),
    assign: stepDone(
      communication.render,
      "'rendered ' & $join($states.result.Payload.keys, ', ') & '; sent to nobody'",
    ),
  });
  failInto(render, communication.render, tail);
  render.next(tail);

  const open = tasks.CallAwsService.jsonata(scope, 'OpenTestIncident', {
    comment: 'The incident the acknowledgement is recorded on, as the escalation opens one for a critical alarm',
    service: 'dynamodb',
    action: 'putItem',
    iamResources: [target.incidentTable.tableArn],
    iamAction: 'dynamodb:PutItem',
    parameters: {
      TableName: table,
      Item: {
        ...key,
        [INCIDENT_ITEM.expiresAt]: {
          N: jsonata(`$string($floor($millis() / 1000) + ${INCIDENT_RETENTION_DAYS * 86400})`),
        },
      },
    },
  });
  const page = tasks.SnsPublish.jsonata(scope, 'PageTestContact', {
    topic: target.testContactTopic,
    subject: `[TEST] game day page: ${target.incidentName}`.slice(0, 99),
    message: sfn.TaskInput.fromText(
      `[TEST] This is the communication game day's page. Acknowledge it within ${target.acknowledgeWithin.toHumanString()}: ${target.ackCommand} --alarm ${target.incidentName}`,
    ),
    assign: stepDone(communication.page, "'SNS MessageId ' & $states.result.MessageId", {
      ackDeadline: jsonata(`$millis() + ${target.acknowledgeWithin.toMilliseconds()}`),
    }),
  });
  failInto(open, communication.page, render);
  failInto(page, communication.page, render);

  const wait = sfn.Wait.jsonata(scope, 'WaitForAcknowledgement', { time: sfn.WaitTime.duration(ACK_POLL) });
  const read = tasks.CallAwsService.jsonata(scope, 'ReadAcknowledgement', {
    service: 'dynamodb',
    action: 'getItem',
    iamResources: [target.incidentTable.tableArn],
    iamAction: 'dynamodb:GetItem',
    parameters: { TableName: table, Key: key, ConsistentRead: true },
    // Before the acknowledgement the attribute is absent: an expression that yields nothing fails the state.
    assign: {
      acknowledgedBy: jsonata(
        `$exists($states.result.Item.${INCIDENT_ITEM.acknowledgedBy}.S) ? $states.result.Item.${INCIDENT_ITEM.acknowledgedBy}.S : null`,
      ),
    },
  });
  read.addRetry({ maxAttempts: 3 });
  failInto(read, communication.acknowledgement, render);
  const acknowledged = sfn.Pass.jsonata(scope, 'Acknowledged', {
    assign: stepDone(communication.acknowledgement, "'acknowledged by ' & $acknowledgedBy & ' (incident table)'", {
      facts: jsonata("$merge([$facts, {'acknowledgedBy': $acknowledgedBy}])"),
    }),
  }).next(render);
  const late = failedStep(
    context,
    'NotAcknowledged',
    communication.acknowledgement,
    `nobody acknowledged the test page within ${target.acknowledgeWithin.toHumanString()}`,
    render,
  );
  wait.next(read).next(
    sfn.Choice.jsonata(scope, 'AcknowledgedYet?')
      .when(sfn.Condition.jsonata(jsonata("$type($acknowledgedBy) = 'string'")), acknowledged)
      .when(sfn.Condition.jsonata(jsonata('$millis() > $ackDeadline')), late)
      .otherwise(wait),
  );
  return open.next(page).next(wait);
}
