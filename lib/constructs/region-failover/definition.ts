// The definition: guards, then the members move by action (activate, switchover, failback), the fence and the tail, every outcome announced.
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FENCE_PERIOD_SECONDS, FENCE_VALUE } from '../../contract';
import { AURORA_ACTIVATE, AURORA_FAILBACK, AURORA_SWITCHOVER, auroraBranch } from './aurora-steps';
import { cacheMoveBranch } from './cache-move';
import { STANDALONE, cacheBranch, describeGroup } from './cache-steps';
import { publishFence, tail } from './finish';
import { guards, releaseOnFailure } from './guards';
import { notices } from './notices';
import { ELAPSED_MS, jsonata, type StepContext } from './states';

/** A Parallel over the members, assigning what the tail and the notices report. */
function members(context: StepContext, id: string, comment: string, branches: sfn.IChainable[]): sfn.Parallel {
  const parallel = sfn.Parallel.jsonata(context.scope, id, {
    comment,
    assign: {
      // Taken once both branches are done, so the metric and the message report the same figure.
      failoverSeconds: jsonata(`$round(${ELAPSED_MS} / 1000)`),
      // Each branch ends with what it did: promoted, detached, or failed with its error.
      promoted: jsonata('$count($states.result[promoted = true]) > 0'),
      outcomes: jsonata('$states.result'),
    },
  });
  for (const branch of branches) parallel.branch(branch);
  return parallel;
}

/** After a Parallel: on to `next` when every member is done, else the failure path with each member's outcome. */
function allDone(context: StepContext, id: string, next: sfn.IChainable, failure: sfn.IChainable): sfn.Choice {
  const incomplete = sfn.Pass.jsonata(context.scope, `${id.replace(/\?$/, '')}Incomplete`, {
    outputs: {
      Error: 'RegionActivationIncomplete',
      Cause: jsonata(
        `$join($map($outcomes, function($o) { $o.member & ': ' & ($o.failed ? 'FAILED (' & $o.error & ')' : ($o.promoted ? 'done' : 'already done') & ($o.detached ? ', detached from its Global Datastore' : '')) }), '; ') & '. Re-run the same action: it completes what is left and undoes nothing.'`,
      ),
    },
  }).next(failure);
  return sfn.Choice.jsonata(context.scope, id)
    .when(sfn.Condition.jsonata(jsonata('$count($outcomes[failed = true]) = 0')), next)
    .otherwise(incomplete);
}

/**
 * The whole definition. Each member step first checks whether its effect already holds, so a
 * re-run, or a run after a human moved a member by hand, changes only what is left and records no
 * `failover_time_seconds` when nothing moved.
 */
export function failoverDefinition(context: StepContext): sfn.IChainable {
  const { scope, props, region, arns } = context;
  const { active, failure } = notices(context);
  const onFailure = releaseOnFailure(context, failure);
  const { start, proceed } = guards(context, failure);
  const finish = tail(context, active);

  const cacheWhat = props.cache ? ' and the cache primary' : '';
  const promote = members(context, 'Promote', `Make ${region} the Aurora writer${cacheWhat}`, [
    auroraBranch(context, AURORA_ACTIVATE),
    ...(props.cache && arns.cache ? [cacheBranch(context, props.cache, arns.cache)] : []),
  ]);
  const switchover = members(context, 'Switchover', `Planned: move the Aurora writer${cacheWhat} to ${region}`, [
    auroraBranch(context, AURORA_SWITCHOVER),
    ...(props.cache && arns.cache ? [cacheMoveBranch(context, props.cache, arns.cache, 'Switchover')] : []),
  ]);
  const parallels = [promote, switchover];

  // Activation: the fence goes up first, so DNS cannot hand traffic back to the old writer's region mid-failover.
  const raiseFirst = publishFence(context, 'RaiseFence', FENCE_VALUE.raised);
  const activation = raiseFirst ? raiseFirst.next(promote) : promote;
  promote.next(allDone(context, 'AllMembersDone?', finish.start, onFailure));
  // Switchover: the fence goes up once the writer is here (in the region that owns it).
  const raiseAfter = publishFence(context, 'RaiseFenceAfterSwitchover', FENCE_VALUE.raised);
  switchover.next(
    allDone(context, 'SwitchoverMembersDone?', raiseAfter ? raiseAfter.next(finish.start) : finish.start, onFailure),
  );

  const route = sfn.Choice.jsonata(scope, 'WhichAction?')
    .when(sfn.Condition.jsonata(jsonata("$action = 'switchover'")), switchover)
    .otherwise(activation);
  const fenceTasks = [raiseFirst, raiseAfter];

  if (props.fence) {
    const failback = members(
      context,
      'Failback',
      `Planned: move the Aurora writer${cacheWhat} back to ${props.peerRegion}`,
      [
        auroraBranch(context, AURORA_FAILBACK),
        ...(props.cache && arns.cache ? [cacheMoveBranch(context, props.cache, arns.cache, 'Failback')] : []),
      ],
    );
    parallels.push(failback);
    const lift = publishFence(context, 'LiftFence', FENCE_VALUE.lifted)!;
    fenceTasks.push(lift);
    // The fence alarm takes the Maximum per period: a 0 that lands in the period of the last raise
    // (a failback soon after a switchover) leaves the alarm in ALARM, and DNS on this region while
    // the writer has gone home. Any raise came before this run, so once a whole period has passed
    // the lift lands in a later one.
    const fencePeriodGap = sfn.Wait.jsonata(scope, 'FencePeriodGap', {
      comment: `Waits out the fence alarm's ${FENCE_PERIOD_SECONDS} s period, so the lift is not masked by a raise in the same period`,
      time: sfn.WaitTime.duration(Duration.seconds(FENCE_PERIOD_SECONDS + 5)),
    });
    failback.next(allDone(context, 'FailbackMembersDone?', fencePeriodGap.next(lift).next(finish.start), onFailure));
    let failbackStart: sfn.IChainable = failback;
    if (props.cache && arns.cache) {
      // Refused before anything moves: a detached cache cannot switch back until the old primary is rebuilt.
      const check = describeGroup(context, 'CheckCacheBeforeFailback', props.cache, arns.cache);
      check.addCatch(onFailure);
      const detached = sfn.Pass.jsonata(scope, 'CacheDetachedRefusal', {
        outputs: {
          Error: 'CacheDetached',
          Cause: `${props.cache.replicationGroupId} left its Global Datastore in an activation: rebuild ${props.cache.peerReplicationGroupId} in ${props.peerRegion} as a secondary of a new Global Datastore first (docs/runbooks/failover-failback.md), then run failback again. Nothing was changed.`,
        },
      }).next(onFailure);
      failbackStart = check.next(
        sfn.Choice.jsonata(scope, 'CacheStillGlobal?')
          .when(sfn.Condition.jsonata(jsonata(STANDALONE)), detached)
          .otherwise(failback),
      );
    }
    route.when(sfn.Condition.jsonata(jsonata("$action = 'failback'")), failbackStart);
  }

  for (const state of [...parallels, ...finish.catchable]) state.addCatch(onFailure);
  for (const task of fenceTasks) task?.addCatch(onFailure);
  proceed(route);
  return start;
}
