// The Aurora branch of a run: unless the target cluster already holds the writer, fail over or switch over the global cluster to it, and wait.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { MUTATE_RETRY, READ_RETRY, jsonata, timeoutMs, type StepContext } from './states';

/** How a branch moves the writer. */
export interface AuroraMove {
  /** Prefix of every state name of the branch; the activation's states keep their names without one. */
  readonly prefix: '' | 'Switchover' | 'Failback';
  /** Where the writer goes: this region's cluster, or the peer's (failback). */
  readonly target: 'self' | 'peer';
  /** Planned: `SwitchoverGlobalCluster`, no data loss, both regions answer. Unplanned: `FailoverGlobalCluster` with `AllowDataLoss`. */
  readonly planned: boolean;
}

/** The unplanned activation of this region. */
export const AURORA_ACTIVATE: AuroraMove = { prefix: '', target: 'self', planned: false };
export const AURORA_SWITCHOVER: AuroraMove = { prefix: 'Switchover', target: 'self', planned: true };
export const AURORA_FAILBACK: AuroraMove = { prefix: 'Failback', target: 'peer', planned: true };

/**
 * DescribeGlobalClusters, then whether the target member is the writer. Step Functions names RDS
 * fields as the Java SDK v2 does (`DbClusterArn`) where the API reference writes `DBClusterArn`;
 * matching either keeps the check right whichever spelling arrives.
 */
function describeGlobalCluster(context: StepContext, id: string, targetArn: string): tasks.CallAwsService {
  const { scope, props, arns } = context;
  const members = `$states.result.GlobalClusters[0].GlobalClusterMembers[DbClusterArn = '${targetArn}' or DBClusterArn = '${targetArn}']`;
  const task = tasks.CallAwsService.jsonata(scope, id, {
    service: 'rds',
    action: 'describeGlobalClusters',
    iamResources: [arns.globalCluster],
    parameters: { GlobalClusterIdentifier: props.globalClusterIdentifier },
    assign: { auroraWriter: jsonata(`${members}.IsWriter = true`) },
  });
  task.addRetry(READ_RETRY);
  return task;
}

/**
 * The branch. It always ends in a Succeed whose output says what it did (`member`, `promoted`,
 * and `failed` with `error` when it could not finish), so the run can report every member even
 * when one failed, and a re-run finds what is left: each step first looks whether its effect holds.
 */
export function auroraBranch(context: StepContext, move: AuroraMove = AURORA_ACTIVATE): sfn.IChainable {
  const { scope, props, arns } = context;
  const { globalClusterIdentifier } = props;
  const name = (base: string) => `${move.prefix}${base}`;
  const targetArn = move.target === 'self' ? arns.cluster : arns.memberClusters[1]!;
  const timeout = timeoutMs(context);
  const done = (id: string, promoted: boolean) =>
    sfn.Succeed.jsonata(scope, name(id), { outputs: { member: 'aurora', promoted } });
  const failed = sfn.Succeed.jsonata(scope, name('AuroraFailed'), {
    comment: 'Reports the failure as the branch outcome; the run pages with every member outcome',
    outputs: {
      member: 'aurora',
      promoted: false,
      failed: true,
      error: jsonata("$states.input.Error & ': ' & $states.input.Cause"),
    },
  });
  const callId = move.planned
    ? move.prefix === 'Failback'
      ? 'FailbackSwitchoverGlobalCluster'
      : 'SwitchoverGlobalCluster'
    : 'FailoverGlobalCluster';
  const call = tasks.CallAwsService.jsonata(scope, callId, {
    comment: move.planned
      ? 'Planned switchover: both regions answer; nothing is lost'
      : 'Unplanned failover: the other region may be gone, so replication lag is accepted as lost',
    service: 'rds',
    action: move.planned ? 'switchoverGlobalCluster' : 'failoverGlobalCluster',
    iamResources: [arns.globalCluster],
    parameters: {
      GlobalClusterIdentifier: globalClusterIdentifier,
      // The ARN, so that Aurora finds the cluster in its region.
      TargetDbClusterIdentifier: targetArn,
      ...(move.planned ? {} : { AllowDataLoss: true }),
    },
    assign: { auroraDeadline: jsonata(`$millis() + ${timeout}`) },
  });
  call.addRetry(MUTATE_RETRY);
  const wait = sfn.Wait.jsonata(scope, name('WaitForAurora'), { time: sfn.WaitTime.duration(props.pollInterval) });
  const timedOut = sfn.Pass.jsonata(scope, name('AuroraPromotionTimedOut'), {
    outputs: {
      Error: 'AuroraPromotionTimedOut',
      Cause: `the target cluster was not the writer of ${globalClusterIdentifier} ${timeout / 60_000} minutes after the ${move.planned ? 'switchover' : 'failover'}`,
    },
  }).next(failed);
  const describe = describeGlobalCluster(context, name('DescribeGlobalCluster'), targetArn);
  const poll = describeGlobalCluster(context, name('DescribeGlobalClusterAgain'), targetArn);
  for (const task of [describe, call, poll]) task.addCatch(failed);
  poll.next(
    sfn.Choice.jsonata(scope, name('AuroraPromoted?'))
      .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), done('AuroraWriterNow', true))
      .when(sfn.Condition.jsonata(jsonata('$millis() > $auroraDeadline')), timedOut)
      .otherwise(wait),
  );
  wait.next(poll);
  return describe.next(
    sfn.Choice.jsonata(scope, name('AuroraAlreadyWriter?'))
      .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), done('AuroraWriterAlready', false))
      .otherwise(call.next(wait)),
  );
}
