// The six failure paths of the rollout restart, through its handler against the fake Kubernetes API: the error, rollout_restart_succeeded 0, and no patch after the failure.
import { FUNCTIONS, METRIC } from '../../lib/contract';
import {
  startFakeKubernetes,
  type FakeKubernetes,
  type FakeKubernetesOptions,
} from '../../scripts/drill/fake-kubernetes';
import { capture, environment } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';

const base = {
  namespace: 'async-toolformer',
  deployment: 'orchestrator',
  replicas: 3,
  labels: { app: 'orchestrator' },
};
let fake: FakeKubernetes | undefined;
// Lambda's own credentials, which the handler signs its EKS token with.
beforeAll(() => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }));
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

/** The handler, loaded cold against a fake with `options`, as Lambda would start it in the VPC. */
async function handlerFor(options: Partial<FakeKubernetesOptions> = {}): Promise<typeof HandlerModule.handler> {
  fake = await startFakeKubernetes({ ...base, ...options });
  const saved = process.env;
  process.env = {
    ...saved,
    ...environment(FUNCTIONS.rolloutRestart.environment, {
      CLUSTER_NAME: 'async-toolformer-prod-use1',
      CLUSTER_ENDPOINT: fake.endpoint,
      CLUSTER_CA: Buffer.from(fake.ca).toString('base64'),
      NAMESPACE: base.namespace,
      DEPLOYMENT: base.deployment,
    }),
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  try {
    let loaded: typeof HandlerModule.handler | undefined;
    jest.isolateModules(() => {
      ({ handler: loaded } = jest.requireActual<typeof HandlerModule>('./handler'));
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}

const patches = () => fake?.requests.filter((request) => request.method === 'PATCH').length ?? 0;

/** Runs a restart from its start until it is done or fails, as its state machine would. */
async function restart(handler: typeof HandlerModule.handler): Promise<unknown> {
  let state: unknown = { phase: 'start' };
  for (let step = 0; step < 20; step += 1) {
    state = await handler(state);
    if ((state as { phase: string }).phase === 'done') return state;
  }
  throw new Error('no done phase after 20 steps');
}

describe('failure path: throttling', () => {
  test('fails when the API server throttles the read (429): 0, nothing patched', async () => {
    const handler = await handlerFor({ fail: { call: 'get', status: 429, message: 'Too many requests' } });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.name).toBe('KubernetesApiError');
    expect(error?.message).toMatch(/HTTP 429.*re-run the restart in a minute/);
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
    expect(patches()).toBe(0);
  });
});

describe('failure path: access denied', () => {
  test('fails when the access entry does not allow the patch (403): 0, the message names the access entry', async () => {
    const handler = await handlerFor({
      fail: { call: 'patch', status: 403, message: 'deployments.apps is forbidden' },
    });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.name).toBe('KubernetesApiError');
    expect(error?.message).toMatch(/HTTP 403 \(deployments.apps is forbidden\); the access entry/);
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
    expect(fake?.state().generation).toBe(1);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the Deployment does not exist (404): 0, nothing patched', async () => {
    const handler = await handlerFor({
      fail: { call: 'get', status: 404, message: 'deployments.apps "orchestrator" not found' },
    });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.message).toMatch(/get deployment\/orchestrator -n async-toolformer: HTTP 404/);
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
    expect(patches()).toBe(0);
  });
});

describe('failure path: empty result', () => {
  test('fails when the Deployment has 0 replicas: nothing to restart, nothing patched', async () => {
    const handler = await handlerFor({ replicas: 0 });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.name).toBe('NothingToRestartError');
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
    expect(patches()).toBe(0);
  });

  test('fails when the rollout completes but no pod matches the selector', async () => {
    const handler = await handlerFor({ noPods: true });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.name).toBe('RolloutFailedError');
    expect(error?.message).toMatch(/no pod matches its selector/);
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['not an object', 'start'],
    ['an unknown phase', { phase: 'restarting' }],
    ['a rolling state without its generation', { phase: 'rolling', restartedAt: '2026-11-28T03:00:00Z' }],
    ['a restartedAt that is not a UTC time', { phase: 'start', restartedAt: 'now' }],
  ])('fails on %s: MalformedEventError, no call to the API server', async (_name, event) => {
    const handler = await handlerFor();
    const { error, metrics } = await capture(() => handler(event));
    expect(error?.name).toBe('MalformedEventError');
    expect(metrics[METRIC.rolloutRestartSucceeded]).toBeUndefined();
    expect(fake?.requests).toHaveLength(0);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the rollout stalls after 1 of 3 replicas (ProgressDeadlineExceeded): the counts are named, 0', async () => {
    const handler = await handlerFor({ stallAfter: 1 });
    const { error, metrics } = await capture(() => restart(handler));
    expect(error?.name).toBe('RolloutFailedError');
    expect(error?.message).toMatch(/exceeded its progress deadline: 1 of 3 updated, 0 available/);
    expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([0]);
    expect(patches()).toBe(1);
  });
});

test('a restart that completes reports 1 and its seconds', async () => {
  const handler = await handlerFor();
  const { result, metrics } = await capture(() => restart(handler));
  expect((result as { phase: string }).phase).toBe('done');
  expect(metrics[METRIC.rolloutRestartSucceeded]).toEqual([1]);
  expect(metrics[METRIC.rolloutRestartSeconds]).toHaveLength(1);
});
