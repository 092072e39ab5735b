// The paging scenarios: a critical alarm's escalation run on the drill server, unacknowledged (three levels at 0, 15 and 30 virtual minutes) and acknowledged after level 1 with the operator's page-ack command.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ESCALATION_LEVELS, incidentTableName, type EscalationInput } from '../../../lib/contract/paging';
import { PROJECT_ROOT } from '../moto-process';
import { callArgument } from '../machine';
import { finishRun, operatorEnvironment, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';
import { publishedMessages } from './failover-facts';

const CLOCK =
  'time: Wait states sleep a fraction of their time and the rest is skipped on a virtual clock; the acknowledgement is given while the scenario holds the clock, as an operator answers between two levels';
const EVENT =
  'the CloudWatch alarm state change: the scenario starts the escalation with the input its EventBridge rule sends (moto runs no rules)';

/** The escalation of a region, the level topics it pages, and a critical alarm of the region. */
interface PagingDeployment {
  readonly region: string;
  readonly machine: SeededStateMachine;
  /** Level topic ARNs in {@link ESCALATION_LEVELS} order. */
  readonly levelTopics: readonly string[];
  readonly alarm: string;
}

/** Reads the escalation of the first region that has one, and a critical alarm of that region. */
async function pagingDeployment(context: ScenarioContext): Promise<PagingDeployment> {
  const { world } = context;
  const machine = world.stateMachines.find((candidate) => /"Classify"/.test(candidate.definition));
  if (!machine) throw new Error('no state machine of the assembly escalates alarms (no Classify state)');
  const region = machine.region;
  const levelTopics = ESCALATION_LEVELS.map(({ level }) =>
    callArgument(machine, 'sns:publish', 'TopicArn', (args) => JSON.stringify(args).includes(`level ${level}`)),
  );
  // The critical topic is the ARN the Classify state compares the alarm's actions with.
  const critical = /'(arn:aws:sns:[^']+)' in/.exec(machine.definition)?.[1];
  if (!critical) throw new Error(`${machine.name} names no critical topic in its Classify state`);
  const { MetricAlarms = [] } = await context.client.call<{
    MetricAlarms?: { AlarmName: string; AlarmActions?: string[] }[];
  }>('cloudwatch', region, 'DescribeAlarms', { AlarmTypes: ['MetricAlarm'], MaxRecords: 100 });
  const alarm = MetricAlarms.find((candidate) => candidate.AlarmActions?.includes(critical))?.AlarmName;
  if (!alarm) throw new Error(`no seeded alarm of ${region} notifies ${critical}`);
  return { region, machine, levelTopics, alarm };
}

/** Starts the escalation as the rule would for `alarm` changing to ALARM now. */
async function startEscalation(context: ScenarioContext, deployment: PagingDeployment, name: string) {
  const { nowMs } = await context.client.state();
  const input: EscalationInput = {
    alarm: deployment.alarm,
    changedAt: new Date(nowMs).toISOString(),
    reason: 'Threshold Crossed: the drill',
  };
  return startExecution(context.client, deployment.region, deployment.machine.arn, input, name);
}

/** When each level was paged: the virtual seconds its PageLevel state was entered, or absent. */
function pagedAt(run: RunRecord): Record<number, number> {
  const paged: Record<number, number> = {};
  for (const { level } of ESCALATION_LEVELS) {
    const entry = run.timeline.find((candidate) => candidate.step === `PageLevel${level}`);
    if (entry) paged[level] = entry.elapsedSeconds;
  }
  return paged;
}

/** Which level topics got a message, in level order. */
async function pagedTopics(context: ScenarioContext, deployment: PagingDeployment): Promise<number[]> {
  const messages = await publishedMessages(context, deployment.region);
  return ESCALATION_LEVELS.filter((_, index) =>
    messages.some((message) => message.topicArn === deployment.levelTopics[index]),
  ).map(({ level }) => level);
}

/** Each level entered within a minute of its plan time (the pages themselves take virtual seconds). */
function onTime(paged: Record<number, number>, levels: readonly number[]): Check {
  const late = ESCALATION_LEVELS.filter(({ level }) => levels.includes(level)).filter(({ level, afterMinutes }) => {
    const at = paged[level];
    // Two seconds early at most: moto's timestamp Wait drops the target's fraction of a second and then
    // truncates the seconds left to an integer (wait_function/timestamp.py), each up to a second early.
    return at === undefined || at < afterMinutes * 60 - 2 || at > afterMinutes * 60 + 60;
  });
  return expectThat(
    `level ${levels.join(', ')} paged at ${levels.map((level) => `${ESCALATION_LEVELS[level - 1]!.afterMinutes} min`).join(', ')} (within a minute)`,
    late.length === 0,
    JSON.stringify(paged),
  );
}

/** The operator's command, as the page tells it, against the drill server. */
function pageAck(
  endpoint: string,
  region: string,
  stage: string,
  alarm: string,
): Promise<{ code: number; output: string }> {
  const env = operatorEnvironment(endpoint);
  const args = ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'page-ack.ts')];
  args.push('--stage', stage, '--region', region, '--alarm', alarm, '--by', 'drill-operator');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(env.HOME!, { recursive: true, force: true });
      done({ code: code ?? 1, output: output.trim() });
    });
  });
}

