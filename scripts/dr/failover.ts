// dr failover and dr failback: start the region failover state machine with failover-region.sh's input, then follow the run to its end.
import { failoverInputProblems, type FailoverAction, type FailoverInput } from '../../lib/contract';
import { awsCall, clientConfig, type Sdk } from './aws';
import { endReason, followStarted, runName, startExecution, stateMachineArnOf } from './execution';
import type { Progress } from './progress';
import type { StageNames } from './stage';

/** What a run will do, decided from the input alone (no AWS call). */
export interface FailoverPlan {
  readonly stage: string;
  readonly action: FailoverAction;
  /** The region that becomes active. */
  readonly target: string;
  /** The region whose state machine runs; every call goes there (see `copyTo`). */
  readonly runRegion: string;
  /** A planned run's other region, whose active-region parameter is set once the run succeeded. */
  readonly copyTo?: string;
  /** Unplanned activations accept Aurora's replication lag as lost: they need --yes or a typed confirmation. */
  readonly dataLoss: boolean;
  readonly input: FailoverInput;
  readonly executionName: string;
  /** The steps, in words, for --dry-run and the confirmation. */
  readonly steps: readonly string[];
}

export interface FailoverRequest {
  readonly names: StageNames;
  readonly stage: string;
  /** The region being recovered into. */
  readonly target: string;
  /** failover: false is an unplanned activation; failback is always planned. */
  readonly planned: boolean;
  readonly failback: boolean;
  readonly reason?: string;
  readonly operator: string;
  readonly now: Date;
}

/** Characters failover-region.sh keeps in the reason and the operator, so both tools send the same input. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9 ._@:/-]/g, '');

/**
 * The run for a request, or a problem with the request (bad input, exit 2). The choice of action and
 * region is failover-region.sh's: unplanned runs in the target; planned runs (switchover to the
 * secondary, failback to the primary) run in the secondary, which owns the DNS fence.
 */
export function planFailover(request: FailoverRequest): FailoverPlan | { readonly problem: string } {
  const { names, target, stage } = request;
  const { primary, secondary } = names;
  let action: FailoverAction;
  if (request.failback) {
    if (target !== primary) {
      return {
        problem: `failback moves stage ${stage} back to its primary ${primary}, not ${target}; to make ${target} active use dr failover`,
      };
    }
    action = 'failback';
  } else if (!request.planned) {
    action = 'activate';
  } else if (target === secondary) {
    action = 'switchover';
  } else {
    return { problem: `a planned move to the primary ${primary} is the failback: use dr failback` };
  }
  if (request.reason !== undefined && request.reason.length > 200)
    return { problem: '--reason is longer than 200 characters' };
  const runRegion = action === 'activate' ? target : secondary;
  const other = runRegion === primary ? secondary : primary;
  const input: FailoverInput = {
    action,
    requestedBy: 'operator',
    operator: safe(request.operator),
    reason: safe(
      request.reason ?? `dr ${request.failback ? 'failback' : 'failover'} --stage ${stage} --region ${target}`,
    ),
  };
  const problems = failoverInputProblems(input);
  if (problems.length > 0) return { problem: problems.join('; ') };
  const steps = {
    activate: [
      `make ${target} the Aurora writer, accepting the replication lag as lost (unplanned global failover)`,
      `make ${target} the cache primary (failover, or detach when the other region does not answer)`,
      `raise the DNS fence: api.<zone> answers ${secondary} until a planned failback`,
    ],
    switchover: [
      `switch the Aurora writer over to ${target} without data loss`,
      `switch the cache primary over to ${target}`,
      'raise the DNS fence',
    ],
    failback: [
      `switch the Aurora writer back to ${target} without data loss`,
      `switch the cache primary back to ${target}`,
      'lift the DNS fence',
    ],
  }[action];
  return {
    stage,
    action,
    target,
    runRegion,
    ...(action === 'activate' ? {} : { copyTo: other }),
    dataLoss: action === 'activate',
    input,
    // Unique per run: two operators starting in the same second get two runs, and the lock refuses one.
    executionName: runName(`${action}-${target}`, request.now),
    steps: [
      `start the ${action} run of the region failover state machine in ${runRegion}`,
      ...steps,
      ...(action === 'activate'
        ? []
        : [`then set ${names.parameters.activeRegion} in ${other} to ${target}, as the run sets it in ${runRegion}`]),
    ],
  };
}

