// The cache branch of an activation: promote this region's group through its Global Datastore while the primary region answers, detach it when it does not.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CacheArns } from './arns';
import type { RegionFailoverCache } from './props';
import { MUTATE_RETRY, READ_RETRY, jsonata, timeoutMs, type StepContext } from './states';

/** The member of a Global Datastore description that is `groupId` in `region`, in JSONata. */
export const datastoreMember = (region: string, groupId: string) =>
  `$states.result.GlobalReplicationGroups[0].Members[ReplicationGroupRegion = '${region}' and ReplicationGroupId = '${groupId}']`;

/**
 * Whether a replication group description (the state input) has no Global Datastore: it is
 * standalone. An empty id counts too (as in lambda/shared/writer-placement.ts): a group that left
 * its Global Datastore may still carry GlobalReplicationGroupInfo with an empty id, and taking it
 * for a member sends a failover with an empty GlobalReplicationGroupId (found by the drill).
 */
export const STANDALONE =
  "$not($exists($states.input.GlobalReplicationGroupInfo.GlobalReplicationGroupId)) or $states.input.GlobalReplicationGroupInfo.GlobalReplicationGroupId = ''";

/** DescribeReplicationGroups of this region's group, its description as output and its datastore id assigned. */
export function describeGroup(context: StepContext, id: string, cache: RegionFailoverCache, arns: CacheArns) {
  const task = tasks.CallAwsService.jsonata(context.scope, id, {
    service: 'elasticache',
    action: 'describeReplicationGroups',
    iamResources: [arns.replicationGroup],
    parameters: { ReplicationGroupId: cache.replicationGroupId },
    outputs: jsonata('$states.result.ReplicationGroups[0]'),
  });
  task.addRetry(READ_RETRY);
  return task;
}

/** The Succeed that reports a failed cache branch (the caught error is its input). */
export function cacheFailed(context: StepContext, id: string): sfn.Succeed {
  return sfn.Succeed.jsonata(context.scope, id, {
    comment: 'Reports the failure as the branch outcome; the run pages with every member outcome',
    outputs: {
      member: 'cache',
      promoted: false,
      failed: true,
      error: jsonata("$states.input.Error & ': ' & $states.input.Cause"),
    },
  });
}

/**
 * The activation's branch. `FailoverGlobalReplicationGroup` needs the primary region to answer;
 * when the call fails, or the group is not primary by `activateDeadline`, the group is detached
 * (`DisassociateGlobalReplicationGroup`, a call to this region only) and becomes a standalone
 * primary. A group found standalone was detached by an earlier run: nothing is left to do. Ends
 * like the Aurora branch, with `detached` saying whether the old primary must be rebuilt to fail back.
 */
