// The scheduled jobs after a failover: the weekly Aurora backup and the Redis export of each region, run for real against the world the activation left; they act where the new writer is.
import { FUNCTIONS, REDIS_SENTINEL } from '../../../lib/contract';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment, type FailoverDeployment } from './failover-facts';

const JOBS_REAL =
  "the job handlers (lambda/weekly-backup, lambda/redis-backup, lambda/integrity-check) run in-process, one process per region, with the environment of their function as synthesized, every AWS call sent to the drill server; their state machine loop (call, Done?, call again) is the runner's";

const REDIS_EXPORT =
  "the Redis export to S3: moto has no ElastiCache CopySnapshot; the drill server writes the export as ElastiCache does, one SSE-S3 `<name>-0001.rdb` object in the target bucket (scripts/drill/moto_drill/elasticache_export.py), and the world seeds S3 buckets by name; the group's node is a real redis-server with TLS and the AUTH token (scripts/drill/drill-cache.ts), reached at the address moto gives the group, where the job writes its sentinel; the integrity check's parts that need AWS Backup recovery points report failures (not seeded), so only its outcome (acted) and report are checked";

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

/** Cache snapshots of `region` (the drill sees through a lost region). */
async function cacheSnapshots(context: ScenarioContext, region: string): Promise<string[]> {
  const { Snapshots = [] } = await context.client.call<{ Snapshots?: { SnapshotName: string }[] }>(
    'elasticache',
    region,
    'DescribeSnapshots',
    {},
  );
  return Snapshots.map((snapshot) => snapshot.SnapshotName);
}

/** The jobs run in both regions, with the first state (or event) their schedule gives. */
const JOBS = [
  { contract: FUNCTIONS.weeklyAuroraBackup, first: { phase: 'start' } },
  { contract: FUNCTIONS.redisBackup, first: { phase: 'start', kind: 'daily' } },
  { contract: FUNCTIONS.integrityCheck, first: { schedule: 'daily-integrity-check' } },
];

const unreachable = (run: JobRun) => run.error?.name === 'ServiceUnavailable' && run.states.length === 0;

async function jobChecks(context: ScenarioContext, deployment: FailoverDeployment, runs: JobRun[]): Promise<Check[]> {
  const { primary, secondary } = deployment;
  const find = (job: string, region: string) => runs.find((run) => run.job === job && run.region === region)!;
  const aurora = find(FUNCTIONS.weeklyAuroraBackup.service, secondary);
  const redis = find(FUNCTIONS.redisBackup.service, secondary);
  const integrity = find(FUNCTIONS.integrityCheck.service, secondary);
  const latest = functionEnvironment(
    context.world,
    FUNCTIONS.weeklyAuroraBackup,
    secondary,
  ).LATEST_SNAPSHOT_IDENTIFIER!;
  const reportName = functionEnvironment(context.world, FUNCTIONS.integrityCheck, secondary).REPORT_PARAMETER_NAME!;
  const [westClusters, eastClusters, westCache, eastCache] = await Promise.all([
    clusterSnapshots(context, secondary),
    clusterSnapshots(context, primary),
    cacheSnapshots(context, secondary),
    cacheSnapshots(context, primary),
  ]);
  const { Parameter } = await context.client
    .call<{ Parameter?: { Value: string } }>('ssm', secondary, 'GetParameter', { Name: reportName })
    .catch(() => ({ Parameter: undefined }));
  const redisSnapshot = String(redis.states[0]?.snapshotName ?? '');
  const redisBucket = functionEnvironment(context.world, FUNCTIONS.redisBackup, secondary).BACKUP_BUCKET!;
  const { Contents = [] } = await context.client.call<{ Contents?: { Key: string }[] }>(
    's3',
    secondary,
    'ListObjectsV2',
    {
      Bucket: redisBucket,
    },
  );
  const exported = Contents.map((object) => object.Key);
  return [
    expectThat(
      `the weekly Aurora backup acts in ${secondary} (the writer's region) and ends done`,
      !aurora.error && last(aurora).phase === 'done' && last(aurora).outcome === undefined,
      describeRun(aurora),
    ),
    expectThat(`${latest} exists in ${secondary}`, westClusters.includes(latest), westClusters.join(', ') || 'none'),
    expectThat(
      `the Redis export acts in ${secondary} (the detached cache is the primary there): sentinel written, snapshot, export to ${redisBucket} with its sentinel record, result recorded`,
      !redis.error &&
        last(redis).phase === 'done' &&
        westCache.includes(redisSnapshot) &&
        exported.some((key) => key.startsWith(String(last(redis).exportName)) && key.endsWith('.rdb')) &&
        exported.includes(`${String(last(redis).exportName)}${REDIS_SENTINEL.sidecarSuffix}`),
      `${describeRun(redis)}; snapshots: ${westCache.join(', ') || 'none'}; objects: ${exported.join(', ') || 'none'}`,
    ),
    expectThat(
      `the integrity check acts in ${secondary} and publishes its report there`,
      last(integrity).outcome === 'acted' && Parameter !== undefined,
      `outcome ${String(last(integrity).outcome)}, success rate ${String(last(integrity).successRate)} %; ${reportName}: ${Parameter ? 'written' : 'missing'}`,
    ),
    expectThat(
      `in the lost ${primary}, every job fails to reach its region and nothing is made there`,
      runs.filter((run) => run.region === primary).every(unreachable) &&
        eastClusters.length === 0 &&
        eastCache.length === 0,
      `${runs
        .filter((run) => run.region === primary)
        .map((run) => `${run.job}: ${describeRun(run)}`)
        .join(' | ')}; snapshots: ${[...eastClusters, ...eastCache].join(', ') || 'none'}`,
    ),
  ];
}

const jobsAfterFailover: Scenario = {
  name: 'jobs-after-failover',
  summary:
    "After a region-loss activation, the weekly Aurora backup, the Redis export and the integrity check run in both regions with their synthesized environment: in us-west-2, the new writer's region, they act (-latest made there, the cache exported to the us-west-2 bucket, the report published there); in the lost us-east-1 they reach nothing and make nothing.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { run } = await loseAndFailOver(context, deployment);
    const runs = await Promise.all(
      [deployment.secondary, deployment.primary].flatMap((region) =>
        JOBS.map(({ contract, first }) => runJob(context.world, context.endpoint, contract, region, first)),
      ),
    );
    const checks: Check[] = [
      runEnded(run, 'SUCCEEDED', 'the activation'),
      ...(await jobChecks(context, deployment, runs)),
    ];
    return {
      checks,
      runs: [run],
      simulated: [...simulated(deployment), JOBS_REAL, REDIS_EXPORT],
    };
  },
};

export const JOB_SCENARIOS: readonly Scenario[] = [jobsAfterFailover];
