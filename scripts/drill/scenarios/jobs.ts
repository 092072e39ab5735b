// The scheduled jobs after a failover: the weekly Aurora backup and the Redis export of each region, run for real against the world the activation left; they act where the new writer is.
import { FUNCTIONS } from '../../../lib/contract';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment, type FailoverDeployment } from './failover-facts';

const JOBS_REAL =
  "the job handlers (lambda/weekly-backup, lambda/redis-backup) run in-process, one process per region, with the environment of their function as synthesized, every AWS call sent to the drill server; their state machine loop (call, Done?, call again) is the runner's";

const describeRun = (run: JobRun) =>
  `${run.states.map((state) => String(state.phase ?? '?') + (state.outcome ? ` (${String(state.outcome)})` : '')).join(' → ') || 'no state'}${run.error ? `; ${run.error.name}: ${run.error.message}` : ''}`;

const last = (run: JobRun) => run.states.at(-1) ?? {};

/** Cluster snapshots of `region` (the drill sees through a lost region). */
async function clusterSnapshots(context: ScenarioContext, region: string): Promise<string[]> {
  const { DBClusterSnapshots = [] } = await context.client.call<{
    DBClusterSnapshots?: { DBClusterSnapshotIdentifier: string }[];
  }>('rds', region, 'DescribeDBClusterSnapshots', { SnapshotType: 'manual' });
  return DBClusterSnapshots.map((snapshot) => snapshot.DBClusterSnapshotIdentifier);
}

/** The weekly Aurora backup in both regions: us-west-2 makes `-latest`, the lost region makes nothing. */
async function auroraBackupChecks(
  context: ScenarioContext,
  deployment: FailoverDeployment,
): Promise<{ checks: Check[]; runs: JobRun[] }> {
  const contract = FUNCTIONS.weeklyAuroraBackup;
  const [acting, lost] = await Promise.all(
    [deployment.secondary, deployment.primary].map((region) =>
      runJob(context.world, context.endpoint, contract, region, { phase: 'start' }),
    ),
  );
  const latest = functionEnvironment(context.world, contract, deployment.secondary).LATEST_SNAPSHOT_IDENTIFIER!;
  const secondarySnapshots = await clusterSnapshots(context, deployment.secondary);
  const primarySnapshots = await clusterSnapshots(context, deployment.primary);
  return {
    runs: [acting!, lost!],
    checks: [
      expectThat(
        `the weekly Aurora backup acts in ${deployment.secondary} (the writer's region) and ends done`,
        !acting!.error && last(acting!).phase === 'done' && last(acting!).outcome === undefined,
        describeRun(acting!),
      ),
      expectThat(
        `${latest} exists in ${deployment.secondary}`,
        secondarySnapshots.includes(latest),
        secondarySnapshots.join(', ') || 'none',
      ),
      expectThat(
        `the weekly Aurora backup of ${deployment.primary} makes no snapshot (its region is lost: it cannot reach it, or it skips)`,
        primarySnapshots.length === 0 && (lost!.error !== undefined || /^skipped/.test(String(last(lost!).outcome))),
        `${describeRun(lost!)}; snapshots: ${primarySnapshots.join(', ') || 'none'}`,
      ),
    ],
  };
}

const jobsAfterFailover: Scenario = {
  name: 'jobs-after-failover',
  summary:
    "After a region-loss activation, the weekly Aurora backup and the Redis export run in both regions with their synthesized environment: they act in the new writer's region (us-west-2 makes -latest there) and make nothing in the lost one.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run } = await loseAndFailOver(context, deployment);
    const aurora = await auroraBackupChecks(context, deployment);
    const checks: Check[] = [runEnded(run, 'SUCCEEDED', 'the activation'), ...aurora.checks];
    return {
      checks,
      runs: [run],
      simulated: [...simulated(deployment), JOBS_REAL],
    };
  },
};

export const JOB_SCENARIOS: readonly Scenario[] = [jobsAfterFailover];
