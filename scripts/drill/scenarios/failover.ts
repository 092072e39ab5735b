// The region failover scenarios: the primary region is lost and the operator's command activates the secondary, as the state machine is synthesized today.
import type { Fault } from '../drill-server';
import { failoverRun, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import {
  auroraWriterRegion,
  cacheDetached,
  cachePrimaryRegion,
  failoverDeployment,
  failoverTimeDatapoints,
  promotionDeadlineSeconds,
  publishedMessages,
  reportsFailure,
  type FailoverDeployment,
  type Published,
} from './failover-facts';
import { dnsAnswersRegion, prepareDns } from './dns-facts';
import { PROMOTIONS, activeRegion, fenceMetricName, fenceStats } from './run-facts';

/** Virtual seconds a simulated promotion takes in these scenarios (the drill server's default). */
const PROMOTION_SECONDS = 30;

const REGION_LOSS = (primary: string) =>
  `loss of ${primary}: the drill server answers 503 ServiceUnavailable to every request signed for it`;
const AURORA =
  'Aurora global cluster failover: the drill server stands in for FailoverGlobalCluster and DescribeGlobalClusters (moto has neither), the writer moves after the promotion time';
const CACHE =
  'ElastiCache Global Datastore: the drill server stands in for the global replication group calls (moto has none), the primary moves after the promotion time; FailoverGlobalReplicationGroup is refused while the primary region is lost (AWS runs it against the primary), so an activation detaches';
const CLOCK =
  'time: Wait states and Retry intervals sleep a fraction of their time; the rest is skipped on a virtual clock';
export const DNS =
  "Route 53: the drill server evaluates the seeded health checks (an endpoint fails while its region is lost; the fence check reads its alarm, which the server evaluates from the datapoints moto holds) and answers DNS from the seeded records as Route 53's failover routing would; no resolver, TTL or propagation";

export function simulated(deployment: FailoverDeployment, ...more: string[]): string[] {
  return [REGION_LOSS(deployment.primary), AURORA, ...(deployment.datastoreId ? [CACHE] : []), CLOCK, ...more];
}

/** Checks that hold once the secondary region leads both tiers. */
export async function secondaryLeads(context: ScenarioContext, deployment: FailoverDeployment): Promise<Check[]> {
  const checks = [
    expectEqual(
      'the Aurora writer is in the secondary region',
      await auroraWriterRegion(context, deployment),
      deployment.secondary,
    ),
  ];
  if (deployment.datastoreId) {
    checks.push(
      expectEqual(
        'the cache primary is in the secondary region',
        await cachePrimaryRegion(context, deployment),
        deployment.secondary,
      ),
    );
  }
  return checks;
}

export function runEnded(run: RunRecord, status: string, which = 'the run'): Check {
  return expectThat(
    `${which} ends ${status}`,
    run.status === status,
    `${run.status}${run.error ? ` (${run.error}: ${run.cause ?? ''})` : ''}`,
  );
}

export function describeMessages(messages: Published[]): string {
  return messages.length ? messages.map((m) => `"${m.subject}": ${m.message}`).join(' | ') : 'none';
}

function successNotice(messages: Published[]): Check {
  return expectThat(
    'a success notice is published in the secondary region, and no failure notice',
    messages.length > 0 && !messages.some(reportsFailure),
    describeMessages(messages),
  );
}

/**
 * What an activation with the primary lost leaves besides the writer: the cache detached (when the
 * stage has a Global Datastore), the fence raised once, the active region, and a success notice
 * that says the cache was detached.
 */
async function activationEffects(context: ScenarioContext, deployment: FailoverDeployment): Promise<Check[]> {
  const messages = await publishedMessages(context, deployment.secondary);
  const fence = await fenceStats(context, deployment);
  const active = await activeRegion(context, deployment);
  const checks: Check[] = [];
  if (deployment.cacheGroupId) {
    checks.push(
      expectEqual(
        `${deployment.cacheGroupId} is detached from its Global Datastore (a standalone primary)`,
        await cacheDetached(context, deployment),
        true,
      ),
      expectThat(
        'the success notice says the cache was detached',
        messages.some((m) => !reportsFailure(m) && /detached/i.test(m.message)),
        describeMessages(messages),
      ),
    );
  }
  checks.push(
    expectThat(
      `the DNS fence is raised: ${fenceMetricName(deployment)} published once, at 1`,
      fence.count === 1 && fence.maximum === 1,
      JSON.stringify(fence),
    ),
    expectEqual(`${active.name} names the secondary region`, active.value, deployment.secondary),
    successNotice(messages),
  );
  return checks;
}

/** Loses the primary region and runs the operator's command once. */
export async function loseAndFailOver(context: ScenarioContext, deployment: FailoverDeployment) {
  const lostAt = (await context.client.loseRegions([deployment.primary])).nowMs;
  const run = await failoverRun(context.client, context.endpoint, {
    stage: context.stage,
    from: deployment.primary,
    to: deployment.secondary,
  });
  return { lostAt, run };
}

const regionLoss: Scenario = {
  name: 'region-loss',
  summary:
    'The primary region is lost; failover-region.sh makes the secondary the Aurora writer, detaches its cache from the Global Datastore (the lost primary cannot fail it over), raises the DNS fence, writes the active region, records failover_time_seconds, publishes a success notice that says the cache was detached, api.<zone> answers with the secondary region, and nothing calls the lost region.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const dns = await prepareDns(context);
    const { lostAt, run } = await loseAndFailOver(context, deployment);
    const metric = await failoverTimeDatapoints(context, deployment.secondary);
    const lostCalls = (await context.client.requests(lostAt)).filter((call) => call.region === deployment.primary);
    const checks = [
      runEnded(run, 'SUCCEEDED'),
      ...(await secondaryLeads(context, deployment)),
      expectThat(
        `failover_time_seconds is recorded once, at least the ${PROMOTION_SECONDS} s promotion`,
        metric.count === 1 &&
          (metric.maximum ?? 0) >= PROMOTION_SECONDS &&
          (metric.maximum ?? 0) < PROMOTION_SECONDS + 120,
        `${metric.count} datapoint(s), largest ${metric.maximum ?? 'none'}`,
      ),
      ...(await activationEffects(context, deployment)),
      await dnsAnswersRegion(context, dns, deployment.secondary, 'after the activation', lostAt),
      expectThat(
        `no request is signed for ${deployment.primary} after its loss`,
        lostCalls.length === 0,
        lostCalls.length ? lostCalls.map((call) => `${call.source} ${call.service} ${call.action}`).join(', ') : 'none',
      ),
    ];
    return { checks, runs: [run], simulated: simulated(deployment, DNS) };
  },
};

