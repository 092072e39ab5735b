// A run of one of the stage's state machines, as every dr command that starts one does it: its ARN from SSM, StartExecution, then followed to its end.
import { randomBytes } from 'node:crypto';
import { AwsCallError, awsCall, clientConfig, type Sdk } from './aws';
import type { Progress } from './progress';

/** What starting and following a run needs. */
export interface ExecutionDeps {
  readonly sdk: Sdk;
  readonly progress: Progress;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs: number;
}

/** The ARN a stack wrote into `parameter` of `region`; an empty value is an AWS failure naming the stack. */
export async function stateMachineArnOf(sdk: Sdk, region: string, parameter: string, stack: string): Promise<string> {
  const ssmModule = await sdk.ssm();
  const ssm = new ssmModule.SSMClient(clientConfig(region));
  const arn =
    (
      await awsCall(
        `ssm:GetParameter ${parameter}`,
        region,
        `deploy the ${stack} stack of ${region} first, or check your credentials`,
        () => ssm.send(new ssmModule.GetParameterCommand({ Name: parameter })),
      )
    ).Parameter?.Value ?? '';
  if (!arn)
    throw new AwsCallError(
      `ssm:GetParameter ${parameter}`,
      region,
      new Error('empty value'),
      `redeploy the ${stack} stack`,
    );
  return arn;
}

/** A run's name, unique per run: `<prefix>-<UTC time>-<6 hex>` (two operators in the same second get two runs). */
export function runName(prefix: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${prefix}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A run that was started. */
export interface Execution {
  readonly region: string;
  readonly executionArn: string;
}

/** Starts a run of `stateMachineArn`; nothing is started when it throws. */
export async function startExecution(
  deps: ExecutionDeps,
  region: string,
  stateMachineArn: string,
  name: string,
  input: object,
): Promise<Execution> {
  const { SFNClient, StartExecutionCommand } = await deps.sdk.sfn();
  const sfn = new SFNClient(clientConfig(region));
  const { executionArn } = await awsCall(
    'states:StartExecution',
    region,
    `nothing was started; check that ${stateMachineArn} exists and that you may start it, then re-run`,
    () => sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })),
  );
  if (!executionArn)
    throw new AwsCallError(
      'states:StartExecution',
      region,
      new Error('no executionArn in the answer'),
      'look for the run in the console',
    );
  deps.progress.step(`started ${executionArn}`);
  return { region, executionArn };
}

/** How a followed run ended. */
export interface RunEnd {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  /** The run's output (JSON), when it succeeded. */
  readonly output?: string;
}

/** Follows a run until it ends, showing each state it leaves and the one it waits in. */
export async function followExecution(deps: ExecutionDeps, execution: Execution): Promise<RunEnd> {
  const { progress } = deps;
  const { region, executionArn } = execution;
  const { SFNClient, DescribeExecutionCommand, paginateGetExecutionHistory } = await deps.sdk.sfn();
  const sfn = new SFNClient(clientConfig(region));
  const follow = `follow it with: aws stepfunctions describe-execution --region ${region} --execution-arn ${executionArn}`;
  const shown = new Set<number>();
  let end: RunEnd = { status: 'RUNNING' };
  while (end.status === 'RUNNING') {
    await deps.sleep(deps.pollMs);
    const described = await awsCall('states:DescribeExecution', region, follow, () =>
      sfn.send(new DescribeExecutionCommand({ executionArn })),
    );
    end = {
      status: described.status ?? 'UNKNOWN',
      ...(described.error === undefined ? {} : { error: described.error }),
      ...(described.cause === undefined ? {} : { cause: described.cause }),
      ...(described.output === undefined ? {} : { output: described.output }),
    };
    let entered: string | undefined;
    await awsCall('states:GetExecutionHistory', region, follow, async () => {
      for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) {
        for (const event of page.events ?? []) {
          if (event.stateEnteredEventDetails?.name) entered = event.stateEnteredEventDetails.name;
          const exited = event.stateExitedEventDetails?.name;
          if (exited && event.id !== undefined && !shown.has(event.id)) {
            shown.add(event.id);
            progress.step(exited);
          }
        }
      }
    });
    if (end.status === 'RUNNING' && entered) progress.waiting(entered);
  }
  return end;
}

/** Says how to see the run again, then follows it to its end. */
export async function followStarted(deps: ExecutionDeps, execution: Execution, stage: string): Promise<RunEnd> {
  deps.progress.note(
    `following it (Ctrl-C stops following, not the run): dr status --stage ${stage} --region ${execution.region} shows it`,
  );
  return followExecution(deps, execution);
}

/** The endpoint and switch a restore run's output reports. */
export function restoreOutput(end: RunEnd): { endpoint?: string; switched: boolean } {
  const output = JSON.parse(end.output ?? '{}') as { endpoint?: string; switched?: boolean };
  return {
    ...(output.endpoint === undefined ? {} : { endpoint: output.endpoint }),
    switched: output.switched === true,
  };
}

/** `error: cause` of a run that did not succeed, or what to say when it gave none. */
export function endReason(end: RunEnd): string {
  return [end.error, end.cause].filter(Boolean).join(': ') || 'no cause given';
}
