// dr restore db: a new Aurora cluster in the region being recovered into, from -latest, a snapshot or a point in time, by the region's database restore state machine.
import {
  clusterIdProblem,
  databaseRestoreInputProblems,
  restoredName,
  restoredNamePrefix,
  type DatabaseRestoreInput,
} from '../../lib/contract';
import type { DrConfig, RegionConfig } from '../../lib/config/types';
import { clusterIdentifier } from '../../lib/naming';
import { AwsCallError, awsCall, clientConfig } from './aws';
import {
  endReason,
  followStarted,
  restoreOutput,
  runName,
  startExecution,
  stateMachineArnOf,
  type ExecutionDeps,
} from './execution';
import { RunFailedError } from './failover';
import type { StageNames } from './stage';

/** What the operator asked for, checked before any call. */
export interface DatabaseRestoreRequest {
  readonly names: StageNames;
  readonly region: string;
  readonly toTime?: string;
  readonly snapshot?: string;
  readonly id?: string;
  readonly switchEndpoint: boolean;
  readonly operator: string;
  readonly now: Date;
}

/** The stack's cluster of `region`, as lib/naming names it (from the stage and region alone). */
export function stackClusterOf(stage: string, region: string): string {
  return clusterIdentifier({ stage } as DrConfig, { region } as RegionConfig);
}

/** Problems with the request that need no call (bad input, exit 2). */
export function databaseRequestProblems(request: DatabaseRestoreRequest): string[] {
  const problems: string[] = [];
  if (request.toTime !== undefined && request.snapshot !== undefined) {
    problems.push('give --to-time or --snapshot, not both');
  }
  if (request.id !== undefined) {
    const prefix = restoredNamePrefix(stackClusterOf(request.names.stage, request.region));
    const problem = clusterIdProblem(request.id);
    if (problem) problems.push(`--id: ${problem}`);
    else if (!request.id.startsWith(prefix)) {
      problems.push(
        `--id must start with ${prefix} (the restore state machine may create only such clusters), got: ${request.id}`,
      );
    }
  }
  if (request.toTime !== undefined) {
    problems.push(
      ...databaseRestoreInputProblems(
        {
          source: 'pointInTime',
          restoreToTime: request.toTime,
          clusterIdentifier: 'placeholder',
          switchEndpoint: false,
          operator: '',
        },
        request.now,
      ),
    );
  }
  return problems;
}

/** The result of the command, for --json and the last line. */
export interface DatabaseRestoreResult {
  readonly dryRun: boolean;
  readonly region: string;
  readonly input: DatabaseRestoreInput;
  readonly stateMachineArn: string;
  readonly executionArn?: string;
  readonly status: string;
  readonly endpoint?: string;
  readonly switched?: boolean;
}

/** The snapshot -latest names in `region`, from the weekly job's record there. */
async function latestOf(deps: ExecutionDeps, names: StageNames, region: string): Promise<string> {
  const ssmModule = await deps.sdk.ssm();
  const ssm = new ssmModule.SSMClient(clientConfig(region));
  const parameter = names.parameters.auroraLatest;
  const other = region === names.primary ? names.secondary : names.primary;
  const answer = await awsCall(
    `ssm:GetParameter ${parameter}`,
    region,
    `no weekly Aurora backup has recorded -latest in ${region}: the weekly job makes it only where the writer was at its last run ` +
      `(docs/runbooks/aurora-restore-from-backup.md). Restore in ${other}, or give --snapshot (a recovery point copied to ${region}'s vault) or --to-time`,
    () => ssm.send(new ssmModule.GetParameterCommand({ Name: parameter })),
  );
  let snapshot: unknown;
  try {
    snapshot = (JSON.parse(answer.Parameter?.Value ?? '') as { latestSnapshotIdentifier?: unknown })
      .latestSnapshotIdentifier;
  } catch {
    snapshot = undefined;
  }
  if (typeof snapshot !== 'string' || snapshot === '') {
    throw new AwsCallError(
      `ssm:GetParameter ${parameter}`,
      region,
      new Error('the record names no latestSnapshotIdentifier'),
      'run the weekly Aurora backup again, or give --snapshot',
    );
  }
  return snapshot;
}

