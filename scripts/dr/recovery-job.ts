// dr warm-cache and dr restart: a stepped recovery job's state machine in the region being recovered into, started with its first state and followed to its end.
import { randomBytes } from 'node:crypto';
import { awsCall, clientConfig } from './aws';
import { RunFailedError } from './failover';
import { endReason, followExecution, startExecution, stateMachineArnOf, type ExecutionDeps } from './execution';

/** What a recovery job run is: where, which state machine, with what first state. */
export interface RecoveryJobPlan {
  /** `warm-cache` or `restart`: the execution name's start. */
  readonly command: string;
  readonly region: string;
  /** The SSM parameter that holds the state machine's ARN. */
  readonly parameter: string;
  /** The stack that writes it, for the advice when it is missing. */
  readonly stack: string;
  readonly input: object;
  readonly steps: readonly string[];
  /** The runbook to follow when the run fails. */
  readonly runbook: string;
}

/** The end of a run: the job's last state, or what a dry run read. */
export interface RecoveryJobResult {
  readonly dryRun: boolean;
  readonly stateMachineArn: string;
  readonly executionArn?: string;
  readonly status: string;
  /** The job's last state (its output), when it succeeded. */
  readonly output?: Record<string, unknown>;
  /** Runs of the same state machine still RUNNING, read by a dry run. */
  readonly running?: readonly string[];
}

/** A unique execution name: two operators in the same second start two runs. */
export function executionName(command: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${command}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Starts the run (or, with `dryRun`, only reads the ARN and the runs in progress) and follows it; throws AwsCallError or RunFailedError. */
export async function runRecoveryJob(
  deps: ExecutionDeps,
  plan: RecoveryJobPlan,
  dryRun: boolean,
  now: Date,
): Promise<RecoveryJobResult> {
  const { progress } = deps;
  const stateMachineArn = await stateMachineArnOf(deps.sdk, plan.region, plan.parameter, plan.stack);
  if (dryRun) {
    const { SFNClient, ListExecutionsCommand } = await deps.sdk.sfn();
    const sfn = new SFNClient(clientConfig(plan.region));
    const listed = await awsCall('states:ListExecutions', plan.region, 'check your credentials and the region', () =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' })),
    );
    const running = (listed.executions ?? []).map((execution) => execution.name ?? execution.executionArn ?? '?');
    progress.note(`dry run: would start ${stateMachineArn} in ${plan.region} with input ${JSON.stringify(plan.input)}`);
    for (const step of plan.steps) progress.note(`  - ${step}`);
    progress.note(running.length > 0 ? `runs in progress: ${running.join(', ')}` : 'no run in progress');
    return { dryRun: true, stateMachineArn, status: 'DRY_RUN', running };
  }
  const execution = await startExecution(
    deps,
    plan.region,
    stateMachineArn,
    executionName(plan.command, now),
    plan.input,
  );
  progress.note(
    `following it (Ctrl-C stops following, not the run): dr status --region ${plan.region} lists it while it runs`,
  );
  const end = await followExecution(deps, execution);
  if (end.status !== 'SUCCEEDED') {
    throw new RunFailedError(
      `the run ended ${end.status}: ${endReason(end)}. Follow ${plan.runbook} (${execution.executionArn})`,
    );
  }
  let output: Record<string, unknown> | undefined;
  try {
    output = end.output ? (JSON.parse(end.output) as Record<string, unknown>) : undefined;
  } catch {
    output = undefined;
  }
  return {
    dryRun: false,
    stateMachineArn,
    executionArn: execution.executionArn,
    status: end.status,
    ...(output ? { output } : {}),
  };
}
