// The game days run end to end: each state machine as synthesized executes on the drill server, then the recorder runs on the exact payload the machine sent and writes the result the checks read.
import {
  GAME_DAY_RECORDER,
  GAME_DAY_RESULTS,
  GAME_DAY_STEPS,
  type GameDayId,
  type GameDayResult,
} from '../../../lib/contract/game-days';
import { INCIDENT_ITEM, incidentTableName } from '../../../lib/contract/paging';
import { runJob } from '../jobs';
import { finishRun, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';
import { simulated } from './failover';
import { applicationScenario } from './game-day-application';
import { auroraWriterRegion, failoverDeployment, type FailoverDeployment } from './failover-facts';
import { activeRegionsName, membersIn, noDataLoss } from './planned-facts';
import { fenceStats, promotionCalls } from './run-facts';

/** Why the recorder runs beside the machine, not inside it. */
const RECORDER_OUT_OF_BAND =
  "the machine's Lambda tasks (RecordResult, RenderNotices) fail on the drill server, which runs no Lambda code: the recorder runs in its own process on the payload each task was sent (GetExecutionHistory), with its function's environment as synthesized";

interface HistoryEvent {
  readonly type: string;
  readonly stateEnteredEventDetails?: { readonly name: string; readonly input?: string };
  readonly taskScheduledEventDetails?: { readonly parameters: string };
}

function machineOf(context: ScenarioContext, gameDay: GameDayId): SeededStateMachine {
  const machine = context.world.stateMachines.find((candidate) => candidate.name.endsWith(`-game-day-${gameDay}`));
  if (!machine) throw new Error(`the assembly has no ${gameDay} game day state machine (stage ${context.stage})`);
  return machine;
}

/** The payloads the run's Lambda tasks were scheduled with, in order. */
async function lambdaPayloads(context: ScenarioContext, run: RunRecord): Promise<Record<string, unknown>[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await context.client.call<{ events: HistoryEvent[]; nextToken?: string }>(
      'stepfunctions',
      run.region,
      'GetExecutionHistory',
      { executionArn: run.executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) },
    );
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events
    .filter((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails)
    .map((event) => JSON.parse(event.taskScheduledEventDetails!.parameters) as { Payload?: Record<string, unknown> })
    .filter((parameters) => parameters.Payload !== undefined)
    .map((parameters) => parameters.Payload!);
}

/** Runs the recorder on each payload the machine sent (render first, then record) and reads the result it wrote. */
async function record(
  context: ScenarioContext,
  run: RunRecord,
): Promise<{ result?: GameDayResult; key?: string; rendered: string[]; checks: Check[] }> {
  const payloads = await lambdaPayloads(context, run);
  const checks: Check[] = [];
  const rendered: string[] = [];
  let recorded: { key: string; result: GameDayResult } | undefined;
  for (const payload of payloads) {
    const job = await runJob(context.world, context.endpoint, GAME_DAY_RECORDER, run.region, payload);
    const outcome = job.states[job.states.length - 1] as { keys?: string[]; result?: GameDayResult } | undefined;
    checks.push(
      expectThat(
        `the recorder's ${String(payload.action)} on the machine's payload succeeds`,
        job.error === undefined,
        job.error ? `${job.error.name}: ${job.error.message}` : (outcome?.keys ?? []).join(', '),
      ),
    );
    if (payload.action === 'render-notices') rendered.push(...(outcome?.keys ?? []));
    if (payload.action === 'record' && outcome?.result) {
      recorded = { key: outcome.keys![0]!, result: outcome.result };
    }
  }
  checks.push(
    expectThat(
      'the machine sent the recorder its steps and facts',
      recorded !== undefined,
      `${payloads.length} payloads`,
    ),
  );
  return { ...(recorded ?? {}), rendered, checks };
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
    const { executionArn } = await start(context, 'database');
    const run = await finishRun(context.client, executionArn, 'StartExecution {"gameDay":"database"}');
    const { result, checks } = await record(context, run);
    return {
      runs: [run],
      simulated: [RECORDER_OUT_OF_BAND],
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
    const { machine, executionArn } = await start(context, 'communication');
    await acknowledge(context, machine, executionArn);
    const run = await finishRun(context.client, executionArn, 'StartExecution {"gameDay":"communication"}');
    const { result, rendered, checks } = await record(context, run);
    return {
      runs: [run],
      simulated: [
        RECORDER_OUT_OF_BAND,
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
    const { executionArn } = await start(context, 'region');
    const run = await finishRun(context.client, executionArn, 'StartExecution {"gameDay":"region"}', 60_000);
    const calls = promotionCalls(await context.client.requests(since));
    const fenceAfter = await fenceStats(context, deployment);
    const { result, checks } = await record(context, run);
    return {
      runs: [run],
      simulated: [RECORDER_OUT_OF_BAND, ...simulated(deployment).slice(1)],
      checks: [
        ...checks,
        expectEqual(
          "the game day's nested runs of the failover machine: a switchover, then a failback, both succeeded",
          await nestedRuns(context, deployment, executionArn),
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