export interface FailoverDeps {
  readonly sdk: Sdk;
  readonly progress: Progress;
  readonly names: StageNames;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs: number;
}

/** The run's result, for --json and the exit status. */
export interface FailoverResult {
  readonly status: string;
  readonly executionArn?: string;
  readonly stateMachineArn: string;
  readonly dryRun: boolean;
}

/** Starts the run (or only reads, with `dryRun`) and follows it; throws AwsCallError or RunFailedError. */
export async function runFailover(deps: FailoverDeps, plan: FailoverPlan, dryRun: boolean): Promise<FailoverResult> {
  const { progress, names } = deps;
  const region = plan.runRegion;
  const ssmModule = await deps.sdk.ssm();
  const ssm = new ssmModule.SSMClient(clientConfig(region));
  const stateMachineArn = await stateMachineArnOf(
    deps.sdk,
    region,
    names.parameters.failoverStateMachineArn,
    'Automation',
  );

  if (dryRun) {
    const { CloudWatchClient, paginateDescribeAlarms } = await deps.sdk.cloudwatch();
    const cloudwatch = new CloudWatchClient(clientConfig(region));
    progress.note(
      `dry run: would start ${stateMachineArn} in ${region} as ${plan.executionName} with input ${JSON.stringify(plan.input)}`,
    );
    for (const step of plan.steps) progress.note(`  - ${step}`);
    progress.note(`the decision's inputs as ${region} sees them (failover alarms):`);
    await awsCall('cloudwatch:DescribeAlarms', region, 'check your credentials and the region', async () => {
      for await (const page of paginateDescribeAlarms(
        { client: cloudwatch },
        { AlarmNamePrefix: names.alarmPrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      )) {
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (alarm.AlarmName?.includes('failover')) progress.note(`  ${alarm.AlarmName}  ${alarm.StateValue}`);
        }
      }
    });
    return { status: 'DRY_RUN', stateMachineArn, dryRun: true };
  }

  const execution = await startExecution(deps, region, stateMachineArn, plan.executionName, plan.input);
  const { executionArn } = execution;
  const end = await followStarted(deps, execution, plan.stage);
  const { status } = end;
  if (status !== 'SUCCEEDED') {
    throw new RunFailedError(
      `the run ended ${status}: ${endReason(end)}. ` +
        `Follow docs/runbooks/region-failover.md; a re-run completes what is left (${executionArn})`,
    );
  }

  if (plan.copyTo) {
    // A planned run wrote only its own region's parameter; both regions answer, so the other is set
    // to the same value, read back from the run's region rather than assumed (failover-region.sh does the same).
    const active = names.parameters.activeRegion;
    const fix = `set it by hand: aws ssm put-parameter --region ${plan.copyTo} --name ${active} --value ${plan.target} --type String --overwrite`;
    const value = (
      await awsCall(`ssm:GetParameter ${active}`, region, `the run succeeded; ${fix}`, () =>
        ssm.send(new ssmModule.GetParameterCommand({ Name: active })),
      )
    ).Parameter?.Value;
    if (value !== plan.target) {
      throw new RunFailedError(
        `the run succeeded, but ${active} in ${region} says '${value}', not ${plan.target}; see docs/runbooks/failover-failback.md before writing either region's parameter`,
      );
    }
    const other = new ssmModule.SSMClient(clientConfig(plan.copyTo));
    await awsCall(`ssm:PutParameter ${active}`, plan.copyTo, `the run succeeded; ${fix}`, () =>
      other.send(new ssmModule.PutParameterCommand({ Name: active, Value: value, Type: 'String', Overwrite: true })),
    );
    progress.step(`${active} names ${plan.target} in ${region} and ${plan.copyTo}`);
  }
  return { status, executionArn, stateMachineArn, dryRun: false };
}

/** The run ended in a state other than SUCCEEDED, or left the parameters disagreeing: exit status 1. */
export class RunFailedError extends Error {}
