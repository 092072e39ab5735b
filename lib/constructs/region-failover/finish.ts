// The steps after the members moved: the DNS fence, the active-region parameter, the failover time, the last activation, and the lock's release.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DIMENSION, FENCE_VALUE, LOCK_KEYS } from '../../contract';
import { FAILOVER_TIME_METRIC } from './props';
import { MUTATE_RETRY, jsonata, type StepContext } from './states';

/** Publishes the fence metric with `value`: 1 raises the fence (DNS stays on this region), 0 lifts it. */
export function publishFence(context: StepContext, id: string, value: number): tasks.CallAwsService | undefined {
  const { scope, props } = context;
  if (!props.fence) return undefined;
  const task = tasks.CallAwsService.jsonata(scope, id, {
    comment:
      value === FENCE_VALUE.raised
        ? `Raises the DNS fence: ${props.fence.alarmName} goes to ALARM and Route 53 stops answering with the primary until a failback`
        : `Lifts the DNS fence: ${props.fence.alarmName} goes to OK and the primary record answers again once its endpoint is healthy`,
    service: 'cloudwatch',
    action: 'putMetricData',
    // Granted in the role's managed policy, limited to the namespace by condition.
    iamResources: ['*'],
    parameters: {
      Namespace: props.metricNamespace,
      MetricData: [
        {
          MetricName: props.fence.metricName,
          Unit: 'None',
          Value: value,
          Dimensions: Object.entries(props.fence.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
      ],
    },
  });
  task.addRetry(MUTATE_RETRY);
  return task;
}

/** What the tail needs. */
export interface Tail {
  /** The first state of the tail: UpdateActiveRegion. */
  readonly start: tasks.CallAwsService;
  /** Every state of the tail that can fail, to catch. */
  readonly catchable: sfn.TaskStateBase[];
}

/**
 * UpdateActiveRegion → AnythingPromoted? (RecordFailoverTime) → WasActivation? (RecordLastActivation)
 * → ReleaseLock → `end`.
 */
export function tail(context: StepContext, end: sfn.IChainable): Tail {
  const { scope, props, region } = context;
  const active = tasks.CallAwsService.jsonata(scope, 'UpdateActiveRegion', {
    comment: 'The pods read this parameter at run time: the workload follows the writer without a redeploy',
    service: 'ssm',
    action: 'putParameter',
    iamResources: [context.arns.activeRegionParameter],
    parameters: {
      Name: props.activeRegionParameterName,
      Value: jsonata(`$action = 'failback' ? '${props.peerRegion}' : '${region}'`),
      Type: 'String',
      Overwrite: true,
    },
  });
  active.addRetry(MUTATE_RETRY);
  const record = tasks.CallAwsService.jsonata(scope, 'RecordFailoverTime', {
    service: 'cloudwatch',
    action: 'putMetricData',
    iamResources: ['*'],
    parameters: {
      Namespace: props.metricNamespace,
      MetricData: [
        {
          MetricName: FAILOVER_TIME_METRIC,
          Unit: 'Seconds',
          Value: jsonata('$failoverSeconds'),
          Dimensions: [
            { Name: DIMENSION.stage, Value: props.stage },
            { Name: DIMENSION.region, Value: region },
          ],
        },
      ],
    },
  });
  record.addRetry(MUTATE_RETRY);
  const lastActivation = tasks.CallAwsService.jsonata(scope, 'RecordLastActivation', {
    comment: 'The anti-flap cooldown counts from here',
    service: 'dynamodb',
    action: 'putItem',
    iamResources: [context.arns.lockTable],
    parameters: {
      TableName: props.lockTableName,
      Item: {
        pk: { S: LOCK_KEYS.lastActivation },
        at: { N: jsonata('$string($millis())') },
        executionArn: { S: jsonata('$states.context.Execution.Id') },
      },
    },
  });
  lastActivation.addRetry(MUTATE_RETRY);
  const release = tasks.CallAwsService.jsonata(scope, 'ReleaseLock', {
    service: 'dynamodb',
    action: 'deleteItem',
    iamResources: [context.arns.lockTable],
    parameters: {
      TableName: props.lockTableName,
      Key: { pk: { S: LOCK_KEYS.run } },
      ConditionExpression: 'executionArn = :me',
      ExpressionAttributeValues: { ':me': { S: jsonata('$states.context.Execution.Id') } },
    },
  });
  release.addRetry(MUTATE_RETRY);
  // The run is done; a lock that outlives it expires with the run's timeout anyway.
  release.addCatch(end);
  release.next(end);
  // Any activation, and any run that moved the writer (a switchover, a failback): an alarm must not
  // move it again on the heels of a planned move either.
  const wasActivation = sfn.Choice.jsonata(scope, 'WasActivation?')
    .when(sfn.Condition.jsonata(jsonata("$action = 'activate' or $promoted")), lastActivation.next(release))
    .otherwise(release);
  active.next(
    sfn.Choice.jsonata(scope, 'AnythingPromoted?')
      .when(sfn.Condition.jsonata(jsonata('$promoted')), record.next(wasActivation))
      .otherwise(wasActivation),
  );
  return { start: active, catchable: [active, record, lastActivation] };
}
