// What every game day's definition shares: the step clock (each step timed by $millis()), the approval gate, the alarm check and the recording of the result.
import { Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { GAME_DAY_STEPS, type GameDayId } from '../../contract/game-days';

/** A JSONata expression as Step Functions wants it in a string field. */
export const jsonata = (expression: string) => `{% ${expression} %}`;

/** A JSONata string literal of `text`. */
export const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** What the step builders read. */
export interface GameDayContext {
  /** Scope of every state: a state's construct id is its name in the definition. */
  readonly scope: Construct;
  readonly gameDay: GameDayId;
  /** The recorder function: records the result (and renders the communication test's notices). */
  readonly recorder: lambda.IFunction;
  /** The configured primary region, where every move must end. */
  readonly primaryRegion: string;
  /**
   * When set, the run first waits for a human's SendTaskSuccess (prod): the request goes to this topic.
   * @default - no approval: the run starts at once (staging)
   */
  readonly approval?: { readonly topic: sns.ITopic; readonly timeout: Duration; readonly stageLabel: string };
}

/** The step list with one more step, ended now; `detail` is a JSONata expression. */
function appended(name: string, succeeded: boolean, detail: string): string {
  return `$append($steps, [{'name': '${name}', 'startedAt': $stepStartedAt, 'endedAt': $millis(), 'succeeded': ${succeeded}, 'detail': $string(${detail})}])`;
}

/**
 * The assignments of a state that ends a step: the step appended, the clock restarted. Step Functions
 * evaluates every assignment with the values from before the state, so the step keeps its start.
 */
export function stepDone(name: string, detail = "'done'", more: Record<string, string> = {}): Record<string, string> {
  return { steps: jsonata(appended(name, true, detail)), stepStartedAt: jsonata('$millis()'), ...more };
}

/** The same for a step that failed; `detail` defaults to the error and its cause. */
export function stepFailed(
  name: string,
  detail = "$states.errorOutput.Error & ': ' & $states.errorOutput.Cause",
): Record<string, string> {
  return { steps: jsonata(appended(name, false, detail)), stepStartedAt: jsonata('$millis()') };
}

/** Catches every error of `state` as a failed step `name`, going on at `next`. */
export function failInto(state: sfn.TaskStateBase, name: string, next: sfn.IChainable): void {
  state.addCatch(next, { errors: [sfn.Errors.ALL], assign: stepFailed(name) });
}

/** A Pass that fails step `name` with a fixed reason (a deadline passed), going on at `next`. */
export function failedStep(context: GameDayContext, id: string, name: string, reason: string, next: sfn.IChainable) {
  return sfn.Pass.jsonata(context.scope, id, { assign: stepFailed(name, literal(reason)) }).next(next);
}

/** The run's first state: an empty step list, the clock started and the facts the checklist needs. */
export function begin(context: GameDayContext): sfn.Pass {
  return sfn.Pass.jsonata(context.scope, 'Begin', {
    comment: `The ${context.gameDay} game day: every step is timed from the end of the one before`,
    assign: {
      steps: [],
      stepStartedAt: jsonata('$millis()'),
      facts: { primaryRegion: context.primaryRegion },
    },
  });
}

/**
 * The prod gate: the request with its task token goes to the high topic; SendTaskSuccess with
 * `{"approvedBy": "<who>"}` starts the game day, SendTaskFailure or the timeout ends it recorded
 * as not approved.
 */
export function approvalGate(context: GameDayContext, start: sfn.IChainable, finish: sfn.IChainable): sfn.IChainable {
  const { approval } = context;
  if (!approval) return start;
  const request = tasks.SnsPublish.jsonata(context.scope, 'RequestApproval', {
    comment: 'Waits for a human: game days run in prod only when config enables them and someone approves the run',
    topic: approval.topic,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    subject: `${approval.stageLabel}: approve the ${context.gameDay} game day`.slice(0, 99),
    message: sfn.TaskInput.fromText(
      jsonata(
        `'The ${context.gameDay} game day of ${approval.stageLabel} waits for approval (${approval.timeout.toHumanString()} at most). ` +
          `Approve: aws stepfunctions send-task-success --region ${Stack.of(context.scope).region} --task-output {"approvedBy":"<you>"} --task-token ' & $states.context.Task.Token & ' (docs/runbooks/game-days.md). Execution: ' & $states.context.Execution.Id`,
      ),
    ),
    taskTimeout: sfn.Timeout.duration(approval.timeout),
    assign: stepDone(GAME_DAY_STEPS.approval, "'approved by ' & $states.result.approvedBy", {
      facts: jsonata("$merge([$facts, {'approvedBy': $states.result.approvedBy}])"),
    }),
  });
  failInto(request, GAME_DAY_STEPS.approval, finish);
  return request.next(start);
}

/**
 * The metric alarms of a DescribeAlarms answer that lack data and should not. An alarm that ignores
 * missing data keeps its state while no datapoint comes, and starts INSUFFICIENT_DATA: the DNS fence,
 * whose metric is published only by a failover or a failback, stays so until the first one. Such an
 * alarm waits for an event, it is not broken; every other INSUFFICIENT_DATA alarm is (`$not(... = ...)`
 * keeps an alarm with no TreatMissingData, where a `!=` would drop it).
 */
const LACKING_DATA = "$states.result.MetricAlarms[$not(TreatMissingData = 'ignore')]";

/** DescribeAlarms of the alarms without data, and the result recorded: the tail of every run. */
export function finish(context: GameDayContext): sfn.IChainable {
  const { scope } = context;
  const check = tasks.CallAwsService.jsonata(scope, 'CheckAlarms', {
    comment:
      'Monitoring and alerting operational: no alarm of the region lacks data at the end of the run, but those that hold their state without data by design',
    service: 'cloudwatch',
    action: 'describeAlarms',
    parameters: { StateValue: 'INSUFFICIENT_DATA', MaxRecords: 100 },
    // DescribeAlarms has no resource-level permissions for a filter by state.
    iamResources: ['*'],
    iamAction: 'cloudwatch:DescribeAlarms',
    assign: stepDone(
      GAME_DAY_STEPS.monitoringCheck,
      `$string($count(${LACKING_DATA})) & ' metric alarms without data'`,
      {
        facts: jsonata(
          `$merge([$facts, {'alarmsWithoutData': $append([], $append(${LACKING_DATA}.AlarmName, $states.result.CompositeAlarms.AlarmName))}])`,
        ),
      },
    ),
  });
  check.addRetry({ maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 });
  const record = tasks.LambdaInvoke.jsonata(scope, 'RecordResult', {
    comment: 'Judges the DR Test Checklist and writes result.json and report.md; emits the game day metrics',
    lambdaFunction: context.recorder,
    payload: sfn.TaskInput.fromObject({
      action: 'record',
      gameDay: context.gameDay,
      execution: jsonata('$states.context.Execution.Name'),
      startedAt: jsonata('$states.context.Execution.StartTime'),
      steps: jsonata('$steps'),
      facts: jsonata('$facts'),
    }),
    outputs: { passed: jsonata('$states.result.Payload.result.passed'), keys: jsonata('$states.result.Payload.keys') },
  });
  failInto(check, GAME_DAY_STEPS.monitoringCheck, record);
  const verdict = sfn.Choice.jsonata(scope, 'Passed?')
    .when(sfn.Condition.jsonata(jsonata('$states.input.passed = true')), new sfn.Succeed(scope, 'GameDayPassed'))
    .otherwise(
      new sfn.Fail(scope, 'GameDayFailed', {
        error: 'GameDayFailed',
        cause: `a checklist item of the ${context.gameDay} game day failed: read report.md of this run in the results bucket`,
      }),
    );
  return check.next(record).next(verdict);
}