/** Checks that `snapshot` is an available cluster snapshot of `region`; returns what to say about it. */
async function checkSnapshot(deps: ExecutionDeps, region: string, snapshot: string): Promise<string> {
  const rds = await deps.sdk.rds();
  const client = new rds.RDSClient(clientConfig(region));
  const found = await awsCall(
    `rds:DescribeDBClusterSnapshots ${snapshot}`,
    region,
    `the snapshot must be in ${region}; list them with aws rds describe-db-cluster-snapshots --region ${region}`,
    () => client.send(new rds.DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshot })),
  );
  const first = found.DBClusterSnapshots?.[0];
  if (!first || first.Status !== 'available') {
    throw new RunFailedError(
      `snapshot ${snapshot} in ${region} is ${first?.Status ?? 'missing'}, not available; nothing was started`,
    );
  }
  return `${snapshot}: ${first.Engine ?? '?'} ${first.EngineVersion ?? '?'}, taken ${first.SnapshotCreateTime?.toISOString() ?? '?'}`;
}

/** Reads what the restore needs, prints its plan, and (unless `dryRun`) starts the run and follows it. */
export async function runDatabaseRestore(
  deps: ExecutionDeps,
  request: DatabaseRestoreRequest,
  dryRun: boolean,
  /** Asked once the plan is shown, before anything is created; throws to stop. */
  confirm: () => Promise<void> = () => Promise.resolve(),
): Promise<DatabaseRestoreResult> {
  const { names, region, progress } = { ...request, progress: deps.progress };
  const stackCluster = stackClusterOf(names.stage, region);
  const newCluster = request.id ?? restoredName(stackCluster, request.now);
  let input: DatabaseRestoreInput;
  if (request.toTime !== undefined) {
    input = {
      source: 'pointInTime',
      restoreToTime: request.toTime,
      clusterIdentifier: newCluster,
      switchEndpoint: request.switchEndpoint,
      operator: request.operator,
    };
    progress.note(`source: ${stackCluster} as it was at ${request.toTime} (its automated backups)`);
  } else {
    const snapshot = request.snapshot ?? (await latestOf(deps, names, region));
    progress.note(
      `source: ${await checkSnapshot(deps, region, snapshot)}${request.snapshot ? '' : ` (-latest, from ${names.parameters.auroraLatest})`}`,
    );
    input = {
      source: 'snapshot',
      snapshotIdentifier: snapshot,
      clusterIdentifier: newCluster,
      switchEndpoint: request.switchEndpoint,
      operator: request.operator,
    };
  }
  const problems = databaseRestoreInputProblems(input, request.now);
  if (problems.length > 0) throw new RunFailedError(`${problems.join('; ')}; nothing was started`);
  const stateMachineArn = await stateMachineArnOf(
    deps.sdk,
    region,
    names.parameters.databaseRestoreStateMachineArn,
    'Automation',
  );
  const steps = [
    `start the database restore state machine in ${region}: ${stateMachineArn}`,
    `read the subnet group, security groups and key of ${stackCluster}`,
    input.source === 'pointInTime'
      ? `restore ${newCluster} from ${stackCluster} at ${input.restoreToTime}`
      : `restore ${newCluster} from ${input.snapshotIdentifier}, with the engine and version the stack deploys`,
    `wait until it is available, then create ${newCluster}-1 and wait for it`,
    input.switchEndpoint
      ? `switch: write its endpoint into ${names.parameters.databaseEndpoint} in ${region}, which the pods read`
      : `leave ${names.parameters.databaseEndpoint} as it is (no --switch)`,
  ];
  for (const step of steps) progress.note(`  - ${step}`);
  if (dryRun) {
    progress.note(`dry run: nothing was started; the input would be ${JSON.stringify(input)}`);
    return { dryRun: true, region, input, stateMachineArn, status: 'DRY_RUN' };
  }
  await confirm();
  const execution = await startExecution(deps, region, stateMachineArn, runName('restore-db', request.now), input);
  const end = await followStarted(deps, execution, names.stage);
  if (end.status !== 'SUCCEEDED') {
    throw new RunFailedError(
      `the run ended ${end.status}: ${endReason(end)}. What it created stays; see docs/runbooks/aurora-restore-from-backup.md (${execution.executionArn})`,
    );
  }
  return {
    dryRun: false,
    region,
    input,
    stateMachineArn,
    executionArn: execution.executionArn,
    status: end.status,
    ...restoreOutput(end),
  };
}
