// The DNS scenarios: what Route 53 answers for the failover name around an activation, with the health checks and the fence alarm evaluated by the drill server.
import { expectEqual, expectThat, type Scenario, type ScenarioContext } from '../scenario';
import { dnsAnswersRegion, fenceAlarmState, healthCheckStatus, prepareDns, type DnsDeployment } from './dns-facts';
import type { DnsViewResult } from '../../../lambda/dns-view/dns-view';
import { FUNCTIONS, METRIC } from '../../../lib/contract';
import { publishEmf } from '../emf';
import { runJob } from '../jobs';
import { startOperatorRun } from '../runs';
import { DNS, loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment } from './failover-facts';
import { fenceStats } from './run-facts';

/**
 * How long the restored primary is watched: an hour of virtual time, sixty periods of a one-minute
 * fence alarm with no datapoint, where an alarm that did not ignore missing data would have left ALARM.
 */
const WATCH_SECONDS = 3600;

function fenceOf(dns: DnsDeployment): NonNullable<DnsDeployment['fence']> {
  if (!dns.fence) throw new Error('no CLOUDWATCH_METRIC health check names a fence alarm: nothing fences DNS');
  return dns.fence;
}

const fenceHolds: Scenario = {
  name: 'fence-holds',
  summary:
    'api.<zone> answers the primary; the primary region is lost and the operator activates the secondary, whose run raises the fence (the fence alarm goes to ALARM from the datapoint the run published); the primary comes back and its endpoint check passes, yet DNS keeps answering the secondary, for an hour without a datapoint: no automatic failback.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const dns = await prepareDns(context);
    const fence = fenceOf(dns);
    const primaryCheck = dns.endpointChecks[deployment.primary];
    if (!primaryCheck) throw new Error(`no endpoint health check of ${deployment.primary}`);
    const startedAt = (await context.client.state()).nowMs;
    const before = await dnsAnswersRegion(context, dns, deployment.primary, 'before the loss', startedAt);
    const { run } = await loseAndFailOver(context, deployment);
    const afterActivation = await dnsAnswersRegion(
      context,
      dns,
      deployment.secondary,
      'after the activation',
      startedAt,
    );
    const fenceAfterActivation = await fenceAlarmState(context, dns);

    await context.client.loseRegions([]); // the primary region is back
    const endpointStatus = await healthCheckStatus(context, primaryCheck);
    const fenceCheckStatus = await healthCheckStatus(context, fence.checkId);
    const restored = await dnsAnswersRegion(
      context,
      dns,
      deployment.secondary,
      `${deployment.primary} restored, its endpoint healthy`,
      startedAt,
    );
    await context.client.advanceClock(WATCH_SECONDS);
    const later = await dnsAnswersRegion(
      context,
      dns,
      deployment.secondary,
      `${WATCH_SECONDS / 60} virtual minutes later`,
      startedAt,
    );
    const fenceLater = await fenceAlarmState(context, dns);
    const published = await fenceStats(context, deployment);

    const checks = [
      before,
      runEnded(run, 'SUCCEEDED'),
      expectThat(
        `the run published the fence once, at 1, and nothing since`,
        published.count === 1 && published.maximum === 1,
        JSON.stringify(published),
      ),
      expectEqual(
        `${fence.name} (${fence.region}) is evaluated to ALARM after the activation`,
        fenceAfterActivation.state,
        'ALARM',
      ),
      afterActivation,
      expectThat(
        `with ${deployment.primary} restored, its endpoint health check (${primaryCheck}) reports success`,
        endpointStatus.startsWith('Success'),
        endpointStatus,
      ),
      expectThat(
        `the fence health check (${fence.checkId}) reports failure`,
        fenceCheckStatus.startsWith('Failure'),
        fenceCheckStatus,
      ),
      restored,
      later,
      expectThat(
        `${fence.name} is still ALARM after ${WATCH_SECONDS} s with no datapoint (it ignores missing data)`,
        fenceLater.state === 'ALARM',
        `${fenceLater.state}: ${fenceLater.reason}`,
      ),
    ];
    return { checks, runs: [run], simulated: simulated(deployment, DNS) };
  },
};

