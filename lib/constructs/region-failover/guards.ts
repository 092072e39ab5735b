// The steps before anything changes: input validation, the lock, the anti-flap cooldown and the decision re-check; and the lock's release.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import {
  DECISION_TABLE,
  FAILOVER_ACTIONS,
  FAILOVER_REQUESTERS,
  LOCK_KEYS,
  ALARM_STATE_OF_SIGNAL,
} from '../../contract';
import { MUTATE_RETRY, READ_RETRY, jsonata, literal, runTimeout, type StepContext } from './states';

/** The error a refused second run fails with, while the first holds the lock. */
export const LOCK_HELD_ERROR = 'FailoverInProgress';
/** The error of a run whose input is malformed. */
export const INVALID_INPUT_ERROR = 'InvalidFailoverInput';

const ME = '$states.context.Execution.Id';
const list = (values: readonly string[]) => `[${values.map(literal).join(', ')}]`;

/**
 * The problems of the input in JSONata, the same rules as `failoverInputProblems` in lib/contract,
 * plus what this region's machine does not offer: alarm-started runs without a decision, and
 * failback without the fence.
 */
export function inputProblems(context: StepContext): string {
  const { props } = context;
  const input = '$states.input';
  const rules: [string, string][] = [
    [
      `${input}.action in ${list(FAILOVER_ACTIONS)}`,
      `'action must be one of ${FAILOVER_ACTIONS.join(', ')}, got: ' & $string(${input}.action)`,
    ],
    [
      `${input}.requestedBy in ${list(FAILOVER_REQUESTERS)}`,
      `'requestedBy must be one of ${FAILOVER_REQUESTERS.join(', ')}, got: ' & $string(${input}.requestedBy)`,
    ],
    [`$not($exists(${input}.reason)) or $type(${input}.reason) = 'string'`, `'reason must be a string when given'`],
    [
      `$not($exists(${input}.operator)) or $type(${input}.operator) = 'string'`,
      `'operator must be a string when given'`,
    ],
    [
      `${input}.requestedBy != 'alarm' or ${input}.action = 'activate'`,
      `'an alarm may only activate; ' & $string(${input}.action) & ' needs requestedBy operator'`,
    ],
    props.decision
      ? ['true', "''"]
      : [
          `${input}.requestedBy != 'alarm'`,
          `'this region does not activate itself on an alarm; an operator starts its runs'`,
        ],
    props.fence
      ? ['true', "''"]
      : [
          `${input}.action != 'failback'`,
          `'failback runs in the region that owns the DNS fence (the secondary), not in ${context.region}'`,
        ],
  ];
  const checks = rules.map(([ok, problem]) => `((${ok}) ? '' : ${problem})`).join(', ');
  // $append: Step Functions refuses an expression that returns nothing, which $filter does when no rule fails.
  return `$append([], $filter([${checks}], function($p) { $p != '' }))`;
}

/** The decision table as a JSONata object: `ALARM|OK` to `page`, and so on. */
export function decisionLookup(): string {
  const entries = DECISION_TABLE.map(
    (row) => `'${ALARM_STATE_OF_SIGNAL[row.probe]}|${ALARM_STATE_OF_SIGNAL[row.route53]}': '${row.outcome}'`,
  );
  return `{${entries.join(', ')}}`;
}

/** Releases the lock if this run holds it; `id` names the state. Never fails the run. */
export function releaseLock(context: StepContext, id: string): tasks.CallAwsService {
  const task = tasks.CallAwsService.jsonata(context.scope, id, {
    service: 'dynamodb',
    action: 'deleteItem',
    iamResources: [context.arns.lockTable],
    parameters: {
      TableName: context.props.lockTableName,
      Key: { pk: { S: LOCK_KEYS.run } },
      ConditionExpression: 'executionArn = :me',
      ExpressionAttributeValues: { ':me': { S: jsonata(ME) } },
    },
    // The state's input passes on: a failure's error stays what the notice reports.
    outputs: jsonata('$states.input'),
  });
  task.addRetry({
    ...MUTATE_RETRY,
    errors: ['DynamoDb.ProvisionedThroughputExceededException', 'DynamoDb.InternalServerErrorException'],
  });
  return task;
}

/** What {@link guards} builds. */
export interface Guards {
  /** The first state. */
  readonly start: sfn.IChainable;
  /** Where the guards lead when the run may go on. */
  readonly proceed: (next: sfn.IChainable) => void;
}

