// The third Monday's game day in the drill: its state machine as synthesized starts the rollout restart, the cache restore and the warm-up as nested runs, then reads Route 53's health check; once healthy, once with the check failing.
import {
  GAME_DAY_RECORDER,
  GAME_DAY_RESULTS,
  GAME_DAY_STEPS,
  gameDayResultsParameter,
  type GameDayId,
  type GameDayResult,
} from '../../../lib/contract/game-days';
import { loadConfig, type Stage } from '../../../lib/config';
import { failoverAlarmNames } from '../../../lib/naming';
import Redis from 'ioredis';
import { FUNCTIONS, WARM_UP_MANIFEST, type FunctionContract } from '../../../lib/contract';
import { drillCacheFor } from '../drill-cache';
import { functionEnvironment } from '../jobs';
import { finishRun, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';

/** What game-days.ts shares with this scenario (passed in, so the two modules do not import each other). */
export interface GameDayKit {
  start(context: ScenarioContext, gameDay: GameDayId): Promise<{ machine: SeededStateMachine; executionArn: string }>;
  resultChecks(result: GameDayResult | undefined, steps: readonly string[]): Check[];
}

const { application, monitoringCheck } = GAME_DAY_STEPS;
const JOBS = ['rollout-restart', 'redis-restore-test', 'cache-warm-up'] as const;
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

/** A queued answer that runs the handler of `contract` on the invocation, with its function's environment in `region`. */
function realInvocation(
  context: ScenarioContext,
  contract: FunctionContract,
  region: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  return {
    drillInvoke: {
      entry: contract.entry,
      env: {
        ...functionEnvironment(context.world, contract, region),
        AWS_LAMBDA_FUNCTION_NAME: `${contract.service}-${region}`,
        ...extra,
      },
    },
  };
}

/** The manifest the warm-up loads: three keys of its own, which the drill reads back from the cache. */
const WARM_KEYS = { 'game-day:drill:a': 'alpha', 'game-day:drill:b': 'beta', 'game-day:drill:c': 'gamma' };

/** Uploads the manifest to the region's cache backup bucket (versioned, as deployed), at the key the game day names. */
async function uploadManifest(context: ScenarioContext, region: string, key: string): Promise<void> {
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
async function warmKeys(context: ScenarioContext): Promise<(string | null)[]> {
  const cache = await drillCacheFor(context.world);
  const client = new Redis({
    host: 'localhost',
    port: cache.server.port,
    tls: { ca: cache.server.ca },
    password: cache.server.password,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  await client.connect();
  try {
    return await client.mget(...Object.keys(WARM_KEYS));
  } finally {
    client.disconnect();
  }
}

const SIMULATED_STEPS =
  "the rollout restart's and the restore test's Lambda steps: the drill server runs no Lambda code, so each invocation of their step functions is answered with a scripted state (moto's lambda-simple result queue), in the phases the real handlers go through (rolling → done with pods; restoring → cleaning → done with a passed verdict); their handlers are drilled elsewhere (recovery-jobs: dr restart against a fake Kubernetes API) or tested against moto (the restore test). Each nested run's Step, Done? and Wait loop, its start with the game day's input and its wait (startExecution.sync:2) run for real. In the failing run the warm-up's steps are scripted too";
const WARM_UP_REAL =
  "the warm-up's steps in the passing run: the real handler (lambda/cache-warm-up) in its own Node process per invocation, with its function's environment as synthesized, reading the manifest the drill uploaded to us-west-2's cache backup bucket and writing to the drill's redis-server (TLS, AUTH) at the address moto gives the secondary's group";
const FENCE_LIFTED =
  "the DNS fence's metric holds one datapoint, 0 (lifted), as the second Monday's region game day leaves it: the fence alarm ignores missing data, so without it the alarm stays INSUFFICIENT_DATA and the monitoring check fails, as it would in a deployment where no failover ever ran";
const RECORDER_IN_THE_RUN =
  "the recorder (lambda/game-day) runs inside the run: its RecordResult invocation is handed to the real handler in its own Node process with its function's environment as synthesized (scripts/drill/moto_drill/lambda_invoke.py), so the machine's Passed? reads the recorder's own verdict";

/**
 * Queues the answers of the region's next Lambda invocations, in the order the run makes them: the
 * restart's and the restore's scripted states, the warm-up's (real or scripted), then RecordResult, real.
 */
async function queueInvocations(
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
  const answers = [
    ...scriptedStates(new Date().toISOString()),
    ...warmUp,
    realInvocation(context, GAME_DAY_RECORDER, region),
  ];
  const response = await fetch(`${context.endpoint}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account_id: context.world.assembly.stacks[0]!.account,
      region,
      results: answers.map((answer) => JSON.stringify(answer)),
    }),
  });
  if (!response.ok) throw new Error(`moto refused the lambda-simple results: ${response.status}`);
}

/** What the recorder returned to the run (RecordResult's TaskSucceeded), and whether its result.json is in the results bucket. */
async function recorded(
  context: ScenarioContext,
  run: RunRecord,
): Promise<{ result?: GameDayResult; checks: Check[] }> {
  const { events } = await context.client.call<{
    events: { type: string; taskSucceededEventDetails?: { resourceType: string; output: string } }[];
  }>('stepfunctions', run.region, 'GetExecutionHistory', { executionArn: run.executionArn, maxResults: 1000 });
  const answer = events
    .filter((event) => event.type === 'TaskSucceeded' && event.taskSucceededEventDetails?.resourceType === 'lambda')
    .map(
      (event) =>
        JSON.parse(event.taskSucceededEventDetails!.output) as {
          Payload?: { result?: GameDayResult; keys?: string[] };
        },
    )
    .pop()?.Payload;
  const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>('ssm', run.region, 'GetParameter', {
    Name: gameDayResultsParameter(context.stage),
  });
  const key = answer?.keys?.find((candidate) => candidate.endsWith(GAME_DAY_RESULTS.json));
  let stored = false;
  if (key) {
    await context.client.call('s3', run.region, 'HeadObject', { Bucket: Parameter.Value, Key: key });
    stored = true;
  }
  return {
    ...(answer?.result ? { result: answer.result } : {}),
    checks: [
      expectThat(
        'the recorder ran inside the run and wrote result.json to the results bucket',
        stored,
        key ?? `no recorder answer in ${run.executionArn}`,
      ),
    ],
  };
}

/**
 * The DNS fence as the second Monday's region game day leaves it: lifted, its last datapoint 0. Its
 * alarm ignores missing data, so in a world where no failover ever ran it stays INSUFFICIENT_DATA and
 * the monitoring check fails; the month's order of game days gives it a datapoint first.
 */
async function fenceLifted(context: ScenarioContext, region: string, fenceAlarm: string): Promise<void> {
  const { MetricAlarms = [] } = await context.client.call<{
    MetricAlarms?: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }[];
  }>('cloudwatch', region, 'DescribeAlarms', { AlarmNames: [fenceAlarm] });
  const alarm = MetricAlarms[0];
  if (!alarm) throw new Error(`no DNS fence alarm ${fenceAlarm} in ${region}`);
  await context.client.call('cloudwatch', region, 'PutMetricData', {
    Namespace: alarm.Namespace,
    MetricData: [
      {
        MetricName: alarm.MetricName,
        Dimensions: alarm.Dimensions,
        Value: 0,
        Timestamp: new Date((await context.client.state()).nowMs).toISOString(),
      },
    ],
  });
}

/** The nested runs the game day `parent` started, oldest first: which job, its input and how it ended. */
async function nestedRuns(
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
async function healthCheckOf(context: ScenarioContext, region: string, name: string): Promise<string> {
  const { HealthChecks = [] } = await context.client.call<{
    HealthChecks?: { Id: string; HealthCheckConfig: { FullyQualifiedDomainName?: string } }[];
  }>('route53', region, 'ListHealthChecks', {});
  const check = HealthChecks.find((candidate) => candidate.HealthCheckConfig.FullyQualifiedDomainName === name);
  if (!check) throw new Error(`no health check of ${name} was seeded`);
  return check.Id;
}

const status = (result: GameDayResult | undefined, item: string) =>
  result?.checklist.find((check) => check.id === item)?.status;

/** The game day's steps started where the one before ended, each with a duration. */
function timedInOrder(result: GameDayResult | undefined): Check {
  const steps = result?.steps ?? [];
  const ordered = steps.every((step, index) => index === 0 || step.startedAt >= steps[index - 1]!.endedAt);
  return expectThat(
    'each step starts where the one before ended, timed by the state machine',
    steps.length > 0 && ordered,
    steps.map((step) => `${step.name} ${step.startedAt}→${step.endedAt}`).join(', '),
  );
}

export function applicationScenario(kit: GameDayKit): Scenario {
  return {
    name: 'game-day-application',
    summary:
      "The third Monday's game day: the rollout restart, the restore test of the replicated cache exports and the warm-up run as nested executions in that order, then Route 53's health check of the secondary's endpoint; the result passes backup restoration, service functionality and the objective, and with the health check failing it fails service functionality.",
    async run(context) {
      const checks: Check[] = [];
      const runs: RunRecord[] = [];
      const machine = context.world.stateMachines.find((m) => m.name.endsWith('-game-day-application'));
      if (!machine) throw new Error(`the assembly has no application game day state machine (stage ${context.stage})`);
      const region = machine.region;
      // The endpoint name as the definition finds its check by.
      const endpointName = /FullyQualifiedDomainName = '([^']+)'/.exec(machine.definition)?.[1] ?? '';
      const checkId = await healthCheckOf(context, region, endpointName);
      const config = loadConfig({ stage: context.stage as Stage });
      const secondary = config.regions.find((candidate) => candidate.region === region)!;
      await fenceLifted(context, region, failoverAlarmNames(config, secondary).fence);
      const steps = [application.restart, application.restore, application.warmUp, application.health, monitoringCheck];

      const manifestKey = config.gameDays.warmUpManifest;

      // Healthy: every job succeeds, the warm-up for real, and the endpoint's check reports Success.
      await uploadManifest(context, region, manifestKey);
      await queueInvocations(context, region, manifestKey, true);
      const healthy = await kit.start(context, 'application');
      const run = await finishRun(
        context.client,
        healthy.executionArn,
        'StartExecution {"gameDay":"application"}',
        30_000,
      );
      runs.push(run);
      const healthyRecord = await recorded(context, run);
      const nested = await nestedRuns(context, region, healthy.executionArn);
      checks.push(
        ...healthyRecord.checks,
        expectEqual(
          "the game day's nested runs: the rollout restart, the cache restore, the warm-up, all succeeded",
          nested.map(({ job, status }) => ({ job, status })),
          JOBS.map((job) => ({ job, status: 'SUCCEEDED' })),
        ),
        expectEqual(
          "the warm-up wrote the manifest's keys to the cache",
          await warmKeys(context),
          Object.values(WARM_KEYS),
        ),
        expectThat(
          "the warm-up step's detail is the handler's verdict",
          (healthyRecord.result?.steps.find((step) => step.name === application.warmUp)?.detail ?? '').includes(
            `3 of 3 keys loaded`,
          ),
          healthyRecord.result?.steps.find((step) => step.name === application.warmUp)?.detail ?? 'no result',
        ),
        expectEqual(
          'they were started as dr restart, the weekly schedule and dr warm-cache --manifest start them',
          nested.map(({ input }) => ({ ...input, restartedAt: typeof input.restartedAt })),
          [
            { phase: 'start', restartedAt: 'string' },
            { phase: 'start', restartedAt: 'undefined' },
            { phase: 'start', manifestKey, restartedAt: 'undefined' },
          ],
        ),
        expectThat(
          'the rollout restart was patched with the run start time',
          typeof nested[0]?.input.restartedAt === 'string' &&
            !Number.isNaN(Date.parse(String(nested[0]?.input.restartedAt))),
          String(nested[0]?.input.restartedAt),
        ),
        expectThat(
          'the run read the health check and found the endpoint healthy',
          ['FindHealthCheck', 'ReadHealthCheckStatus', 'EndpointHealthy'].every((step) =>
            run.timeline.some((entry) => entry.step === step),
          ),
          run.timeline.map((entry) => entry.step).join(' → '),
        ),
        ...kit.resultChecks(healthyRecord.result, steps),
        timedInOrder(healthyRecord.result),
        expectEqual(
          'backup restoration: the restore and the warm-up',
          status(healthyRecord.result, 'backup-restoration'),
          'pass',
        ),
        expectEqual(
          'service functionality: Route 53 sees the endpoint healthy',
          status(healthyRecord.result, 'service-functionality'),
          'pass',
        ),
        expectEqual(
          'performance: every step within the objective',
          status(healthyRecord.result, 'performance-sla'),
          'pass',
        ),
        expectEqual(
          'the run ends Succeeded on the recorded verdict (GameDayPassed)',
          { status: run.status, passed: healthyRecord.result?.passed },
          { status: 'SUCCEEDED', passed: true },
        ),
        expectThat(
          'the evidence names the health check read',
          (
            healthyRecord.result?.checklist.find((item) => item.id === 'service-functionality')?.evidence ?? ''
          ).includes(checkId),
          healthyRecord.result?.checklist.find((item) => item.id === 'service-functionality')?.evidence ?? 'no result',
        ),
      );

      // Failing: the endpoint's health check fails for the whole wait; the other steps as before.
      await queueInvocations(context, region, manifestKey, false);
      await context.client.setHealth({ [checkId]: false });
      const failingArn = await startExecution(
        context.client,
        region,
        machine.arn,
        { gameDay: 'application' },
        'drill-game-day-application-unhealthy',
      );
      const failed = await finishRun(
        context.client,
        failingArn,
        'StartExecution {"gameDay":"application"}, health check failing',
        30_000,
      );
      await context.client.setHealth({ [checkId]: true });
      runs.push(failed);
      const failedRecord = await recorded(context, failed);
      checks.push(
        ...failedRecord.checks,
        expectThat(
          'with the check failing, the run waited out its timeout and recorded the step failed',
          failed.timeline.some((entry) => entry.step === 'EndpointNotHealthy') &&
            !failed.timeline.some((entry) => entry.step === 'EndpointHealthy'),
          `${failed.timeline.filter((entry) => entry.step === 'ReadHealthCheckStatus').length} reads of the health check, then ${failed.timeline
            .slice(-4)
            .map((entry) => entry.step)
            .join(' → ')}`,
        ),
        expectEqual('service functionality fails', status(failedRecord.result, 'service-functionality'), 'fail'),
        expectEqual('the result fails', failedRecord.result?.passed, false),
        expectEqual(
          'the run ends Failed on the recorded verdict (GameDayFailed)',
          { status: failed.status, error: failed.error },
          { status: 'FAILED', error: 'GameDayFailed' },
        ),
        expectThat(
          'the issue names the health step and what Route 53 reported',
          (failedRecord.result?.issues ?? []).some(
            (issue) => issue.startsWith(`step ${application.health} failed:`) && issue.includes('Failure'),
          ),
          (failedRecord.result?.issues ?? []).join(' | '),
        ),
      );
      return { runs, checks, simulated: [SIMULATED_STEPS, WARM_UP_REAL, RECORDER_IN_THE_RUN, FENCE_LIFTED] };
    },
  };
}
