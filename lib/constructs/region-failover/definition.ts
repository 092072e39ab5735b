// The failover definition: promote Aurora and the cache in parallel, record the failover time if anything was promoted, announce the outcome.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { auroraBranch } from './aurora-steps';
import { cacheBranch } from './cache-steps';
import { notices } from './notices';
import { FAILOVER_TIME_METRIC } from './props';
import { ELAPSED_MS, jsonata, type StepContext } from './states';

/**
 * The whole definition. Each branch first checks whether its member already leads, so a second run,
 * or a run after a human promoted by hand, changes nothing and records no `failover_time_seconds`
 * (a no-op is not a failover).
 */
export function failoverDefinition(context: StepContext): sfn.IChainable {
  const { scope, props, region, arns } = context;
  const promote = sfn.Parallel.jsonata(scope, 'Promote', {
    comment: `Make ${region} the Aurora writer${props.cache ? ' and the cache primary' : ''}`,
    assign: {
      // Taken once both branches are done, so the metric and the message report the same figure.
      failoverSeconds: jsonata(`$round(${ELAPSED_MS} / 1000)`),
      // Each branch ends with whether it promoted its member or found it already leading.
      promoted: jsonata('$count($states.result[promoted = true]) > 0'),
    },
  });
  promote.branch(auroraBranch(context));
  if (props.cache && arns.cache) promote.branch(cacheBranch(context, props.cache, arns.cache));

  const record = tasks.CallAwsService.jsonata(scope, 'RecordFailoverTime', {
    service: 'cloudwatch',
    action: 'putMetricData',
    // Granted in the role's managed policy, limited to the namespace by condition.
    iamResources: ['*'],
    parameters: {
      Namespace: props.metricNamespace,
      MetricData: [
        {
          MetricName: FAILOVER_TIME_METRIC,
          Unit: 'Seconds',
          Value: jsonata('$failoverSeconds'),
          Dimensions: [
            { Name: 'stage', Value: props.stage },
            { Name: 'region', Value: region },
          ],
        },
      ],
    },
  });
  const { active, failure } = notices(context);
  for (const state of [promote, record, active]) state.addCatch(failure);

  return promote.next(
    sfn.Choice.jsonata(scope, 'AnythingPromoted?')
      .when(sfn.Condition.jsonata(jsonata('$promoted')), record.next(active))
      .otherwise(active),
  );
}