/**
 * ReadInput → InputValid? → AcquireLock → (alarm-started: GetLastActivation → InCooldown? →
 * RecheckDecision → DecisionStillAct?). A refusal after the lock releases it, pages and fails; a
 * refusal at the lock pages and fails without touching the lock, which the first run holds.
 */
export function guards(context: StepContext, failure: sfn.IChainable): Guards {
  const { scope, props, arns } = context;
  const table = props.lockTableName;
  const readInput = sfn.Pass.jsonata(scope, 'ReadInput', {
    assign: {
      // A missing field is '' here: Step Functions refuses an expression that returns nothing.
      action: jsonata("$exists($states.input.action) ? $string($states.input.action) : ''"),
      requestedBy: jsonata("$exists($states.input.requestedBy) ? $string($states.input.requestedBy) : ''"),
      requestReason: jsonata("$exists($states.input.reason) ? $string($states.input.reason) : ''"),
      problems: jsonata(inputProblems(context)),
    },
  });
  const invalid = sfn.Fail.jsonata(scope, 'InvalidInput', {
    error: INVALID_INPUT_ERROR,
    cause: jsonata(
      `'malformed input: ' & $join($problems, '; ') & '. Expected {"action": "activate"|"switchover"|"failback", "requestedBy": "alarm"|"operator", "reason"?, "operator"?}'`,
    ),
  });

  const acquire = tasks.CallAwsService.jsonata(scope, 'AcquireLock', {
    comment: 'One run at a time per stage: a lock item holding this execution, expiring with the run',
    service: 'dynamodb',
    action: 'putItem',
    iamResources: [arns.lockTable],
    parameters: {
      TableName: table,
      Item: {
        pk: { S: LOCK_KEYS.run },
        executionArn: { S: jsonata(ME) },
        action: { S: jsonata('$action') },
        // The run cannot outlive its own timeout, so neither can its lock.
        expiresAt: {
          N: jsonata(
            `$string($toMillis($states.context.Execution.StartTime) + ${runTimeout(context.props).toMilliseconds()})`,
          ),
        },
      },
      // A retry of this put after it landed finds its own execution and goes on.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR executionArn = :me',
      ExpressionAttributeValues: { ':now': { N: jsonata('$string($millis())') }, ':me': { S: jsonata(ME) } },
    },
  });
  acquire.addRetry({
    ...MUTATE_RETRY,
    errors: ['DynamoDb.ProvisionedThroughputExceededException', 'DynamoDb.InternalServerErrorException'],
  });
  const lockHeld = tasks.SnsPublish.jsonata(scope, 'NotifyLockHeld', {
    topic: props.alertTopic,
    subject: `${props.stageLabel}: a second failover run was refused`,
    message: sfn.TaskInput.fromText(
      jsonata(
        `'${props.stageLabel}: run ' & $states.context.Execution.Name & ' (' & $action & ', requested by ' & $requestedBy & ') was refused: another run of ${context.region} holds the lock in ${table}. The first run goes on.'`,
      ),
    ),
  }).next(
    sfn.Fail.jsonata(scope, 'LockHeld', { error: LOCK_HELD_ERROR, cause: `another run holds the lock in ${table}` }),
  );
  acquire.addCatch(lockHeld, { errors: ['DynamoDb.ConditionalCheckFailedException'] });
  acquire.addCatch(failure);

  readInput.next(
    sfn.Choice.jsonata(scope, 'InputValid?')
      .when(sfn.Condition.jsonata(jsonata('$count($problems) = 0')), acquire)
      .otherwise(invalid),
  );

  if (!props.decision || !arns.decisionAlarms) {
    return { start: readInput, proceed: (next) => acquire.next(next) };
  }

  const refused = releaseLock(context, 'ReleaseLockRefused');
  refused.addCatch(sfn.Pass.jsonata(scope, 'LockReleaseFailedOnRefusal', {}).next(notifyRefused(context)));
  refused.next(notifyRefused(context));
  const refuse = (id: string, error: string, cause: string) =>
    sfn.Pass.jsonata(scope, id, { assign: { refusal: { error, cause: jsonata(cause) } } }).next(refused);

  const lastActivation = tasks.CallAwsService.jsonata(scope, 'GetLastActivation', {
    service: 'dynamodb',
    action: 'getItem',
    iamResources: [arns.lockTable],
    parameters: { TableName: table, Key: { pk: { S: LOCK_KEYS.lastActivation } }, ConsistentRead: true },
    assign: {
      lastActivationAt: jsonata('$exists($states.result.Item.at.N) ? $number($states.result.Item.at.N) : 0'),
    },
  });
  lastActivation.addRetry(READ_RETRY);
  const cooldownMs = props.cooldown.toMilliseconds();
  const recheck = tasks.CallAwsService.jsonata(scope, 'RecheckDecision', {
    comment: 'Right before the data-loss step: both signals, read again in this region, must still say act',
    service: 'cloudwatch',
    action: 'describeAlarms',
    iamResources: [...arns.decisionAlarms],
    parameters: { AlarmNames: [props.decision.probeAlarmName, props.decision.route53ViewAlarmName] },
    assign: {
      probeState: jsonata(stateOf(props.decision.probeAlarmName)),
      route53State: jsonata(stateOf(props.decision.route53ViewAlarmName)),
      decision: jsonata(
        `$lookup(${decisionLookup()}, ${stateOf(props.decision.probeAlarmName)} & '|' & ${stateOf(props.decision.route53ViewAlarmName)})`,
      ),
    },
  });
  recheck.addRetry(READ_RETRY);
  for (const task of [lastActivation, recheck]) task.addCatch(releaseOnFailure(context, failure));

  const proceed = sfn.Pass.jsonata(scope, 'Guarded', { comment: 'Every guard passed' });
  acquire.next(
    sfn.Choice.jsonata(scope, 'AlarmStarted?')
      .when(
        sfn.Condition.jsonata(jsonata("$requestedBy = 'alarm'")),
        lastActivation.next(
          sfn.Choice.jsonata(scope, 'InCooldown?')
            .when(
              sfn.Condition.jsonata(jsonata(`$millis() < $lastActivationAt + ${cooldownMs}`)),
              refuse(
                'CooldownActive',
                'FailoverCooldown',
                `'the last activation was ' & $string($round(($millis() - $lastActivationAt) / 60000)) & ' min ago, within the cooldown of ${props.cooldown.toMinutes()} min: an alarm may not activate again; an operator can'`,
              ),
            )
            .otherwise(
              recheck.next(
                sfn.Choice.jsonata(scope, 'DecisionStillAct?')
                  .when(sfn.Condition.jsonata(jsonata("$decision = 'act'")), proceed)
                  .otherwise(
                    refuse(
                      'DecisionChanged',
                      'DecisionNotAct',
                      `'right before promoting, S1 (probe) was ' & $probeState & ' and S2 (Route 53 view) was ' & $route53State & ': the decision table says ' & $decision & ', so nothing was promoted (docs/runbooks/failover-decision.md)'`,
                    ),
                  ),
              ),
            ),
        ),
      )
      .otherwise(proceed),
  );
  return { start: readInput, proceed: (next) => proceed.next(next) };
}

