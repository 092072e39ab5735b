// dr warm-cache and dr restart in the drill: each job's function run step by step as its state machine would, against moto, the drill's redis-server, and a fake Kubernetes API.
import { FUNCTIONS, METRIC, ROLLOUT_RESTART, WARM_UP_MANIFEST } from '../../../lib/contract';
import { warmUpInput } from '../../dr/commands/warm-cache';
import { readDrillCache } from '../drill-cache';
import { startFakeKubernetes, type FakeKubernetes } from '../fake-kubernetes';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import type { RunRecord, TimelineEntry } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';

const WARM_UP_REAL =
  "the cache warm-up handler (lambda/cache-warm-up) runs in its own process with its function's environment as synthesized, every AWS call sent to the drill server (S3 and Secrets Manager in moto, the group's address from moto's ElastiCache); its state machine loop (call, Done?, call again) is the runner's, from the first state dr warm-cache sends";
const CACHE_NODE =
  'the cache node: a real redis-server with TLS and the AUTH token (scripts/drill/drill-cache.ts), reached at the address moto gives the group';
const KUBERNETES =
  "the Kubernetes API: moto has none, so the drill layer serves a small fake on loopback (scripts/drill/fake-kubernetes.ts: one Deployment of 3 replicas that rolls one replica per read after a restart, its pods, TLS with its own CA); the rollout restart handler (lambda/rollout-restart) runs in its own process with its function's environment as synthesized, its CLUSTER_ENDPOINT and CLUSTER_CA pointed at the fake, its EKS token signed with the process's credentials and checked only for its form (no STS behind it)";

/** The region that holds the cache primary and the writer before any loss. */
function primaryRegion(context: ScenarioContext): string {
  const regions = [...new Set(context.world.assembly.stacks.map((stack) => stack.region))].sort();
  return regions.includes('us-east-1') ? 'us-east-1' : regions[0]!;
}

const describeRun = (run: JobRun) =>
  `${run.states.map((state) => String(state.phase ?? '?')).join(' → ') || 'no state'}${run.error ? `; ${run.error.name}: ${run.error.message}` : ''}`;

/**
 * A job run as the report shows state machine runs: its states in order. The runner calls the step
 * back to back, without the state machine's Wait, so no virtual time passes between them.
 */
function jobRunRecord(run: JobRun, machine: string): RunRecord {
  const timeline: TimelineEntry[] = run.states.map((state) => ({
    step: `Step → ${String(state.phase ?? '?')}`,
    elapsedSeconds: 0,
  }));
  timeline.push(
    run.error
      ? { step: 'Failed', elapsedSeconds: 0, error: `${run.error.name}: ${run.error.message}` }
      : { step: 'Succeeded', elapsedSeconds: 0 },
  );
  return {
    executionArn: `job-runner:${machine}`,
    region: run.region,
    status: run.error ? 'FAILED' : 'SUCCEEDED',
    ...(run.error ? { error: run.error.name, cause: run.error.message } : {}),
    startedBy: `scripts/drill/job-runner.ts, as ${machine}'s Step, Done? and Wait loop`,
    timeline,
    durationSeconds: 0,
  };
}

/** The values of one metric in a run's EMF lines. */
function metricValues(run: JobRun, name: string): number[] {
  return run.emf.flatMap((line) => {
    const value = line[name];
    if (value === undefined) return [];
    return Array.isArray(value) ? (value as number[]) : [value as number];
  });
}

const warmCache: Scenario = {
  name: 'warm-cache',
  summary:
    'A versioned warm-up manifest (2 inline keys, one with its own TTL, and a JSON Lines source of 3 keys) is uploaded to warm-up/ of us-east-1’s cache backup bucket; the cache warm-up runs from the first state dr warm-cache sends, the run ends done with the manifest version pinned, every key holds its value (the TTL set), and it reports cache_warm_up_keys_loaded 5 and cache_warm_up_succeeded 1.',
  async run(context) {
    const region = primaryRegion(context);
    const env = functionEnvironment(context.world, FUNCTIONS.cacheWarmUp, region);
    const bucket = env.MANIFEST_BUCKET!;
    await context.client.call('s3', region, 'PutBucketVersioning', {
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    });
    const sourceKey = `${WARM_UP_MANIFEST.prefix}sources/tenants.jsonl`;
    await context.client.call('s3', region, 'PutObject', {
      Bucket: bucket,
      Key: sourceKey,
      Body: ['a', 'b', 'c'].map((name) => JSON.stringify({ key: `tenant:${name}`, value: `plan-${name}` })).join('\n'),
    });
    const { VersionId } = await context.client.call<{ VersionId?: string }>('s3', region, 'PutObject', {
      Bucket: bucket,
      Key: WARM_UP_MANIFEST.defaultKey,
      Body: JSON.stringify({
        format: WARM_UP_MANIFEST.format,
        defaultTtlSeconds: 86_400,
        entries: [
          { key: 'ratelimit:config:default', value: '{"rpm":600}' },
          { key: 'feature:degraded-banner', value: 'off', ttlSeconds: 600 },
        ],
        sources: [{ key: sourceKey }],
      }),
    });
    const first = { phase: 'start', ...warmUpInput({ manifest: WARM_UP_MANIFEST.defaultKey }) };
    // One run: a repeated run's idempotence is tested against redis-server in lambda/cache-warm-up/cache-warm-up.moto.test.ts.
    const runs = [await runJob(context.world, context.endpoint, FUNCTIONS.cacheWarmUp, region, first)];
    const { values, ttl } = await readDrillCache(context.world, async (client) => ({
      values: await client.mget('ratelimit:config:default', 'feature:degraded-banner', 'tenant:a', 'tenant:c'),
      ttl: await client.ttl('feature:degraded-banner'),
    }));
    const checks: Check[] = runs.flatMap((run, index) => {
      const last = run.states.at(-1) ?? {};
      const when = `run ${index + 1}`;
      return [
        expectThat(`${when}: the warm-up ends done`, last.phase === 'done' && !run.error, describeRun(run)),
        expectEqual(
          `${when}: the manifest version it read is the one uploaded`,
          (last.manifest as { versionId?: string } | undefined)?.versionId,
          VersionId,
        ),
        expectEqual(`${when}: 5 keys written`, [last.total, last.written], [5, 5]),
        expectEqual(
          `${when}: cache_warm_up_keys_loaded adds up to 5`,
          metricValues(run, METRIC.cacheWarmUpKeysLoaded).reduce((a, b) => a + b, 0),
          5,
        ),
        expectEqual(`${when}: cache_warm_up_succeeded 1`, metricValues(run, METRIC.cacheWarmUpSucceeded), [1]),
      ];
    });
    checks.push(
      expectEqual('the keys hold the manifest’s values', values, ['{"rpm":600}', 'off', 'plan-a', 'plan-c']),
      expectThat('an entry’s own TTL is set', ttl > 0 && ttl <= 600, `TTL ${ttl} s`),
    );
    return {
      checks,
      runs: runs.map((run) => jobRunRecord(run, `the cache warm-up state machine of ${region}`)),
      simulated: [WARM_UP_REAL, CACHE_NODE],
    };
  },
};