const MINUTE_MS = 60_000;

const fenceLifts: Scenario = {
  name: 'fence-lifts',
  // Instant promotions: the failback follows the raise within seconds, unless its own gap holds it.
  config: { promotionSeconds: { rds: 0, elasticache: 0 } },
  summary:
    'A planned switchover with both regions up raises the fence: DNS answers the secondary although the primary endpoint is healthy; the planned failback, started at once, lifts it (the fence alarm evaluated to OK from the 0 the run published) and api.<zone> answers the primary again.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const dns = await prepareDns(context);
    const fence = fenceOf(dns);
    const primaryCheck = dns.endpointChecks[deployment.primary];
    if (!primaryCheck) throw new Error(`no endpoint health check of ${deployment.primary}`);
    // The switchover starts a second into a minute and the promotions are instant, so the raise and a
    // failback without its FencePeriodGap would land in the same minute: this scenario fails then.
    const now = (await context.client.state()).nowMs;
    await context.client.advanceClock((MINUTE_MS - (now % MINUTE_MS) + 1000) / 1000);
    const startedAt = (await context.client.state()).nowMs;
    // The input failover-region.sh --planned sends; the command itself is proven by planned-switchover and failback.
    const move = (action: 'switchover' | 'failback') =>
      startOperatorRun(context.client, deployment.secondary, deployment.machine.arn, action, 'fence-lifts');
    const switchover = await move('switchover');
    const switched = await dnsAnswersRegion(context, dns, deployment.secondary, 'after the switchover', startedAt);
    const endpointStatus = await healthCheckStatus(context, primaryCheck);
    const fenceRaised = await fenceAlarmState(context, dns);
    // At once: the fence alarm takes the Maximum per minute, so a lift in the raise's minute would be
    // masked; the failback's own FencePeriodGap must keep it out of that minute, and this proves it.
    const failback = await move('failback');
    const published = await fenceStats(context, deployment);
    const fenceLifted = await fenceAlarmState(context, dns);
    const back = await dnsAnswersRegion(context, dns, deployment.primary, 'after the failback', startedAt);
    const checks = [
      runEnded(switchover, 'SUCCEEDED', 'the switchover'),
      expectThat(
        `the ${deployment.primary} endpoint health check (${primaryCheck}) reports success (no region is lost)`,
        endpointStatus.startsWith('Success'),
        endpointStatus,
      ),
      expectEqual(`${fence.name} is evaluated to ALARM after the switchover`, fenceRaised.state, 'ALARM'),
      switched,
      runEnded(failback, 'SUCCEEDED', 'the failback'),
      expectThat(
        'the runs published the fence twice: 1, then 0',
        published.count === 2 && published.sum === 1 && published.minimum === 0,
        JSON.stringify(published),
      ),
      expectThat(
        `${fence.name} is evaluated to OK after the failback`,
        fenceLifted.state === 'OK',
        `${fenceLifted.state}: ${fenceLifted.reason}`,
      ),
      back,
    ];
    return {
      checks,
      runs: [switchover, failback],
      simulated: [
        'no region is lost: both answer, as a planned switchover and a failback require',
        "the planned runs: StartExecution of the secondary's failover machine with the input failover-region.sh --planned sends (the command is proven by planned-switchover and failback; its aws CLI polling would take a third of this scenario's budget)",
        DNS,
      ],
    };
  },
};

/**
 * One run of dns-view's handler in `region`, as its schedule would start it: its environment as
 * synthesized but one sample (its 10 s sleeps between samples are real time, not on the drill's clock),
 * its resolvers pointed at the drill server's DNS responder, its EMF metrics published as CloudWatch
 * Logs would.
 */
