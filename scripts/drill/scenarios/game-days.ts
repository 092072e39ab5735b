// The game days run end to end: each state machine as synthesized executes on the drill server, its recorder tasks answered by the real recorder in its own process, so every run reaches its own verdict.
import { GAME_DAY_RESULTS, GAME_DAY_STEPS, type GameDayId, type GameDayResult } from '../../../lib/contract/game-days';
import { INCIDENT_ITEM, incidentTableName } from '../../../lib/contract/paging';
import { finishRun, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';
import { runEnded, simulated } from './failover';
import { applicationScenario } from './game-day-application';
import { queueRecorder, recorded, RECORDER_IN_THE_RUN } from './game-day-recorder';
import { auroraWriterRegion, failoverDeployment, type FailoverDeployment } from './failover-facts';
import { activeRegionsName, membersIn, noDataLoss } from './planned-facts';
import { fenceStats, promotionCalls } from './run-facts';

function machineOf(context: ScenarioContext, gameDay: GameDayId): SeededStateMachine {
  const machine = context.world.stateMachines.find((candidate) => candidate.name.endsWith(`-game-day-${gameDay}`));
  if (!machine) throw new Error(`the assembly has no ${gameDay} game day state machine (stage ${context.stage})`);
  return machine;
}

/** Runs `gameDay` to its end, its `invocations` recorder tasks answered by the real recorder, and reads its result. */
async function runGameDay(
  context: ScenarioContext,
  gameDay: GameDayId,
  invocations: number,
  during: (machine: SeededStateMachine, executionArn: string) => Promise<unknown> = () => Promise.resolve(),
  timeoutMs?: number,
): Promise<{ run: RunRecord; result?: GameDayResult; rendered: string[]; checks: Check[] }> {
  await queueRecorder(context, machineOf(context, gameDay).region, invocations);
  const { machine, executionArn } = await start(context, gameDay);
  await during(machine, executionArn);
  const run = await finishRun(context.client, executionArn, `StartExecution {"gameDay":"${gameDay}"}`, timeoutMs);
  const { result, rendered, checks } = await recorded(context, run);
  return {
    run,
    ...(result ? { result } : {}),
    rendered,
    checks: [...checks, runEnded(run, 'SUCCEEDED', `the ${gameDay} game day, on its recorder's verdict,`)],
  };
}

/** What every game day's result must hold, whatever it judged. */
function resultChecks(result: GameDayResult | undefined, steps: readonly string[]): Check[] {
  if (!result) return [];
  return [
    expectEqual(
      'every step is timed, in order',
      result.steps.map((step) => step.name),
      steps,
    ),
    expectThat(
      'every step has a duration in seconds',
      result.steps.every((step) => Number.isFinite(step.seconds) && step.seconds >= 0),
      result.steps.map((step) => `${step.name} ${step.seconds} s`).join(', '),
    ),
    expectEqual('the result holds the seven checklist items', result.checklist.length, 7),
  ];
}

const status = (result: GameDayResult | undefined, item: string) =>
  result?.checklist.find((check) => check.id === item)?.status;

async function start(
  context: ScenarioContext,
  gameDay: GameDayId,
): Promise<{ machine: SeededStateMachine; executionArn: string }> {
  const machine = machineOf(context, gameDay);
  const executionArn = await startExecution(
    context.client,
    machine.region,
    machine.arn,
    { gameDay },
    `drill-game-day-${gameDay}`,
  );
  return { machine, executionArn };
}

const database: Scenario = {
  name: 'game-day-database',
  summary:
    "The first Monday's game day: SwitchoverGlobalCluster to the secondary until it is the writer, then back; the recorder's result times both moves and passes service functionality and the objective.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run, result, checks } = await runGameDay(context, 'database', 1);
    return {
      runs: [run],
      simulated: [RECORDER_IN_THE_RUN],
      checks: [
        ...checks,
        expectThat(
          'the run moved the writer out and back before recording',
          [
            'OutSwitchoverGlobalCluster',
            'OutWriterMoved',
            'BackSwitchoverGlobalCluster',
            'BackWriterMoved',
            'RecordResult',
          ].every((step) => run.timeline.some((entry) => entry.step === step)),
          run.timeline.map((entry) => entry.step).join(' → '),
        ),
        expectEqual(
          'the writer is back in the primary region',
          await auroraWriterRegion(context, deployment),
          deployment.primary,
        ),
        ...resultChecks(result, ['switchover-to-secondary', 'switchback-to-primary', 'monitoring-check']),
        expectEqual(
          'service functionality: the writer back in the primary',
          status(result, 'service-functionality'),
          'pass',
        ),
        expectEqual('performance: both moves within the objective', status(result, 'performance-sla'), 'pass'),
        expectEqual(
          'backup restoration is not exercised by this game day',
          status(result, 'backup-restoration'),
          'not-exercised',
        ),
      ],
    };
  },
};

