// The cache branch of a planned move (switchover to this region, failback to the peer): a Global Datastore failover while both regions answer.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { CacheArns } from './arns';
import { STANDALONE, cacheFailed, datastoreMember, describeGroup } from './cache-steps';
import type { RegionFailoverCache } from './props';
import { MUTATE_RETRY, READ_RETRY, jsonata, timeoutMs, type StepContext } from './states';

/** Which planned move. */
export type CacheMove = 'Switchover' | 'Failback';

/**
 * The branch: unless the target group already is primary, `FailoverGlobalReplicationGroup` to it
 * and wait. A group outside any Global Datastore cannot move: the branch reports the failure (a
 * failback checks this before anything changes, see the failback guard).
 */
export function cacheMoveBranch(
  context: StepContext,
  cache: RegionFailoverCache,
  arns: CacheArns,
  move: CacheMove,
): sfn.IChainable {
  const { scope, region, props } = context;
  const name = (base: string) => `${move}${base}`;
  const [targetRegion, targetGroup] =
    move === 'Switchover' ? [region, cache.replicationGroupId] : [props.peerRegion, cache.peerReplicationGroupId];
  const info = '$states.input.GlobalReplicationGroupInfo';
  const outcome = (id: string, promoted: boolean) =>
    sfn.Succeed.jsonata(scope, name(id), { outputs: { member: 'cache', promoted } });
  const failed = cacheFailed(context, name('CacheFailed'));
  const describe = describeGroup(context, name('DescribeReplicationGroup'), cache, arns);
  const notMember = sfn.Pass.jsonata(scope, name('CacheNotInGlobalDatastore'), {
    outputs: {
      Error: 'CacheNotInGlobalDatastore',
      Cause: `${cache.replicationGroupId} is not in a Global Datastore (detached by an activation?): rebuild the other region's group first, docs/runbooks/failover-failback.md`,
    },
  }).next(failed);
  // From this region's side: this group's role says where the primary is.
  const targetIsPrimary =
    move === 'Switchover'
      ? `$lowercase(${info}.GlobalReplicationGroupMemberRole) = 'primary'`
      : `$lowercase(${info}.GlobalReplicationGroupMemberRole) = 'secondary'`;
  const failover = tasks.CallAwsService.jsonata(scope, name('FailoverGlobalReplicationGroup'), {
    comment: `Planned: both regions answer; ${targetGroup} in ${targetRegion} becomes primary`,
    service: 'elasticache',
    action: 'failoverGlobalReplicationGroup',
    iamResources: [
      arns.globalDatastore,
      arns.replicationGroup,
      ...(arns.peerReplicationGroup ? [arns.peerReplicationGroup] : []),
    ],
    parameters: {
      GlobalReplicationGroupId: jsonata('$cacheGlobalId'),
      PrimaryRegion: targetRegion,
      PrimaryReplicationGroupId: targetGroup,
    },
    assign: { cacheDeadline: jsonata(`$millis() + ${timeoutMs(context)}`) },
  });
  failover.addRetry(MUTATE_RETRY);
  const wait = sfn.Wait.jsonata(scope, name('WaitForCache'), { time: sfn.WaitTime.duration(props.pollInterval) });
  const poll = tasks.CallAwsService.jsonata(scope, name('DescribeGlobalDatastore'), {
    service: 'elasticache',
    action: 'describeGlobalReplicationGroups',
    iamResources: [arns.globalDatastore],
    parameters: { GlobalReplicationGroupId: jsonata('$cacheGlobalId'), ShowMemberInfo: true },
    assign: { cachePrimary: jsonata(`$lowercase(${datastoreMember(targetRegion, targetGroup)}.Role) = 'primary'`) },
  });
  poll.addRetry(READ_RETRY);
  const timedOut = sfn.Pass.jsonata(scope, name('CachePromotionTimedOut'), {
    outputs: {
      Error: 'CachePromotionTimedOut',
      Cause: `${targetGroup} was not the primary of its Global Datastore ${timeoutMs(context) / 60_000} minutes after the failover`,
    },
  }).next(failed);
  for (const task of [describe, failover, poll]) task.addCatch(failed);
  wait.next(poll).next(
    sfn.Choice.jsonata(scope, name('CachePromoted?'))
      .when(sfn.Condition.jsonata(jsonata('$cachePrimary')), outcome('CachePrimaryNow', true))
      .when(sfn.Condition.jsonata(jsonata('$millis() > $cacheDeadline')), timedOut)
      .otherwise(wait),
  );
  return describe.next(
    sfn.Choice.jsonata(scope, name('CacheAlreadyPrimary?'), {
      // '' for a standalone group: Step Functions refuses an expression that returns nothing.
      assign: {
        cacheGlobalId: jsonata(`$exists(${info}.GlobalReplicationGroupId) ? ${info}.GlobalReplicationGroupId : ''`),
      },
    })
      .when(sfn.Condition.jsonata(jsonata(STANDALONE)), notMember)
      .when(sfn.Condition.jsonata(jsonata(targetIsPrimary)), outcome('CachePrimaryAlready', false))
      .otherwise(failover.next(wait)),
  );
}