async function runDnsView(context: ScenarioContext, region: string) {
  const { dnsPort } = await context.client.state();
  const run = await runJob(
    context.world,
    context.endpoint,
    FUNCTIONS.dnsView,
    region,
    {},
    {
      DRILL_DNS_SERVER: `127.0.0.1:${dnsPort}`,
      SAMPLES_PER_RUN: '1',
    },
  );
  const published = await publishEmf(context.client, region, run.emf);
  const result = run.states[0] as unknown as DnsViewResult | undefined;
  const answered = result?.samples.map((sample) => sample.answered) ?? [];
  const detail = `${run.error ? `${run.error.name}: ${run.error.message}; ` : ''}samples ${JSON.stringify(result?.samples ?? [])}, ${published} datapoint(s) published`;
  return { answered, published, detail };
}

/**
 * The datapoints of dns-view's metric so far, as the S2 alarm of the template watches it (its
 * namespace and dimensions): how many, and their sum.
 */
async function primaryAnswered(context: ScenarioContext, region: string) {
  const alarm = context.world
    .resources('AWS::CloudWatch::Alarm', region)
    .find(({ properties }) => properties.MetricName === METRIC.route53PrimaryAnswered);
  if (!alarm) throw new Error(`no alarm of ${region} watches ${METRIC.route53PrimaryAnswered}`);
  const now = Date.now();
  const { Datapoints = [] } = await context.client.call<{ Datapoints?: { SampleCount: number; Sum: number }[] }>(
    'cloudwatch',
    region,
    'GetMetricStatistics',
    {
      Namespace: alarm.properties.Namespace,
      MetricName: METRIC.route53PrimaryAnswered,
      Dimensions: alarm.properties.Dimensions ?? [],
      // Datapoints carry the handler's real clock: a window wide enough for any drill.
      StartTime: new Date(now - 86_400_000).toISOString(),
      EndTime: new Date(now + 86_400_000).toISOString(),
      Period: 86_400,
      Statistics: ['SampleCount', 'Sum'],
    },
  );
  return {
    count: Datapoints.reduce((total, point) => total + point.SampleCount, 0),
    sum: Datapoints.reduce((total, point) => total + point.Sum, 0),
  };
}

const dnsViewSeesFailover: Scenario = {
  name: 'dns-view-sees-failover',
  summary:
    "dns-view (signal S2), its real handler run in the secondary region with its resolvers pointed at the drill server's DNS responder (Route 53's answers over UDP), sees api.<zone> answered with the primary; after a region-loss activation it sees the secondary; its route53_primary_answered datapoints are 1, then 0.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    await prepareDns(context);
    const before = await runDnsView(context, deployment.secondary);
    const { run } = await loseAndFailOver(context, deployment);
    const after = await runDnsView(context, deployment.secondary);
    const metric = await primaryAnswered(context, deployment.secondary);
    const checks = [
      expectThat(
        'before the loss, dns-view sees the primary answered',
        before.answered.join() === 'primary',
        before.detail,
      ),
      runEnded(run, 'SUCCEEDED'),
      expectThat(
        'after the activation, dns-view sees the secondary answered',
        after.answered.join() === 'secondary',
        after.detail,
      ),
      expectThat(
        `${METRIC.route53PrimaryAnswered} has two datapoints in ${deployment.secondary}: 1, then 0`,
        metric.count === 2 && metric.sum === 1,
        JSON.stringify(metric),
      ),
    ];
    return {
      checks,
      runs: [run],
      simulated: simulated(
        deployment,
        DNS,
        "DNS over UDP: the drill server's responder answers for the zone's name servers and the network's resolver; dns-view takes one sample per run; its EMF metrics are published as CloudWatch Logs would extract them",
      ),
    };
  },
};

export const DNS_SCENARIOS: readonly Scenario[] = [fenceHolds, fenceLifts, dnsViewSeesFailover];