export function cacheBranch(context: StepContext, cache: RegionFailoverCache, arns: CacheArns): sfn.IChainable {
  const { scope, region, props } = context;
  const info = '$states.input.GlobalReplicationGroupInfo';
  const outcome = (id: string, promoted: boolean, detached: boolean) =>
    sfn.Succeed.jsonata(scope, id, { outputs: { member: 'cache', promoted, detached } });
  const failed = cacheFailed(context, 'CacheFailed');
  const describe = describeGroup(context, 'DescribeReplicationGroup', cache, arns);

  const detach = tasks.CallAwsService.jsonata(scope, 'DisassociateGlobalReplicationGroup', {
    comment:
      "The primary region did not answer in time: this region's group leaves the Global Datastore and takes writes alone",
    service: 'elasticache',
    action: 'disassociateGlobalReplicationGroup',
    iamResources: [arns.globalDatastore, arns.replicationGroup],
    parameters: {
      GlobalReplicationGroupId: jsonata('$cacheGlobalId'),
      ReplicationGroupId: cache.replicationGroupId,
      ReplicationGroupRegion: region,
    },
    assign: { detachDeadline: jsonata(`$millis() + ${timeoutMs(context)}`) },
  });
  detach.addRetry(MUTATE_RETRY);
  const waitDetach = sfn.Wait.jsonata(scope, 'WaitForDetach', { time: sfn.WaitTime.duration(props.pollInterval) });
  const describeDetached = describeGroup(context, 'DescribeReplicationGroupAgain', cache, arns);
  const detachTimedOut = sfn.Pass.jsonata(scope, 'CacheDetachTimedOut', {
    outputs: {
      Error: 'CacheDetachTimedOut',
      Cause: `${cache.replicationGroupId} still belonged to its Global Datastore ${timeoutMs(context) / 60_000} minutes after the detach`,
    },
  }).next(failed);
  detach.next(waitDetach).next(describeDetached);
  describeDetached.next(
    sfn.Choice.jsonata(scope, 'CacheDetached?')
      .when(sfn.Condition.jsonata(jsonata(STANDALONE)), outcome('CacheDetachedNow', true, true))
      .when(sfn.Condition.jsonata(jsonata('$millis() > $detachDeadline')), detachTimedOut)
      .otherwise(waitDetach),
  );

  const failover = tasks.CallAwsService.jsonata(scope, 'FailoverGlobalReplicationGroup', {
    comment: 'Needs the primary region to answer; the detach takes over when it does not',
    service: 'elasticache',
    action: 'failoverGlobalReplicationGroup',
    iamResources: [arns.globalDatastore, arns.replicationGroup],
    parameters: {
      GlobalReplicationGroupId: jsonata('$cacheGlobalId'),
      PrimaryRegion: region,
      PrimaryReplicationGroupId: cache.replicationGroupId,
    },
    assign: { cacheDeadline: jsonata(`$millis() + ${props.activateDeadline.toMilliseconds()}`) },
  });
  // One quick retry only: every second spent here is rate limiting's RTO when the region is gone.
  failover.addRetry({ ...MUTATE_RETRY, maxAttempts: 1 });
  const wait = sfn.Wait.jsonata(scope, 'WaitForCache', { time: sfn.WaitTime.duration(props.pollInterval) });
  const describeDatastore = tasks.CallAwsService.jsonata(scope, 'DescribeGlobalDatastore', {
    service: 'elasticache',
    action: 'describeGlobalReplicationGroups',
    iamResources: [arns.globalDatastore],
    parameters: { GlobalReplicationGroupId: jsonata('$cacheGlobalId'), ShowMemberInfo: true },
    assign: {
      cachePrimary: jsonata(`$lowercase(${datastoreMember(region, cache.replicationGroupId)}.Role) = 'primary'`),
    },
  });
  describeDatastore.addRetry(READ_RETRY);
  for (const task of [failover, describeDatastore]) task.addCatch(detach);
  for (const task of [describe, detach, describeDetached]) task.addCatch(failed);
  wait.next(describeDatastore).next(
    sfn.Choice.jsonata(scope, 'CachePromoted?')
      .when(sfn.Condition.jsonata(jsonata('$cachePrimary')), outcome('CachePrimaryNow', true, false))
      .when(sfn.Condition.jsonata(jsonata('$millis() > $cacheDeadline')), detach)
      .otherwise(wait),
  );
  return describe.next(
    sfn.Choice.jsonata(scope, 'CacheAlreadyPrimary?', {
      // '' for a standalone group: Step Functions refuses an expression that returns nothing.
      assign: {
        cacheGlobalId: jsonata(`$exists(${info}.GlobalReplicationGroupId) ? ${info}.GlobalReplicationGroupId : ''`),
      },
    })
      .when(sfn.Condition.jsonata(jsonata(STANDALONE)), outcome('CacheStandaloneAlready', false, true))
      .when(
        sfn.Condition.jsonata(jsonata(`$lowercase(${info}.GlobalReplicationGroupMemberRole) = 'primary'`)),
        outcome('CachePrimaryAlready', false, false),
      )
      .otherwise(failover.next(wait)),
  );
}
