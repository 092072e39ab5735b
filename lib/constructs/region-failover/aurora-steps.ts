// The Aurora branch of a region failover: unless this region already holds the writer, fail the global cluster over to it and wait.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { READ_RETRY, jsonata, timeoutMs, type StepContext } from './states';

/**
 * DescribeGlobalClusters, then whether this region's member is the writer. Step Functions names
 * RDS fields as the Java SDK v2 does (`DbClusterArn`) where the API reference writes
 * `DBClusterArn`; matching either keeps the check right whichever spelling arrives.
 */
function describeGlobalCluster(context: StepContext, id: string): tasks.CallAwsService {
  const { scope, props, arns } = context;
  const arn = arns.cluster;
  const members = `$states.result.GlobalClusters[0].GlobalClusterMembers[DbClusterArn = '${arn}' or DBClusterArn = '${arn}']`;
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

/** The branch; it ends with `promoted`: whether it made this region the writer or found it so. */
export function auroraBranch(context: StepContext): sfn.IChainable {
  const { scope, props, arns } = context;
  const { globalClusterIdentifier } = props;
  const timeout = timeoutMs(context);
  const wasWriter = sfn.Succeed.jsonata(scope, 'AuroraWriterAlready', { outputs: { promoted: false } });
  const writer = sfn.Succeed.jsonata(scope, 'AuroraWriterNow', { outputs: { promoted: true } });
  const failover = tasks.CallAwsService.jsonata(scope, 'FailoverGlobalCluster', {
    comment: 'Unplanned failover: the other region may be gone, so replication lag is accepted as lost',
    service: 'rds',
    action: 'failoverGlobalCluster',
    iamResources: [arns.globalCluster],
    parameters: {
      GlobalClusterIdentifier: globalClusterIdentifier,
      // The ARN, so that Aurora finds the cluster in its region.
      TargetDbClusterIdentifier: arns.cluster,
      AllowDataLoss: true,
    },
    assign: { auroraDeadline: jsonata(`$millis() + ${timeout}`) },
  });
  const wait = sfn.Wait.jsonata(scope, 'WaitForAurora', { time: sfn.WaitTime.duration(props.pollInterval) });
  const timedOut = sfn.Fail.jsonata(scope, 'AuroraPromotionTimedOut', {
    error: 'AuroraPromotionTimedOut',
    cause: `this region's cluster was not the writer of ${globalClusterIdentifier} ${timeout / 60_000} minutes after the failover`,
  });
  const poll = describeGlobalCluster(context, 'DescribeGlobalClusterAgain').next(
    sfn.Choice.jsonata(scope, 'AuroraPromoted?')
      .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), writer)
      .when(sfn.Condition.jsonata(jsonata('$millis() > $auroraDeadline')), timedOut)
      .otherwise(wait),
  );
  wait.next(poll);
  return describeGlobalCluster(context, 'DescribeGlobalCluster').next(
    sfn.Choice.jsonata(scope, 'AuroraAlreadyWriter?')
      .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), wasWriter)
      .otherwise(failover.next(wait)),
  );
}
