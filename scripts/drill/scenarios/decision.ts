// The scenarios of the decision and the lock: a partition (the signals disagree) promotes nothing and pages; a second run while one holds the lock is refused and pages.
import { LOCK_KEYS, METRIC } from '../../../lib/contract';
import { finishRun, runFailoverCommand, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario } from '../scenario';
import {
  alertTopicArn,
  evaluateComposites,
  failoverTrigger,
  setAlarmState,
  signalAlarms,
  transformInput,
} from './decision-facts';
import { describeMessages, runEnded, secondaryLeads, simulated } from './failover';
import {
  auroraWriterRegion,
  cachePrimaryRegion,
  failoverDeployment,
  failoverTimeDatapoints,
  publishedMessages,
} from './failover-facts';
import { fenceStats, lockItem, promotionCalls } from './run-facts';

const COMPOSITES =
  'composite alarms: moto stores them but evaluates nothing; the drill evaluates each rule of the template (scripts/drill/alarm-rule.ts) against the alarm states moto holds';
const SIGNALS = 'the signals: S1 and S2 set by SetAlarmState, as their metrics would drive them';
const TRIGGER =
  "the trigger: EventBridge is not emulated; the drill starts the run with the input the synthesized rule's input transformer gives for the activation alarm's event";

const partition: Scenario = {
  name: 'partition',
  summary:
    'S1 (the probe) says the primary is down while S2 (Route 53 view) says it serves: the activation composite stays OK and the disagreement composite pages the critical topic; an alarm-started run (the rule input, as a late or retried event would bring it) is refused with DecisionNotAct and pages; nothing is promoted, fenced or recorded.',
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { secondary } = deployment;
    const signals = signalAlarms(deployment);
    await setAlarmState(context, secondary, signals.probe, 'ALARM');
    await setAlarmState(context, secondary, signals.route53, 'OK');
    const composites = await evaluateComposites(context, deployment);
    const trigger = failoverTrigger(context, deployment);
    const activation = composites.filter((composite) => trigger.alarmArns.includes(composite.arn));
    const paging = composites.filter((composite) => composite.inAlarm && !trigger.alarmArns.includes(composite.arn));
    const critical = alertTopicArn(deployment);

    // EventBridge retries an event for up to an hour: the run must refuse on its own re-check.
    const [activationAlarm] = activation;
    const input = transformInput(trigger, {
      detail: {
        alarmName: activationAlarm?.name ?? trigger.alarmArns[0],
        state: { value: 'ALARM', reason: 'drill: an earlier transition, delivered late' },
      },
    });
    const since = (await context.client.state()).nowMs;
    const executionArn = await startExecution(
      context.client,
      secondary,
      deployment.machine.arn,
      input,
      'drill-partition',
    );
    const run = await finishRun(context.client, executionArn, `StartExecution ${JSON.stringify(input)}`);
    const messages = await publishedMessages(context, secondary);
    const promotions = promotionCalls(await context.client.requests(since));
    const metric = await failoverTimeDatapoints(context, secondary);
    const fence = await fenceStats(context, deployment);
    const checks: Check[] = [
      expectThat(
        `the activation composite of ${trigger.ruleName} stays OK: EventBridge starts no run`,
        activation.length > 0 && activation.every((composite) => !composite.inAlarm),
        activation.map((composite) => `${composite.name}: ${composite.inAlarm ? 'ALARM' : 'OK'}`).join(', ') || 'none',
      ),
      expectThat(
        'a composite of the disagreement is in ALARM and its actions page the critical topic',
        paging.some((composite) => composite.alarmActions.includes(critical)),
        paging.map((composite) => `${composite.name} → ${composite.alarmActions.join(', ')}`).join('; ') || 'none',
      ),
      expectThat(
        'the alarm-started run is refused with DecisionNotAct',
        run.status === 'FAILED' && run.error === 'DecisionNotAct',
        `${run.status} ${run.error ?? ''}: ${run.cause ?? ''}`,
      ),
      expectThat(
        'the refusal pages the critical topic with the signal states',
        messages.some(
          (m) => m.topicArn === critical && m.message.includes('DecisionNotAct') && m.message.includes('ALARM'),
        ),
        describeMessages(messages),
      ),
      expectEqual('no promotion is called', promotions, []),
      expectEqual(
        'the Aurora writer stays in the primary region',
        await auroraWriterRegion(context, deployment),
        deployment.primary,
      ),
      ...(deployment.datastoreId
        ? [
            expectEqual(
              'the cache primary stays in the primary region',
              await cachePrimaryRegion(context, deployment),
              deployment.primary,
            ),
          ]
        : []),
      expectEqual(`no ${METRIC.failoverTimeSeconds} is recorded`, metric.count, 0),
      expectEqual('the DNS fence is not raised (no fence datapoint)', fence.count, 0),
      expectEqual('the lock is released', await lockItem(context, deployment, 'run'), undefined),
    ];
    return { checks, runs: [run], simulated: [COMPOSITES, SIGNALS, TRIGGER] };
  },
};

