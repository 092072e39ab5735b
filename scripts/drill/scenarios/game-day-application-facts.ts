// What the application game day's drill scenario sets up and reads: the nested jobs' answers queued for moto's Lambda, the warm-up's manifest and keys, the nested runs.
import { FUNCTIONS, WARM_UP_MANIFEST } from '../../../lib/contract';
import { GAME_DAY_RECORDER, type GameDayResult } from '../../../lib/contract/game-days';
import { drillCacheFor, readDrillCache } from '../drill-cache';
import { queueAnswers, realInvocation } from './game-day-recorder';
import { functionEnvironment } from '../jobs';
import { expectThat, type Check, type ScenarioContext } from '../scenario';

export const JOBS = ['rollout-restart', 'redis-restore-test', 'cache-warm-up'] as const;

const PODS = ['orchestrator-7f9c-a', 'orchestrator-7f9c-b', 'orchestrator-7f9c-c'].map((name) => ({
  name,
  status: 'Running',
  ready: '1/1',
}));

/**
 * The states the rollout restart's and the restore test's step functions return, in the order their
 * loops invoke them (Step, Done?, Wait, Step ...): the drill server runs no Lambda code, so moto's
 * Lambda answers each invocation with the next of these (its lambda-simple result queue,
 * POST /moto-api/static/lambda-simple/response).
 */
function scriptedStates(startedAt: string): Record<string, unknown>[] {
  const group = 'dr-restore-test-drill';
  const verdict = { passed: true, detail: 'sentinel matches; 1200 keys, as the export recorded', restoreSeconds: 840 };
  return [
    // Rollout restart: patched and rolling, then every replica ready and the pods listed.
    { phase: 'rolling', restartedAt: startedAt, startedAt },
    { phase: 'done', restartedAt: startedAt, startedAt, pods: PODS },
    // Restore test: restoring into a temporary group, checked, deleted.
    {
      phase: 'restoring',
      groupId: group,
      startedAt,
      expected: { key: 'k', writtenAt: startedAt, checksum: 'c', object: 'o', persistentKeys: 1200 },
    },
    { phase: 'cleaning', groupId: group, startedAt, verdict },
    { phase: 'done', groupId: group, startedAt, verdict },
  ];
}

/** The warm-up's states when it is scripted too (the failing run, whose subject is the health step). */
function scriptedWarmUp(manifestKey: string): Record<string, unknown>[] {
  return [
    { phase: 'loading', manifestKey, written: 0 },
    { phase: 'done', manifestKey, written: 3, verdict: { passed: true, detail: '3 of 3 keys loaded (scripted)' } },
  ];
}

/** The manifest the warm-up loads: three keys of its own, which the drill reads back from the cache. */
export const WARM_KEYS = { 'game-day:drill:a': 'alpha', 'game-day:drill:b': 'beta', 'game-day:drill:c': 'gamma' };

/** Uploads the manifest to the region's cache backup bucket (versioned, as deployed), at the key the game day names. */
export async function uploadManifest(context: ScenarioContext, region: string, key: string): Promise<void> {
  const bucket = functionEnvironment(context.world, FUNCTIONS.cacheWarmUp, region).MANIFEST_BUCKET!;
  await context.client.call('s3', region, 'PutBucketVersioning', {
    Bucket: bucket,
    VersioningConfiguration: { Status: 'Enabled' },
  });
  await context.client.call('s3', region, 'PutObject', {
    Bucket: bucket,
    Key: key,
    Body: JSON.stringify({
      format: WARM_UP_MANIFEST.format,
      defaultTtlSeconds: 3600,
      entries: Object.entries(WARM_KEYS).map(([name, value]) => ({ key: name, value })),
    }),
  });
}

/** The warm-up's keys as the drill's cache holds them now. */
export async function warmKeys(context: ScenarioContext): Promise<(string | null)[]> {
  return readDrillCache(context.world, (client) => client.mget(...Object.keys(WARM_KEYS)));
}

