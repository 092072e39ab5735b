// The cache branch of a region failover: unless this region's replication group is already primary, fail its Global Datastore over and wait.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CacheArns } from './arns';
import type { RegionFailoverCache } from './props';
import { READ_RETRY, jsonata, timeoutMs, type StepContext } from './states';

/**
 * The branch; it ends with `promoted` like the Aurora one. The full Global Datastore id carries a
 * prefix ElastiCache chose, so it is read from this region's replication group, which also says
 * whether it already is the primary.
 */
export function cacheBranch(context: StepContext, cache: RegionFailoverCache, arns: CacheArns): sfn.IChainable {
  const { scope, region, props } = context;
  const timeout = timeoutMs(context);
  const info = '$states.input.GlobalReplicationGroupInfo';
  const wasPrimary = sfn.Succeed.jsonata(scope, 'CachePrimaryAlready', { outputs: { promoted: false } });
  const primary = sfn.Succeed.jsonata(scope, 'CachePrimaryNow', { outputs: { promoted: true } });
  const describeGroup = tasks.CallAwsService.jsonata(scope, 'DescribeReplicationGroup', {
    service: 'elasticache',
    action: 'describeReplicationGroups',
    iamResources: [arns.replicationGroup],
    parameters: { ReplicationGroupId: cache.replicationGroupId },
    outputs: jsonata('$states.result.ReplicationGroups[0]'),
  });
  describeGroup.addRetry(READ_RETRY);
  const notMember = sfn.Fail.jsonata(scope, 'CacheNotInGlobalDatastore', {
    error: 'CacheNotInGlobalDatastore',
    cause: `replication group ${cache.replicationGroupId} is not a member of a Global Datastore, so it cannot be promoted`,
  });
  const failover = tasks.CallAwsService.jsonata(scope, 'FailoverGlobalReplicationGroup', {
    service: 'elasticache',
    action: 'failoverGlobalReplicationGroup',
    iamResources: [arns.globalDatastore, arns.replicationGroup],
    parameters: {
      GlobalReplicationGroupId: jsonata(`${info}.GlobalReplicationGroupId`),
      PrimaryRegion: region,
      PrimaryReplicationGroupId: cache.replicationGroupId,
    },
    assign: {
      cacheGlobalId: jsonata(`${info}.GlobalReplicationGroupId`),
      cacheDeadline: jsonata(`$millis() + ${timeout}`),
    },
  });
  const wait = sfn.Wait.jsonata(scope, 'WaitForCache', { time: sfn.WaitTime.duration(props.pollInterval) });
  const describeDatastore = tasks.CallAwsService.jsonata(scope, 'DescribeGlobalDatastore', {
    service: 'elasticache',
    action: 'describeGlobalReplicationGroups',
    iamResources: [arns.globalDatastore],
    parameters: { GlobalReplicationGroupId: jsonata('$cacheGlobalId'), ShowMemberInfo: true },
    assign: {
      cachePrimary: jsonata(
        `$lowercase($states.result.GlobalReplicationGroups[0].Members[ReplicationGroupRegion = '${region}' and ReplicationGroupId = '${cache.replicationGroupId}'].Role) = 'primary'`,
      ),
    },
  });
  describeDatastore.addRetry(READ_RETRY);
  const timedOut = sfn.Fail.jsonata(scope, 'CachePromotionTimedOut', {
    error: 'CachePromotionTimedOut',
    cause: `${cache.replicationGroupId} was not the primary of its Global Datastore ${timeout / 60_000} minutes after the failover`,
  });
  wait.next(describeDatastore).next(
    sfn.Choice.jsonata(scope, 'CachePromoted?')
      .when(sfn.Condition.jsonata(jsonata('$cachePrimary')), primary)
      .when(sfn.Condition.jsonata(jsonata('$millis() > $cacheDeadline')), timedOut)
      .otherwise(wait),
  );
  return describeGroup.next(
    sfn.Choice.jsonata(scope, 'CacheAlreadyPrimary?')
      .when(sfn.Condition.jsonata(jsonata(`$not($exists(${info}.GlobalReplicationGroupId))`)), notMember)
      .when(
        sfn.Condition.jsonata(jsonata(`$lowercase(${info}.GlobalReplicationGroupMemberRole) = 'primary'`)),
        wasPrimary,
      )
      .otherwise(failover.next(wait)),
  );
}
