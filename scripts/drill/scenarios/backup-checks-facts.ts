// What the backup-check scenarios build and read: a world whose backups exist, the integrity check's runs with their metrics published, and the alarm on its success rate found in the assembly.
import { DIMENSION, FUNCTIONS, METRIC, METRICS_NAMESPACE } from '../../../lib/contract';
import type { AlarmEvaluation } from '../drill-server';
import { publishEmf } from '../emf';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import type { RunRecord } from '../runs';
import type { ScenarioContext } from '../scenario';
import { failoverDeployment, type FailoverDeployment } from './failover-facts';

/** One result of the integrity check's report. */
export interface CheckResult {
  readonly check: string;
  readonly resource: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** A world whose backups exist: where each job acted, and the Redis export the check reads. */
export interface BackupWorld {
  readonly deployment: FailoverDeployment;
  /** The cache primary's region, where the integrity check runs and checks the Redis exports only. */
  readonly region: string;
  readonly bucket: string;
  readonly peerBucket: string;
  /** The key of the export the Redis job wrote. */
  readonly exportKey: string;
  readonly jobs: JobRun[];
}

const describeJob = (run: JobRun) =>
  `${run.job} in ${run.region}: ${run.states.map((state) => String(state.phase ?? state.outcome ?? '?')).join(' → ') || 'no state'}${run.error ? `; ${run.error.name}: ${run.error.message}` : ''}`;

/** A job run as a run of the report: its states in order (the runner's loop stands for its state machine, which keeps no virtual times). */
export function jobRecord(run: JobRun, index: number): RunRecord {
  return {
    executionArn: `drill-job-runner:${run.job}-${run.region}-${index}`,
    region: run.region,
    status: run.error ? 'FAILED' : 'SUCCEEDED',
    ...(run.error ? { error: run.error.name, cause: run.error.message } : {}),
    startedBy: "the drill's job runner (scripts/drill/jobs.ts), with the first state its schedule gives",
    timeline: [
      ...run.states.map((state) => ({
        step: `${String(state.phase ?? state.outcome ?? 'result')}${state.successRate === undefined ? '' : ` (backup_success_rate ${String(state.successRate)})`}`,
        elapsedSeconds: 0,
      })),
      ...(run.error ? [{ step: 'error', elapsedSeconds: 0, error: `${run.error.name}: ${run.error.message}` }] : []),
    ],
    durationSeconds: 0,
  };
}

/** Moves the Aurora writer to the secondary by a switchover (the scenario's config makes it complete at once) and waits for it. */
async function switchAuroraOver(context: ScenarioContext, deployment: FailoverDeployment): Promise<void> {
  const members = async () =>
    (
      await context.client.call<{
        GlobalClusters: { GlobalClusterMembers: { DBClusterArn: string; IsWriter: boolean }[] }[];
      }>('rds', deployment.secondary, 'DescribeGlobalClusters', {
        GlobalClusterIdentifier: deployment.globalClusterId,
      })
    ).GlobalClusters[0]?.GlobalClusterMembers ?? [];
  const target = (await members()).find((member) => member.DBClusterArn.split(':')[3] === deployment.secondary);
  if (!target) throw new Error(`${deployment.globalClusterId} has no member in ${deployment.secondary}`);
  await context.client.call('rds', deployment.secondary, 'SwitchoverGlobalCluster', {
    GlobalClusterIdentifier: deployment.globalClusterId,
    TargetDbClusterIdentifier: target.DBClusterArn,
  });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if ((await members()).some((member) => member.IsWriter && member.DBClusterArn === target.DBClusterArn)) return;
    await context.client.advanceClock(1);
  }
  throw new Error(`the switchover of ${deployment.globalClusterId} to ${deployment.secondary} never completed`);
}

/** Copies the export to the peer bucket, as S3 replication does with each new version (moto does not replicate). */
export async function replicate(context: ScenarioContext, world: Omit<BackupWorld, 'jobs'>): Promise<void> {
  await context.client.call('s3', world.deployment.secondary, 'CopyObject', {
    Bucket: world.peerBucket,
    Key: world.exportKey,
    CopySource: `${world.bucket}/${world.exportKey}`,
    ServerSideEncryption: 'AES256',
  });
}

/**
 * The healthy world: the Aurora writer moved to the secondary (so the cache primary's region holds
 * only the cache, and its integrity check runs only the Redis checks), the weekly Aurora backup run
 * where the writer is, the Redis export run where the cache primary is, and the export copied to
 * the peer bucket as S3 replication would.
 */