const rerun: Scenario = {
  name: 'rerun',
  summary:
    'After a completed failover, a second run of the command finds the secondary leading: it promotes nothing, records no failover_time_seconds, and still reports success.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run: first } = await loseAndFailOver(context, deployment);
    await publishedMessages(context, deployment.secondary);
    const before = await failoverTimeDatapoints(context, deployment.secondary);
    const since = (await context.client.state()).nowMs;
    const second = await failoverRun(context.client, context.endpoint, {
      stage: context.stage,
      from: deployment.primary,
      to: deployment.secondary,
    });
    const promotions = (await context.client.requests(since)).filter((call) => PROMOTIONS.includes(call.action));
    const after = await failoverTimeDatapoints(context, deployment.secondary);
    const checks = [
      runEnded(first, 'SUCCEEDED', 'the first run'),
      runEnded(second, 'SUCCEEDED', 'the second run'),
      expectThat(
        'the second run calls no promotion',
        promotions.length === 0,
        promotions.map((call) => call.action).join(', ') || 'none',
      ),
      expectEqual('the second run records no failover_time_seconds', after.count, before.count),
      ...(await secondaryLeads(context, deployment)),
      successNotice(await publishedMessages(context, deployment.secondary)),
    ];
    return { checks, runs: [first, second], simulated: simulated(deployment) };
  },
};

const REJECTION: Fault = {
  service: 'rds',
  action: 'FailoverGlobalCluster',
  code: 'InvalidGlobalClusterStateFault',
  message: 'drill: the global cluster refused the failover',
};