/** Waits (real time) until an execution holds the run lock; returns its ARN. */
async function lockHolder(
  context: Parameters<Scenario['run']>[0],
  deployment: Awaited<ReturnType<typeof failoverDeployment>>,
) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const item = await lockItem(context, deployment, 'run');
    if (item?.executionArn) return item.executionArn;
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error(`no run took the ${LOCK_KEYS.run} lock within 15 s`);
}

/** Virtual seconds the first run's Aurora promotion takes in `concurrent`: long enough for a second run to meet its lock. */
const SLOW_PROMOTION_SECONDS = 300;

const concurrent: Scenario = {
  name: 'concurrent',
  summary: `With the primary lost, failover-region.sh starts a run and, while it holds the lock (its Aurora promotion takes ${SLOW_PROMOTION_SECONDS} virtual s), a second operator run starts: the second is refused (FailoverInProgress) and pages; the first promotes once and succeeds.`,
  config: { promotionSeconds: { rds: SLOW_PROMOTION_SECONDS } },
  async run(context) {
    const deployment = await failoverDeployment(context);
    const request = { stage: context.stage, from: deployment.primary, to: deployment.secondary };
    await context.client.loseRegions([deployment.primary]);
    const firstCommand = runFailoverCommand(context.endpoint, request);
    const holder = await lockHolder(context, deployment);
    // The same input the command sends, by StartExecution: a second operator, a console click.
    const secondInput = {
      action: 'activate',
      requestedBy: 'operator',
      operator: 'drill-second',
      reason: 'a second operator',
    };
    const secondArn = await startExecution(
      context.client,
      deployment.secondary,
      deployment.machine.arn,
      secondInput,
      'drill-concurrent-second',
    );
    const second: RunRecord = await finishRun(
      context.client,
      secondArn,
      `StartExecution ${JSON.stringify(secondInput)}`,
    );
    const firstResult = await firstCommand;
    if (!firstResult.executionArn) throw new Error(`the first command started no run: ${firstResult.output}`);
    const first = await finishRun(
      context.client,
      firstResult.executionArn,
      firstResult.commandLine,
      25_000,
      firstResult.output.trim(),
    );
    const messages = await publishedMessages(context, deployment.secondary);
    const aurora = (await context.client.requests(0)).filter((call) => call.action === 'FailoverGlobalCluster');
    const metric = await failoverTimeDatapoints(context, deployment.secondary);
    const checks: Check[] = [
      expectEqual('the first run holds the lock when the second starts', holder, first.executionArn),
      expectThat(
        'the second run is refused with FailoverInProgress',
        second.status === 'FAILED' && second.error === 'FailoverInProgress',
        `${second.status} ${second.error ?? ''}: ${second.cause ?? ''}`,
      ),
      expectThat(
        'the refusal pages the critical topic, naming the second run',
        messages.some(
          (m) =>
            m.topicArn === alertTopicArn(deployment) &&
            m.message.includes('drill-concurrent-second') &&
            /refused/.test(m.message),
        ),
        describeMessages(messages),
      ),
      expectThat(
        'the second run reaches no promotion',
        !second.timeline.some((entry) => /Promote|Switchover|Failover|Fence/.test(entry.step)),
        second.timeline.map((entry) => entry.step).join(' → '),
      ),
      runEnded(first, 'SUCCEEDED', 'the first run'),
      expectThat('the first command exits 0', firstResult.exitCode === 0, `exit ${firstResult.exitCode}`),
      expectEqual('FailoverGlobalCluster is called once', aurora.length, 1),
      expectThat(
        `${METRIC.failoverTimeSeconds} is recorded once, for the first run's ${SLOW_PROMOTION_SECONDS} s promotion`,
        metric.count === 1 && (metric.maximum ?? 0) >= SLOW_PROMOTION_SECONDS,
        `${metric.count} datapoint(s), largest ${metric.maximum ?? 'none'}`,
      ),
      ...(await secondaryLeads(context, deployment)),
      expectEqual('the lock is released', await lockItem(context, deployment, 'run'), undefined),
    ];
    return {
      checks,
      runs: [first, second],
      simulated: simulated(deployment, `the first run's Aurora promotion takes ${SLOW_PROMOTION_SECONDS} virtual s`),
    };
  },
};

export const DECISION_SCENARIOS: readonly Scenario[] = [partition, concurrent];