/** page-ack's write, as the test contact would run it once paged. */
async function acknowledge(
  context: ScenarioContext,
  machine: SeededStateMachine,
  executionArn: string,
): Promise<string> {
  // The run opens the incident under its own start time, as Step Functions writes it; page-ack finds the newest.
  const deadline = Date.now() + 15_000;
  let openedAt: string | undefined;
  while (openedAt === undefined) {
    const { Items = [] } = await context.client.call<{ Items?: { [key: string]: { S: string } }[] }>(
      'dynamodb',
      machine.region,
      'Query',
      {
        TableName: incidentTableName(context.stage),
        KeyConditionExpression: '#alarm = :alarm',
        ExpressionAttributeNames: { '#alarm': INCIDENT_ITEM.alarm },
        ExpressionAttributeValues: { ':alarm': { S: machine.name } },
      },
    );
    openedAt = Items.map((item) => item[INCIDENT_ITEM.openedAt]!.S)
      .sort()
      .pop();
    if (openedAt === undefined) {
      if (Date.now() > deadline) throw new Error(`no incident of ${machine.name} opened by ${executionArn}`);
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
  const key = { [INCIDENT_ITEM.alarm]: { S: machine.name }, [INCIDENT_ITEM.openedAt]: { S: openedAt } };
  await context.client.call('dynamodb', machine.region, 'UpdateItem', {
    TableName: incidentTableName(context.stage),
    Key: key,
    UpdateExpression: `SET ${INCIDENT_ITEM.acknowledgedBy} = :by, ${INCIDENT_ITEM.acknowledgedAt} = :at`,
    ExpressionAttributeValues: { ':by': { S: 'drill-test-contact' }, ':at': { S: new Date().toISOString() } },
  });
  return openedAt;
}

const communication: Scenario = {
  name: 'game-day-communication',
  summary:
    "The fourth Monday's game day: the test contact is paged, acknowledges on the escalation's incident table as page-ack does, and the status page test notice and the Initial Incident Report are rendered to the results bucket and sent to nobody.",
  async run(context) {
    // RenderNotices, then RecordResult.
    const { run, result, rendered, checks } = await runGameDay(context, 'communication', 2, (machine, executionArn) =>
      acknowledge(context, machine, executionArn),
    );
    return {
      runs: [run],
      simulated: [
        RECORDER_IN_THE_RUN,
        "the acknowledgement is page-ack's UpdateItem on the incident, made by the drill once the run opened it",
      ],
      checks: [
        ...checks,
        expectThat(
          'the run paged the test contact, then saw the acknowledgement',
          ['PageTestContact', 'Acknowledged'].every((step) => run.timeline.some((entry) => entry.step === step)),
          run.timeline.map((entry) => entry.step).join(' → '),
        ),
        expectEqual(
          'the renderings are the status page test notice and the customer notice, in the results bucket',
          rendered.map((key) => key.split('/').pop()),
          [GAME_DAY_RESULTS.statusPageTest, GAME_DAY_RESULTS.customerNotice],
        ),
        expectEqual("the acknowledgement was within the plan's 15 minutes", status(result, 'performance-sla'), 'pass'),
        expectThat(
          'the result names who acknowledged',
          JSON.stringify(result?.checklist ?? []).includes('drill-test-contact'),
          result?.checklist.find((check) => check.id === 'communication-plan')?.evidence ?? 'no result',
        ),
      ],
    };
  },
};

/** The nested runs of the region failover machine that the game day `parent` started, oldest first. */
async function nestedRuns(
  context: ScenarioContext,
  deployment: FailoverDeployment,
  parent: string,
): Promise<{ action: string; status: string }[]> {
  const { executions } = await context.client.call<{ executions: { executionArn: string; startDate: string }[] }>(
    'stepfunctions',
    deployment.secondary,
    'ListExecutions',
    { stateMachineArn: deployment.machine.arn },
  );
  const runs = [];
  for (const { executionArn } of [...executions].sort((a, b) => Date.parse(a.startDate) - Date.parse(b.startDate))) {
    const run = await context.client.call<{ input: string; status: string }>(
      'stepfunctions',
      deployment.secondary,
      'DescribeExecution',
      { executionArn },
    );
    const input = JSON.parse(run.input) as { action: string; AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string };
    if (input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID === parent)
      runs.push({ action: input.action, status: run.status });
  }
  return runs;
}

const region: Scenario = {
  name: 'game-day-region',
  summary:
    "The second Monday's game day: the region failover machine's planned switchover to the secondary, then its failback, each a nested run started by the game day; the writer and the cache primary end in the primary, nothing is lost, the DNS fence is raised then lifted, and the result times both moves.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const fenceBefore = await fenceStats(context, deployment);
    const since = (await context.client.state()).nowMs;
    const { run, result, checks } = await runGameDay(context, 'region', 1, undefined, 60_000);
    const calls = promotionCalls(await context.client.requests(since));
    const fenceAfter = await fenceStats(context, deployment);
    return {
      runs: [run],
      simulated: [RECORDER_IN_THE_RUN, ...simulated(deployment).slice(1)],
      checks: [
        ...checks,
        expectEqual(
          "the game day's nested runs of the failover machine: a switchover, then a failback, both succeeded",
          await nestedRuns(context, deployment, run.executionArn),
          [
            { action: 'switchover', status: 'SUCCEEDED' },
            { action: 'failback', status: 'SUCCEEDED' },
          ],
        ),
        ...(await membersIn(context, deployment, deployment.primary)),
        ...noDataLoss(calls),
        expectThat(
          'the DNS fence was raised once and lifted once: two more datapoints, one at 1 and one at 0',
          fenceAfter.count === fenceBefore.count + 2 && fenceAfter.sum === fenceBefore.sum + 1,
          `before ${JSON.stringify(fenceBefore)}, after ${JSON.stringify(fenceAfter)}`,
        ),
        // The run writes its own region's parameter; the primary's is failover-region.sh's (docs/runbooks/game-days.md).
        ...(await activeRegionsName(context, deployment, deployment.primary, 'the game day', [deployment.secondary])),
        ...resultChecks(result, [GAME_DAY_STEPS.region.switchover, GAME_DAY_STEPS.region.failback, 'monitoring-check']),
        expectEqual(
          'service functionality: the writer back in the primary',
          status(result, 'service-functionality'),
          'pass',
        ),
        expectEqual('performance: both moves within the objective', status(result, 'performance-sla'), 'pass'),
      ],
    };
  },
};

const application = applicationScenario({ start, resultChecks });

export const GAME_DAY_SCENARIOS: readonly Scenario[] = [database, region, application, communication];