const promoteRejected: Scenario = {
  name: 'promote-rejected',
  summary:
    'Aurora refuses FailoverGlobalCluster: the run fails with a failure notice that names the error and the writer stays put; once the fault is gone, a re-run completes.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    await context.client.setFaults([REJECTION]);
    const { run: rejected } = await loseAndFailOver(context, deployment);
    const failureNotices = await publishedMessages(context, deployment.secondary);
    const writerAfterRejection = await auroraWriterRegion(context, deployment);
    // The operator reads the notice and the runbook; minutes pass before the second attempt.
    await context.client.setFaults([]);
    await context.client.advanceClock(300);
    const retried = await failoverRun(context.client, context.endpoint, {
      stage: context.stage,
      from: deployment.primary,
      to: deployment.secondary,
    });
    const checks = [
      runEnded(rejected, 'FAILED', 'the rejected run'),
      expectThat(
        'a failure notice names the rejection',
        failureNotices.some((notice) => reportsFailure(notice) && notice.message.includes('InvalidGlobalClusterState')),
        describeMessages(failureNotices),
      ),
      expectEqual(
        'the writer stays in the primary region after the rejection',
        writerAfterRejection,
        deployment.primary,
      ),
      runEnded(retried, 'SUCCEEDED', 'the re-run'),
      ...(await secondaryLeads(context, deployment)),
    ];
    return {
      checks,
      runs: [rejected, retried],
      simulated: simulated(
        deployment,
        'the rejection: an injected InvalidGlobalClusterStateFault answer to FailoverGlobalCluster',
      ),
    };
  },
};

const stuck: Scenario = {
  name: 'stuck',
  summary:
    'The Aurora promotion never completes: the run fails at its promotion deadline, in virtual time, with a failure notice, and the writer does not move.',
  config: { promotionSeconds: { rds: null } },
  async run(context) {
    const deployment = await failoverDeployment(context);
    const deadline = promotionDeadlineSeconds(deployment.machine);
    const { run } = await loseAndFailOver(context, deployment);
    const notices = await publishedMessages(context, deployment.secondary);
    const checks = [
      runEnded(run, 'FAILED'),
      expectThat(
        'the run gives up at its promotion deadline (virtual time)',
        deadline !== undefined && run.durationSeconds >= deadline && run.durationSeconds < deadline + 120,
        `deadline ${deadline ?? 'not found in the definition'} s, the run lasted ${run.durationSeconds} s`,
      ),
      expectThat('a failure notice is published', notices.some(reportsFailure), describeMessages(notices)),
      expectEqual(
        'the writer stays in the primary region',
        await auroraWriterRegion(context, deployment),
        deployment.primary,
      ),
    ];
    return { checks, runs: [run], simulated: simulated(deployment, 'the stuck promotion: the writer never moves') };
  },
};

const throttled: Scenario = {
  name: 'throttled',
  summary:
    'The first two reads of the global cluster and of the replication group are throttled: the state machine retries them and the failover completes.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const throttle = (service: string, action: string): Fault => ({
      service,
      action,
      region: deployment.secondary,
      code: 'Throttling',
      message: 'Rate exceeded',
      times: 2,
    });
    const faults = [throttle('rds', 'DescribeGlobalClusters')];
    if (deployment.datastoreId) faults.push(throttle('elasticache', 'DescribeReplicationGroups'));
    await context.client.setFaults(faults);
    const { run } = await loseAndFailOver(context, deployment);
    const { faults: met } = await context.client.state();
    const checks = [
      expectThat(
        'every throttle was met by a call',
        met.every((fault) => fault.hits === 2),
        met.map((fault) => `${fault.service} ${fault.action}: ${fault.hits}`).join(', '),
      ),
      runEnded(run, 'SUCCEEDED'),
      ...(await secondaryLeads(context, deployment)),
    ];
    return {
      checks,
      runs: [run],
      simulated: simulated(deployment, 'the throttling: injected Throttling answers to the first two reads of each'),
    };
  },
};

export const FAILOVER_SCENARIOS: readonly Scenario[] = [regionLoss, rerun, promoteRejected, stuck, throttled];
