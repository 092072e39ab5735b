// The planned moves: a switchover to the secondary and the failback to the primary, with both regions answering: no data loss, the fence raised then lifted, the active region following.
import { METRIC } from '../../../lib/contract';
import { statesOf } from '../machine';
import { failoverRun, startOperatorRun, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { runEnded, simulated } from './failover';
import { failoverDeployment, failoverTimeDatapoints, type FailoverDeployment } from './failover-facts';
import { failbackAfterLoss } from './failback-after-loss';
import { activeRegionsName, fenceLifted, membersIn, noDataLoss } from './planned-facts';
import { fenceMetricName, fenceStats, lockItem, promotionCalls } from './run-facts';

const PLANNED = 'no region is lost: both answer, as a planned switchover and a failback require';

/** The anti-flap cooldown the definition counts (`$millis() < $lastActivationAt + <ms>`), in seconds. */
function cooldownSeconds(deployment: FailoverDeployment): number | undefined {
  for (const { state } of statesOf(deployment.machine)) {
    const match = /\$lastActivationAt \+ (\d+)/.exec(JSON.stringify(state));
    if (state.Type === 'Choice' && match) return Number(match[1]) / 1000;
  }
  return undefined;
}

/**
 * Runs the planned switchover to the secondary and checks it: through failover-region.sh, or, when
 * `byCommand` is false, by StartExecution with the input the command sends (the command's own write
 * of the other region's active-region parameter is then not checked).
 */
async function switchOver(context: ScenarioContext, deployment: FailoverDeployment, byCommand = true) {
  const since = (await context.client.state()).nowMs;
  const run = byCommand
    ? await failoverRun(context.client, context.endpoint, {
        stage: context.stage,
        from: deployment.primary,
        to: deployment.secondary,
        planned: true,
      })
    : await startOperatorRun(context.client, deployment.secondary, deployment.machine.arn, 'switchover', 'failback');
  const calls = promotionCalls(await context.client.requests(since));
  const fence = await fenceStats(context, deployment);
  const metric = await failoverTimeDatapoints(context, deployment.secondary);
  const last = await lockItem(context, deployment, 'lastActivation');
  const checks: Check[] = [
    runEnded(run, 'SUCCEEDED', 'the switchover'),
    ...(await membersIn(context, deployment, deployment.secondary)),
    ...noDataLoss(calls),
    expectThat(
      `the switchover raises the DNS fence: ${fenceMetricName(deployment)} published once, at 1`,
      fence.count === 1 && fence.maximum === 1,
      JSON.stringify(fence),
    ),
    ...(await activeRegionsName(
      context,
      deployment,
      deployment.secondary,
      'the switchover',
      byCommand ? undefined : [deployment.secondary],
    )),
    expectEqual(`the switchover records ${METRIC.failoverTimeSeconds} once`, metric.count, 1),
    expectEqual('the switchover starts the cooldown (last activation)', last?.executionArn, run.executionArn),
  ];
  return { run, checks, fence };
}

const plannedSwitchover: Scenario = {
  name: 'planned-switchover',
  summary:
    'failover-region.sh --planned to the secondary: SwitchoverGlobalCluster and a Global Datastore failover (no AllowDataLoss, no detach), the DNS fence raised, the active region written in both regions, the cooldown started.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run, checks } = await switchOver(context, deployment);
    return { checks, runs: [run], simulated: withoutLoss(deployment) };
  },
};

const SWITCHOVER_STARTED =
  "the switchover before the failback: StartExecution of the secondary's failover machine with the input failover-region.sh --planned sends (planned-switchover proves the command)";

function withoutLoss(deployment: FailoverDeployment): string[] {
  return [PLANNED, ...simulated(deployment).slice(1)];
}

const failback: Scenario = {
  name: 'failback',
  summary:
    'After a planned switchover (started with the input failover-region.sh --planned sends), failover-region.sh --planned back to the primary, within the cooldown (an operator run is not held by it): SwitchoverGlobalCluster back, the cache primary back, no data loss, the fence lifted, the active region the primary again in both regions, the cooldown restarted.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    // The switchover is this scenario's setup (planned-switchover runs it through the command): its
    // aws CLI polling would take a third of the 30 s budget.
    const switched = await switchOver(context, deployment, false);
    const cooldown = cooldownSeconds(deployment);
    const lastBefore = await lockItem(context, deployment, 'lastActivation');
    const since = (await context.client.state()).nowMs;
    const run: RunRecord = await failoverRun(context.client, context.endpoint, {
      stage: context.stage,
      from: deployment.secondary,
      to: deployment.primary,
      planned: true,
    });
    const calls = promotionCalls(await context.client.requests(since));
    const lastAfter = await lockItem(context, deployment, 'lastActivation');
    const sinceActivation = (since - Number(lastBefore?.at ?? 0)) / 1000;
    const checks: Check[] = [
      ...switched.checks,
      runEnded(run, 'SUCCEEDED', 'the failback'),
      expectThat(
        'the failback starts within the cooldown, and operator runs skip it (no GetLastActivation)',
        cooldown !== undefined &&
          sinceActivation < cooldown &&
          !run.timeline.some((entry) => /^GetLastActivation$|Cooldown/.test(entry.step)),
        `cooldown ${cooldown ?? 'not found'} s, ${sinceActivation.toFixed(0)} s after the switchover; steps: ${run.timeline.map((entry) => entry.step).join(' → ')}`,
      ),
      ...(await membersIn(context, deployment, deployment.primary)),
      ...noDataLoss(calls),
      fenceLifted(switched.fence, await fenceStats(context, deployment)),
      ...(await activeRegionsName(context, deployment, deployment.primary, 'the failback')),
      expectEqual('the failback restarts the cooldown (last activation)', lastAfter?.executionArn, run.executionArn),
    ];
    return { checks, runs: [switched.run, run], simulated: [...withoutLoss(deployment), SWITCHOVER_STARTED] };
  },
};

export const PLANNED_SCENARIOS: readonly Scenario[] = [plannedSwitchover, failback, failbackAfterLoss];