/** Waits (real time, bounded) until the run has left `state`. */
async function untilLeft(context: ScenarioContext, executionArn: string, state: string): Promise<void> {
  const region = executionArn.split(':')[3]!;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { events } = await context.client.call<{
      events: { type: string; stateExitedEventDetails?: { name: string } }[];
    }>('stepfunctions', region, 'GetExecutionHistory', { executionArn, maxResults: 1000 });
    if (events.some((event) => event.stateExitedEventDetails?.name === state)) return;
    if (Date.now() > deadline) throw new Error(`${executionArn} did not leave ${state} within 20 s of real time`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

const unacknowledged: Scenario = {
  name: 'page-unacknowledged',
  summary:
    'A critical alarm changes to ALARM and nobody acknowledges: the escalation pages level 1 (on-call) at once, level 2 (engineering manager) at 15 and level 3 (CTO) at 30 virtual minutes, each on its own topic; a second delivery of the same change pages nobody.',
  async run(context) {
    const deployment = await pagingDeployment(context);
    const executionArn = await startEscalation(context, deployment, 'drill-page-unacknowledged');
    const run = await finishRun(context.client, executionArn, `StartExecution (${deployment.alarm} in ALARM)`);
    const paged = pagedAt(run);
    const topics = await pagedTopics(context, deployment);
    // EventBridge delivers at least once: the same change again.
    const input = JSON.parse(
      (
        await context.client.call<{ input: string }>('stepfunctions', deployment.region, 'DescribeExecution', {
          executionArn,
        })
      ).input,
    ) as EscalationInput;
    const again = await startExecution(
      context.client,
      deployment.region,
      deployment.machine.arn,
      input,
      'drill-page-again',
    );
    const duplicate = await finishRun(context.client, again, 'StartExecution (the same change, delivered again)');
    const checks = [
      expectEqual('the run succeeded', run.status, 'SUCCEEDED'),
      onTime(paged, [1, 2, 3]),
      expectEqual('each level topic got one page', topics, [1, 2, 3]),
      expectEqual('the run ended with every level paged', run.timeline.at(-2)?.step, 'EveryLevelPaged'),
      expectThat(
        'a second delivery of the same change opens nothing and pages nobody',
        duplicate.timeline.some((entry) => entry.step === 'AlreadyOpen') &&
          Object.keys(pagedAt(duplicate)).length === 0,
        duplicate.timeline.map((entry) => entry.step).join(' > '),
      ),
      expectEqual('no topic got a page from the second delivery', await pagedTopics(context, deployment), []),
    ];
    return { checks, runs: [run, duplicate], simulated: [EVENT, CLOCK] };
  },
};

const acknowledged: Scenario = {
  name: 'page-acknowledged',
  // The clock is held while the operator answers; each held wait runs at most its time times this in real time.
  config: { timeScale: 0.05 },
  summary:
    'A critical alarm changes to ALARM; the on-call engineer, paged at level 1, acknowledges with page-ack before 15 minutes: levels 2 and 3 are never paged, and the incident records who took it.',
  async run(context) {
    const deployment = await pagingDeployment(context);
    await context.client.configure({ holdClock: true });
    let ack: { code: number; output: string };
    let executionArn: string;
    try {
      executionArn = await startEscalation(context, deployment, 'drill-page-acknowledged');
      await untilLeft(context, executionArn, 'PageLevel1');
      ack = await pageAck(context.endpoint, deployment.region, context.stage, deployment.alarm);
    } finally {
      await context.client.configure({ holdClock: false });
    }
    const run = await finishRun(context.client, executionArn, `StartExecution (${deployment.alarm} in ALARM)`);
    const paged = pagedAt(run);
    const { Items = [] } = await context.client.call<{ Items?: Record<string, { S?: string }>[] }>(
      'dynamodb',
      deployment.region,
      'Scan',
      { TableName: incidentTableName(context.stage) },
    );
    const checks = [
      expectThat(`page-ack exited 0`, ack.code === 0, ack.output),
      expectEqual('the run succeeded', run.status, 'SUCCEEDED'),
      onTime(paged, [1]),
      expectEqual('levels 2 and 3 were never paged', Object.keys(paged), ['1']),
      expectEqual('only the level 1 topic got a page', await pagedTopics(context, deployment), [1]),
      expectEqual(
        'the run stopped at the acknowledgement, at the 15-minute check',
        run.timeline.at(-2)?.step,
        'AcknowledgedAtLevel1',
      ),
      expectEqual(
        'the incident records who acknowledged it',
        Items.map((item) => item.acknowledgedBy?.S),
        ['drill-operator'],
      ),
    ];
    return { checks, runs: [run], simulated: [EVENT, CLOCK] };
  },
};

export const PAGING_SCENARIOS: readonly Scenario[] = [unacknowledged, acknowledged];