/** The state of the alarm `name` in a DescribeAlarms result, INSUFFICIENT_DATA when it is missing. */
function stateOf(name: string): string {
  return `($s := $states.result.MetricAlarms[AlarmName = ${literal(name)}].StateValue; $exists($s) ? $s : 'INSUFFICIENT_DATA')`;
}

const refusedNotices = new WeakMap<object, tasks.SnsPublish>();
/** The notice of a refused run, then its Fail; created once per scope. */
function notifyRefused(context: StepContext): tasks.SnsPublish {
  const existing = refusedNotices.get(context.scope);
  if (existing) return existing;
  const { scope, props } = context;
  const notice = tasks.SnsPublish.jsonata(scope, 'NotifyRefused', {
    topic: props.alertTopic,
    subject: `${props.stageLabel}: activating ${context.region} was refused`,
    message: sfn.TaskInput.fromText(
      jsonata(
        `'${props.stageLabel}: run ' & $states.context.Execution.Name & ' did not promote anything: ' & $refusal.error & ': ' & $refusal.cause`,
      ),
    ),
  });
  notice.next(
    sfn.Fail.jsonata(scope, 'Refused', { error: jsonata('$refusal.error'), cause: jsonata('$refusal.cause') }),
  );
  refusedNotices.set(scope, notice);
  return notice;
}

const failureReleases = new WeakMap<object, tasks.CallAwsService>();
/** Releases the lock, then goes to `failure`, whatever the release did; created once per scope. */
export function releaseOnFailure(context: StepContext, failure: sfn.IChainable): tasks.CallAwsService {
  const existing = failureReleases.get(context.scope);
  if (existing) return existing;
  const release = releaseLock(context, 'ReleaseLockAfterFailure');
  release.addCatch(failure, { outputs: jsonata('$states.input') });
  release.next(failure);
  failureReleases.set(context.scope, release);
  return release;
}