/**
 * Queues the answers of the region's next Lambda invocations, in the order the run makes them: the
 * restart's and the restore's scripted states, the warm-up's (real or scripted), then RecordResult, real.
 */
export async function queueInvocations(
  context: ScenarioContext,
  region: string,
  manifestKey: string,
  realWarmUp: boolean,
): Promise<void> {
  const warmUp = realWarmUp
    ? [
        realInvocation(context, FUNCTIONS.cacheWarmUp, region, (await drillCacheFor(context.world)).env),
        realInvocation(context, FUNCTIONS.cacheWarmUp, region, (await drillCacheFor(context.world)).env),
      ]
    : scriptedWarmUp(manifestKey);
  await queueAnswers(context, region, [
    ...scriptedStates(new Date().toISOString()),
    ...warmUp,
    realInvocation(context, GAME_DAY_RECORDER, region),
  ]);
}

/** An alarm's state as moto holds it (the drill evaluates this one only when DNS or a health check reads it). */
export async function alarmState(context: ScenarioContext, region: string, alarmName: string): Promise<string> {
  const { MetricAlarms = [] } = await context.client.call<{ MetricAlarms?: { StateValue: string }[] }>(
    'cloudwatch',
    region,
    'DescribeAlarms',
    { AlarmNames: [alarmName] },
  );
  if (!MetricAlarms[0]) throw new Error(`no alarm ${alarmName} in ${region}`);
  return MetricAlarms[0].StateValue;
}

/** The nested runs the game day `parent` started, oldest first: which job, its input and how it ended. */
export async function nestedRuns(
  context: ScenarioContext,
  region: string,
  parent: string,
): Promise<{ job: string; status: string; input: Record<string, unknown> }[]> {
  const runs: { job: string; status: string; input: Record<string, unknown>; at: number }[] = [];
  for (const job of JOBS) {
    const machine = context.world.stateMachines.find((m) => m.region === region && m.name.endsWith(`-${job}`));
    if (!machine) throw new Error(`the assembly has no ${job} state machine in ${region}`);
    const { executions } = await context.client.call<{ executions: { executionArn: string; startDate: string }[] }>(
      'stepfunctions',
      region,
      'ListExecutions',
      { stateMachineArn: machine.arn },
    );
    for (const { executionArn, startDate } of executions) {
      const run = await context.client.call<{ input: string; status: string }>(
        'stepfunctions',
        region,
        'DescribeExecution',
        { executionArn },
      );
      const { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: by, ...input } = JSON.parse(run.input) as Record<
        string,
        unknown
      >;
      if (by === parent) runs.push({ job, status: run.status, input, at: Date.parse(startDate) });
    }
  }
  return runs.sort((a, b) => a.at - b.at).map(({ job, status, input }) => ({ job, status, input }));
}

/** The id moto gave the Route 53 health check of `name` (the secondary's regional endpoint). */
export async function healthCheckOf(context: ScenarioContext, region: string, name: string): Promise<string> {
  const { HealthChecks = [] } = await context.client.call<{
    HealthChecks?: { Id: string; HealthCheckConfig: { FullyQualifiedDomainName?: string } }[];
  }>('route53', region, 'ListHealthChecks', {});
  const check = HealthChecks.find((candidate) => candidate.HealthCheckConfig.FullyQualifiedDomainName === name);
  if (!check) throw new Error(`no health check of ${name} was seeded`);
  return check.Id;
}

export const status = (result: GameDayResult | undefined, item: string) =>
  result?.checklist.find((check) => check.id === item)?.status;

/** The game day's steps started where the one before ended, each with a duration. */
export function timedInOrder(result: GameDayResult | undefined): Check {
  const steps = result?.steps ?? [];
  const ordered = steps.every((step, index) => index === 0 || step.startedAt >= steps[index - 1]!.endedAt);
  return expectThat(
    'each step starts where the one before ended, timed by the state machine',
    steps.length > 0 && ordered,
    steps.map((step) => `${step.name} ${step.startedAt}→${step.endedAt}`).join(', '),
  );
}
