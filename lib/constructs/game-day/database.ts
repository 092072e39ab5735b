// The database and region game days: a planned switchover of the Aurora global cluster to the secondary and back, or of everything through the region failover state machine and back.
import type { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { GAME_DAY_STEPS } from '../../contract/game-days';
import { failInto, failedStep, jsonata, stepDone, type GameDayContext } from './steps';

/** The Aurora global cluster the database game day moves. */
export interface GlobalClusterTarget {
  readonly globalClusterIdentifier: string;
  /** ARN of the global cluster (no region), which the calls are granted on. */
  readonly globalClusterArn: string;
  /** ARNs of the secondary's and the primary's member clusters: the switchover goes to the first and back to the second. */
  readonly secondaryClusterArn: string;
  readonly primaryClusterArn: string;
  /** Pause between two looks at the writer. */
  readonly pollInterval: Duration;
  /** How long each move may take before the step fails. */
  readonly moveTimeout: Duration;
}

/** The writer member's region, from DescribeGlobalClusters (Step Functions spells it DbClusterArn; the API reference DBClusterArn). */
const WRITER_REGION =
  "$split($append($states.result.GlobalClusters[0].GlobalClusterMembers[IsWriter = true].DbClusterArn, $states.result.GlobalClusters[0].GlobalClusterMembers[IsWriter = true].DBClusterArn)[0], ':')[3]";

function describe(context: GameDayContext, id: string, target: GlobalClusterTarget, assign: Record<string, string>) {
  const task = tasks.CallAwsService.jsonata(context.scope, id, {
    service: 'rds',
    action: 'describeGlobalClusters',
    iamResources: [target.globalClusterArn],
    parameters: { GlobalClusterIdentifier: target.globalClusterIdentifier },
    assign,
  });
  task.addRetry({ maxAttempts: 3 });
  return task;
}

/** Reads where the writer ended: the checklist's service-functionality fact. */
export function readWriter(context: GameDayContext, target: GlobalClusterTarget): tasks.CallAwsService {
  return describe(context, 'ReadWriterAfter', target, {
    facts: jsonata(`$merge([$facts, {'writerRegionAfter': ${WRITER_REGION}}])`),
  });
}

/**
 * SwitchoverGlobalCluster to `targetArn`, then DescribeGlobalClusters every poll interval until it
 * is the writer: the step's time is the switchover as the service delivers it.
 */
function move(
  context: GameDayContext,
  target: GlobalClusterTarget,
  prefix: string,
  step: string,
  targetArn: string,
  next: sfn.IChainable,
  onFailure: sfn.IChainable,
): sfn.IChainable {
  const { scope } = context;
  const call = tasks.CallAwsService.jsonata(scope, `${prefix}SwitchoverGlobalCluster`, {
    comment: 'Planned: nothing is lost, both regions answer',
    service: 'rds',
    action: 'switchoverGlobalCluster',
    iamResources: [target.globalClusterArn, target.secondaryClusterArn, target.primaryClusterArn],
    parameters: { GlobalClusterIdentifier: target.globalClusterIdentifier, TargetDbClusterIdentifier: targetArn },
    assign: { deadline: jsonata(`$millis() + ${target.moveTimeout.toMilliseconds()}`) },
  });
  const wait = sfn.Wait.jsonata(scope, `${prefix}WaitForWriter`, { time: sfn.WaitTime.duration(target.pollInterval) });
  const members = `$states.result.GlobalClusters[0].GlobalClusterMembers[DbClusterArn = '${targetArn}' or DBClusterArn = '${targetArn}']`;
  const poll = describe(context, `${prefix}DescribeGlobalCluster`, target, {
    writerMoved: jsonata(`${members}.IsWriter = true`),
  });
  const moved = sfn.Pass.jsonata(scope, `${prefix}WriterMoved`, {
    assign: stepDone(
      step,
      `'SwitchoverGlobalCluster to ${targetArn.replace(/'/g, '')}; DescribeGlobalClusters shows it the writer'`,
    ),
  }).next(next);
  const timedOut = failedStep(
    context,
    `${prefix}MoveTimedOut`,
    step,
    `the target was not the writer ${target.moveTimeout.toHumanString()} after SwitchoverGlobalCluster`,
    onFailure,
  );
  failInto(call, step, onFailure);
  failInto(poll, step, onFailure);
  call.next(wait);
  wait.next(poll);
  poll.next(
    sfn.Choice.jsonata(scope, `${prefix}WriterMoved?`)
      .when(sfn.Condition.jsonata(jsonata('$writerMoved')), moved)
      .when(sfn.Condition.jsonata(jsonata('$millis() > $deadline')), timedOut)
      .otherwise(wait),
  );
  return call;
}

/** The database game day's moves: to the secondary, then back to the primary. */
export function databaseMoves(
  context: GameDayContext,
  target: GlobalClusterTarget,
  tail: sfn.IChainable,
): sfn.IChainable {
  const { database } = GAME_DAY_STEPS;
  const after = readWriter(context, target);
  after.addCatch(tail, { errors: [sfn.Errors.ALL] });
  after.next(tail);
  const back = move(context, target, 'Back', database.switchback, target.primaryClusterArn, after, after);
  return move(context, target, 'Out', database.switchover, target.secondaryClusterArn, back, after);
}

/** The region game day's moves: the region failover state machine's planned switchover, then its failback, each as a nested execution. */
export function regionMoves(
  context: GameDayContext,
  failover: sfn.IStateMachine,
  target: GlobalClusterTarget,
  tail: sfn.IChainable,
): sfn.IChainable {
  const { region } = GAME_DAY_STEPS;
  const after = readWriter(context, target);
  after.addCatch(tail, { errors: [sfn.Errors.ALL] });
  after.next(tail);
  const run = (id: string, step: string, action: 'switchover' | 'failback', next: sfn.IChainable) => {
    const task = tasks.StepFunctionsStartExecution.jsonata(context.scope, id, {
      comment: `The region failover's planned ${action}, as failover-region.sh --planned starts it`,
      stateMachine: failover,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      associateWithParent: true,
      input: sfn.TaskInput.fromObject({
        action,
        requestedBy: 'operator',
        operator: 'game-day',
        reason: `game day: full region failover test (${action})`,
      }),
      assign: stepDone(step, `'nested execution ' & $states.result.ExecutionArn & ' ' & $states.result.Status`),
    });
    failInto(task, step, after);
    return task.next(next);
  };
  return run(
    'RegionSwitchover',
    region.switchover,
    'switchover',
    run('RegionFailback', region.failback, 'failback', after),
  );
}
