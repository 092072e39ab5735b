// The rollout restart against the fake Kubernetes API: the token it sends, the patch, the rollout followed to its end, the pods, and the pure helpers.
import { ROLLOUT_RESTART } from '../../lib/contract';
import { startFakeKubernetes, type FakeKubernetes } from '../../scripts/drill/fake-kubernetes';
import { CLUSTER_ID_HEADER, eksToken, TOKEN_PREFIX } from './eks-token';
import { httpsKubernetes } from './kubernetes-api';
import { advance, age, podRow, renderPods, type RollingState, type RolloutDeps } from './rollout-restart';

const settings = { namespace: 'async-toolformer', deployment: 'orchestrator' };
const labels = { 'app.kubernetes.io/name': 'orchestrator' };
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' };
const NOW = new Date('2026-11-28T03:00:00.000Z');

function depsFor(fake: FakeKubernetes): RolloutDeps {
  return {
    kubernetes: httpsKubernetes({
      endpoint: fake.endpoint,
      ca: fake.ca,
      token: () => eksToken('async-toolformer-prod-use1', 'us-east-1', credentials, NOW),
    }),
    now: () => NOW,
  };
}

describe('eksToken', () => {
  test('is a presigned STS GetCallerIdentity URL that signs the cluster header, base64url without padding', async () => {
    // Act
    const token = await eksToken('async-toolformer-prod-use1', 'us-west-2', credentials, NOW);

    // Assess
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    const encoded = token.slice(TOKEN_PREFIX.length);
    expect(encoded).not.toMatch(/[=+/]/);
    const url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
    expect(url.host).toBe('sts.us-west-2.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261128T030000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261128/us-west-2/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(`host;${CLUSTER_ID_HEADER}`);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes with the cluster name: a token for one cluster is refused by another', async () => {
    const one = await eksToken('a', 'us-east-1', credentials, NOW);
    const other = await eksToken('b', 'us-east-1', credentials, NOW);
    expect(one).not.toBe(other);
  });
});

describe('the rollout restart against the fake Kubernetes API', () => {
  let fake: FakeKubernetes;
  beforeEach(async () => {
    fake = await startFakeKubernetes({ ...settings, replicas: 3, labels });
  });
  afterEach(() => fake.stop());

  test('patches restartedAt once, follows the rollout to every replica available, and lists the new pods', async () => {
    // Prepare
    const deps = depsFor(fake);
    const before = fake.state().pods;

    // Act
    let state: RollingState = await advance(deps, settings, { phase: 'start' });
    const states = [state];
    while (state.phase !== 'done' && states.length < 20) {
      state = await advance(deps, settings, state);
      states.push(state);
    }

    // Assess
    expect(state.phase).toBe('done');
    expect(state.verdict?.passed).toBe(true);
    expect(fake.state().annotations).toEqual({ [ROLLOUT_RESTART.annotation]: NOW.toISOString() });
    expect(fake.state().generation).toBe(2);
    expect(state.pods?.map((pod) => pod.name)).toEqual(fake.state().pods);
    expect(state.pods?.map((pod) => pod.name)).not.toEqual(before);
    expect(state.pods?.every((pod) => pod.ready === '1/1' && pod.status === 'Running')).toBe(true);
    expect(states.some((each) => each.phase === 'rolling' && each.updated > 0 && each.available < 3)).toBe(true);
    const patches = fake.requests.filter((request) => request.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.body).toEqual({
      spec: { template: { metadata: { annotations: { [ROLLOUT_RESTART.annotation]: NOW.toISOString() } } } },
    });
    expect(fake.requests.every((request) => request.token.startsWith(TOKEN_PREFIX))).toBe(true);
  });

  test('a start retried with the same restartedAt patches nothing more: one rollout, not two', async () => {
    const deps = depsFor(fake);
    await advance(deps, settings, { phase: 'start', restartedAt: NOW.toISOString() });
    await advance(deps, settings, { phase: 'start', restartedAt: NOW.toISOString() });
    expect(fake.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    expect(fake.state().generation).toBe(2);
  });

  test('fails when the server certificate is not the cluster CA it was given', async () => {
    const other = await startFakeKubernetes({ ...settings, replicas: 1, labels });
    try {
      const deps = {
        ...depsFor(fake),
        kubernetes: httpsKubernetes({ endpoint: fake.endpoint, ca: other.ca, token: async () => `${TOKEN_PREFIX}x` }),
      };
      await expect(advance(deps, settings, { phase: 'start' })).rejects.toThrow(/no answer/);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });
});

describe('kubectl get pods', () => {
  test('shows ready containers, a waiting reason over the phase, Terminating, restarts and age', () => {
    const rows = [
      podRow(
        {
          metadata: { name: 'a', creationTimestamp: '2026-11-28T02:59:30Z' },
          status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 2 }] },
        },
        NOW,
      ),
      podRow(
        {
          metadata: { name: 'b', creationTimestamp: '2026-11-28T01:00:00Z' },
          status: {
            phase: 'Running',
            containerStatuses: [{ ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
          },
        },
        NOW,
      ),
      podRow(
        {
          metadata: { name: 'c', creationTimestamp: '2026-11-20T00:00:00Z', deletionTimestamp: '2026-11-28T03:00:00Z' },
          status: { phase: 'Running' },
        },
        NOW,
      ),
    ];
    expect(rows.map((row) => [row.ready, row.status, row.restarts, row.age])).toEqual([
      ['1/1', 'Running', 2, '30s'],
      ['0/1', 'CrashLoopBackOff', 0, '2h'],
      ['0/0', 'Terminating', 0, '8d'],
    ]);
    expect(renderPods(rows).split('\n')[0]).toBe('NAME   READY   STATUS             RESTARTS   AGE');
    expect(age(undefined, NOW)).toBe('?');
  });
});