/** Runs the rollout restart against `fake` as its state machine would, from the first state dr restart sends. */
async function restartAgainst(context: ScenarioContext, fake: FakeKubernetes, restartedAt: string): Promise<JobRun> {
  return runJob(
    context.world,
    context.endpoint,
    FUNCTIONS.rolloutRestart,
    primaryRegion(context),
    { phase: 'start', restartedAt },
    { CLUSTER_ENDPOINT: fake.endpoint, CLUSTER_CA: Buffer.from(fake.ca).toString('base64') },
  );
}

/** What every request's bearer token must be: an EKS token for the region, signing the cluster header. */
function tokenProblems(fake: FakeKubernetes, region: string): string[] {
  return fake.requests.flatMap((request) => {
    if (!request.token.startsWith('k8s-aws-v1.')) return [`${request.method} ${request.path}: not an EKS token`];
    const url = new URL(Buffer.from(request.token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    const fine =
      url.host === `sts.${region}.amazonaws.com` &&
      url.searchParams.get('Action') === 'GetCallerIdentity' &&
      (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';').includes('x-k8s-aws-id');
    return fine ? [] : [`${request.method} ${request.path}: ${url.host}${url.search.slice(0, 80)}`];
  });
}

const restart: Scenario = {
  name: 'restart',
  summary:
    'The orchestrator Deployment (3 replicas) is restarted through the rollout restart’s function, from the first state dr restart sends, against a fake Kubernetes API on loopback (moto has none): one strategic merge patch sets kubectl.kubernetes.io/restartedAt to the CLI’s time, the run follows the rollout to its end and returns the new pods as kubectl get pods shows them, every request carries an EKS token of the region, and rollout_restart_succeeded is 1.',
  async run(context) {
    const region = primaryRegion(context);
    const fake = await startFakeKubernetes({
      namespace: 'async-toolformer',
      deployment: 'orchestrator',
      replicas: 3,
      labels: { 'app.kubernetes.io/name': 'orchestrator' },
    });
    try {
      const before = fake.state().pods;
      const restartedAt = '2026-11-28T03:00:00.000Z';
      const run = await restartAgainst(context, fake, restartedAt);
      const last = run.states.at(-1) ?? {};
      const pods = (last.pods as { name: string; ready: string; status: string }[] | undefined) ?? [];
      const patches = fake.requests.filter((request) => request.method === 'PATCH');
      const checks: Check[] = [
        expectThat('the restart ends done', last.phase === 'done' && !run.error, describeRun(run)),
        expectEqual(
          'one patch, of restartedAt only',
          patches.map((request) => request.body),
          [{ spec: { template: { metadata: { annotations: { [ROLLOUT_RESTART.annotation]: restartedAt } } } } }],
        ),
        expectEqual('the Deployment’s pod template carries the CLI’s time', fake.state().annotations, {
          [ROLLOUT_RESTART.annotation]: restartedAt,
        }),
        expectThat(
          'it waited through the rollout: some state saw replicas updated but not all available',
          run.states.some(
            (state) => state.phase === 'rolling' && Number(state.updated) > 0 && Number(state.available) < 3,
          ),
          describeRun(run),
        ),
        expectEqual(
          'the pods it returns are the new ones, all ready and running',
          pods.map((pod) => [pod.name, pod.ready, pod.status]),
          fake.state().pods.map((name) => [name, '1/1', 'Running']),
        ),
        expectThat(
          'none of them is an old pod',
          pods.every((pod) => !before.includes(pod.name)),
          pods.map((pod) => pod.name).join(', '),
        ),
        expectEqual('every request carries an EKS token of the region', tokenProblems(fake, region), []),
        expectEqual('rollout_restart_succeeded 1', metricValues(run, METRIC.rolloutRestartSucceeded), [1]),
      ];
      return {
        checks,
        runs: [jobRunRecord(run, `the rollout restart state machine of ${region}`)],
        simulated: [KUBERNETES],
      };
    } finally {
      await fake.stop();
    }
  },
};

export const RECOVERY_JOB_SCENARIOS: readonly Scenario[] = [warmCache, restart];