export async function backupWorld(context: ScenarioContext): Promise<BackupWorld> {
  const deployment = await failoverDeployment(context);
  await switchAuroraOver(context, deployment);
  const region = deployment.primary;
  const jobs = await Promise.all([
    runJob(context.world, context.endpoint, FUNCTIONS.weeklyAuroraBackup, deployment.secondary, { phase: 'start' }),
    runJob(context.world, context.endpoint, FUNCTIONS.redisBackup, region, { phase: 'start', kind: 'daily' }),
  ]);
  const failed = jobs.filter((run) => run.error || run.states.at(-1)?.phase !== 'done');
  if (failed.length > 0) throw new Error(`the backups did not complete: ${failed.map(describeJob).join(' | ')}`);
  const environment = functionEnvironment(context.world, FUNCTIONS.integrityCheck, region);
  const bucket = environment.REDIS_BUCKET!;
  const peerBucket = environment.PEER_REDIS_BUCKET!;
  const exportName = String(jobs[1]!.states.at(-1)?.exportName ?? '');
  const { Contents = [] } = await context.client.call<{ Contents?: { Key: string }[] }>('s3', region, 'ListObjectsV2', {
    Bucket: bucket,
    Prefix: exportName,
  });
  const exportKey = Contents[0]?.Key;
  if (!exportName || !exportKey) throw new Error(`the Redis export ${exportName} is not in ${bucket}`);
  const world = { deployment, region, bucket, peerBucket, exportKey, jobs };
  await replicate(context, world);
  return world;
}

/** One run of the integrity check, as its schedule starts it, with its EMF metrics published as CloudWatch Logs would. */
export async function runIntegrityCheck(context: ScenarioContext, region: string) {
  const run = await runJob(context.world, context.endpoint, FUNCTIONS.integrityCheck, region, {
    schedule: 'daily-integrity-check',
  });
  const published = await publishEmf(context.client, region, run.emf);
  const report = (run.states[0] ?? {}) as { outcome?: string; successRate?: number; results?: CheckResult[] };
  const results = report.results ?? [];
  const detail = `${run.error ? `${run.error.name}: ${run.error.message}; ` : ''}outcome ${String(report.outcome)}, backup_success_rate ${String(report.successRate)}; ${results.map((result) => `${result.check} ${result.passed ? 'passed' : 'failed'}: ${result.detail}`).join(' | ')}; ${published} datapoint(s) published`;
  return { run, report, results, published, detail };
}

type Dimensions = { Name: string; Value: string }[];

/** The dimensions the run gave `metric`, read from its EMF (the object that carries it; for a per-check metric, the one of `check`). */
export function emittedDimensions(run: JobRun, metric: string, check?: string): Dimensions | undefined {
  for (const emf of run.emf) {
    if (emf[metric] === undefined || (check !== undefined && emf[DIMENSION.check] !== check)) continue;
    const directive = (emf._aws as { CloudWatchMetrics: { Dimensions?: string[][] }[] }).CloudWatchMetrics[0];
    const names = directive?.Dimensions?.[0] ?? [];
    return names.map((name) => ({ Name: name, Value: String(emf[name]) }));
  }
  return undefined;
}

/** The smallest datapoint of `metric` with exactly `dimensions` stored so far, and how many. */
export async function storedMinimum(context: ScenarioContext, region: string, metric: string, dimensions: Dimensions) {
  const now = Date.now();
  const { Datapoints = [] } = await context.client.call<{ Datapoints?: { SampleCount: number; Minimum: number }[] }>(
    'cloudwatch',
    region,
    'GetMetricStatistics',
    {
      Namespace: METRICS_NAMESPACE,
      MetricName: metric,
      Dimensions: dimensions,
      // Datapoints carry the handler's real clock: a window wide enough for any drill.
      StartTime: new Date(now - 86_400_000).toISOString(),
      EndTime: new Date(now + 86_400_000).toISOString(),
      Period: 86_400,
      Statistics: ['SampleCount', 'Minimum'],
    },
  );
  const count = Datapoints.reduce((total, point) => total + point.SampleCount, 0);
  return { count, minimum: count ? Math.min(...Datapoints.map((point) => point.Minimum)) : undefined };
}

/** The synthesized alarm on `backup_success_rate` with `dimensions`: its seeded name, the actions the template gives it, and the topics of its region. */
export function successRateAlarm(context: ScenarioContext, region: string, dimensions: Dimensions) {
  const key = (set: Dimensions) =>
    JSON.stringify([...set].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => [d.Name, d.Value]));
  const found = context.world
    .resources('AWS::CloudWatch::Alarm', region)
    .filter(
      ({ properties }) =>
        properties.Namespace === METRICS_NAMESPACE &&
        properties.MetricName === METRIC.backupSuccessRate &&
        key((properties.Dimensions as Dimensions | undefined) ?? []) === key(dimensions),
    );
  if (found.length !== 1) {
    throw new Error(`${region} has ${found.length} alarms on ${METRIC.backupSuccessRate} ${key(dimensions)}`);
  }
  const [{ stack, logicalId, properties }] = found as [(typeof found)[number]];
  const topics = context.world
    .resources('AWS::SNS::Topic', region)
    .map((topic) => context.world.physicalId(topic.stack, topic.logicalId));
  return {
    name: context.world.physicalId(stack, logicalId),
    actions: ((properties.AlarmActions as string[] | undefined) ?? []).map(String),
    topics,
  };
}

/** An evaluation, in a line. */
export const describeEvaluation = (evaluation: AlarmEvaluation | undefined) =>
  evaluation
    ? `${evaluation.state ?? 'not evaluated'}${evaluation.why ? ` (${evaluation.why})` : ''}: ${evaluation.reason ?? ''}; actions ${(evaluation.actions ?? []).join(', ') || 'none'}`
    : 'no answer';
