// Starting state machine runs (through the operator's failover command, or StartExecution), waiting for them, and their timeline from the execution history.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FailoverAction, FailoverInput } from '../../lib/contract';
import type { DrillClient } from './drill-server';
import { PROJECT_ROOT, VENV_BIN } from './moto-process';

const FAILOVER_SCRIPT = join(PROJECT_ROOT, 'scripts', 'disaster-recovery', 'failover-region.sh');

/** One state of a run's timeline: when it was entered, in virtual seconds since the run started. */
export interface TimelineEntry {
  readonly step: string;
  readonly elapsedSeconds: number;
  /** For a failed task or run: its error. */
  readonly error?: string;
}

/** A finished run. */
export interface RunRecord {
  readonly executionArn: string;
  readonly region: string;
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  /** How it was started: the operator's command line, or StartExecution. */
  readonly startedBy: string;
  readonly timeline: TimelineEntry[];
  /** Virtual seconds from start to stop. */
  readonly durationSeconds: number;
  /** What the entry point printed, when one started the run. */
  readonly output?: string;
}

/** What the failover command is asked. */
export interface FailoverRequest {
  readonly stage: string;
  readonly from: string;
  readonly to: string;
  /** A switchover or failback instead of an unplanned activation. */
  readonly planned?: boolean;
}

/**
 * The environment of an operator's command in the drill: the aws CLI of .venv first on PATH, an
 * empty HOME, credentials of its own and no AWS setting of the caller's, every call sent to `endpoint`.
 */
export function operatorEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'drill-operator-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'drill',
    AWS_SECRET_ACCESS_KEY: 'drill',
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_ENDPOINT_URL: endpoint,
  };
}

/**
 * The one place that knows how `failover-region.sh` is called: as an operator would, non-interactively
 * (`--yes`), with the aws CLI of .venv pointed at the drill's server. Resolves with the execution it
 * started and its exit status; the run may still be going when a version of the script does not wait.
 */
export async function runFailoverCommand(
  endpoint: string,
  request: FailoverRequest,
): Promise<{ executionArn?: string; exitCode: number; output: string; commandLine: string }> {
  const args = ['--from', request.from, '--to', request.to, '--stage', request.stage, '--yes'];
  if (request.planned) args.push('--planned');
  const env: NodeJS.ProcessEnv = { ...operatorEnvironment(endpoint), FAILOVER_POLL_SECONDS: '0.2' };
  const commandLine = `failover-region.sh ${args.join(' ')}`;
  return new Promise((done, fail) => {
    const child = spawn('bash', [FAILOVER_SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(env.HOME!, { recursive: true, force: true });
      const executionArn = /arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^\s'"]+/.exec(output)?.[0];
      done({ ...(executionArn ? { executionArn } : {}), exitCode: code ?? 1, output, commandLine });
    });
  });
}

/** StartExecution, for a state machine the plan starts with no command of its own. */
export async function startExecution(
  client: DrillClient,
  region: string,
  stateMachineArn: string,
  input: unknown,
  name: string,
): Promise<string> {
  const { executionArn } = await client.call<{ executionArn: string }>('stepfunctions', region, 'StartExecution', {
    stateMachineArn,
    name,
    input: JSON.stringify(input),
  });
  return executionArn;
}

/**
 * Starts an operator's run by StartExecution with the input failover-region.sh sends (`--planned`
 * for switchover and failback), and waits for it: the setup runs of scenarios whose subject is not
 * the command, which region-loss, planned-switchover and failback prove.
 */
export async function startOperatorRun(
  client: DrillClient,
  region: string,
  stateMachineArn: string,
  action: FailoverAction,
  reason: string,
): Promise<RunRecord> {
  const input: FailoverInput = { action, requestedBy: 'operator', operator: 'drill', reason };
  const executionArn = await startExecution(client, region, stateMachineArn, input, `drill-${action}`);
  return finishRun(client, executionArn, `StartExecution ${JSON.stringify(input)}`);
}

interface Execution {
  status: string;
  startDate: string;
  stopDate?: string;
  error?: string;
  cause?: string;
}

interface HistoryEvent {
  timestamp: string;
  type: string;
  stateEnteredEventDetails?: { name: string };
  taskFailedEventDetails?: { error?: string };
  executionFailedEventDetails?: { error?: string };
}

const regionOf = (arn: string) => arn.split(':')[3];

/** Waits (in real time, `timeoutMs` at most) for a run to end, then reads its timeline. */
export async function finishRun(
  client: DrillClient,
  executionArn: string,
  startedBy: string,
  timeoutMs = 25_000,
  output?: string,
): Promise<RunRecord> {
  const region = regionOf(executionArn);
  const deadline = Date.now() + timeoutMs;
  let execution = await client.call<Execution>('stepfunctions', region, 'DescribeExecution', { executionArn });
  while (execution.status === 'RUNNING') {
    if (Date.now() > deadline) throw new Error(`${executionArn} still ran after ${timeoutMs / 1000} s of real time`);
    await new Promise((wait) => setTimeout(wait, 100));
    execution = await client.call<Execution>('stepfunctions', region, 'DescribeExecution', { executionArn });
  }
  const started = Date.parse(execution.startDate);
  const timeline = await readTimeline(client, executionArn, started);
  return {
    executionArn,
    region,
    status: execution.status,
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    startedBy,
    timeline,
    durationSeconds: execution.stopDate ? (Date.parse(execution.stopDate) - started) / 1000 : 0,
    ...(output === undefined ? {} : { output }),
  };
}

/** GetExecutionHistory as a timeline: every state entered, every task failure, the run's own failure. */
export async function readTimeline(
  client: DrillClient,
  executionArn: string,
  started: number,
): Promise<TimelineEntry[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.call<{ events: HistoryEvent[]; nextToken?: string }>(
      'stepfunctions',
      regionOf(executionArn),
      'GetExecutionHistory',
      { executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) },
    );
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  const at = (event: HistoryEvent) => Math.round((Date.parse(event.timestamp) - started) / 100) / 10;
  const timeline: TimelineEntry[] = [];
  let lastEntered = '';
  for (const event of events) {
    if (event.stateEnteredEventDetails) {
      lastEntered = event.stateEnteredEventDetails.name;
      timeline.push({ step: lastEntered, elapsedSeconds: at(event) });
    } else if (event.taskFailedEventDetails) {
      timeline.push({
        step: `${lastEntered} failed`,
        elapsedSeconds: at(event),
        error: event.taskFailedEventDetails.error ?? '',
      });
    } else if (
      event.type === 'ExecutionFailed' ||
      event.type === 'ExecutionSucceeded' ||
      event.type === 'ExecutionTimedOut'
    ) {
      const error = event.executionFailedEventDetails?.error;
      timeline.push({ step: event.type, elapsedSeconds: at(event), ...(error ? { error } : {}) });
    }
  }
  return timeline;
}

/** Runs the failover command and waits for the run it started to end. */
export async function failoverRun(client: DrillClient, endpoint: string, request: FailoverRequest): Promise<RunRecord> {
  const result = await runFailoverCommand(endpoint, request);
  if (!result.executionArn) {
    throw new Error(`${result.commandLine} started no run (exit ${result.exitCode}):\n${result.output.trim()}`);
  }
  return finishRun(client, result.executionArn, result.commandLine, 25_000, result.output.trim());
}
