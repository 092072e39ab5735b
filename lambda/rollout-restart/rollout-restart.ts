// The rollout restart, one step per invocation: patch the pod template's restartedAt, follow the rollout as `kubectl rollout status` does, then list the pods.
import { ROLLOUT_RESTART } from '../../lib/contract';
import { MalformedEventError } from '../shared/scheduled-event';
import type { Deployment, KubernetesApi, Pod } from './kubernetes-api';

export interface RolloutDeps {
  readonly kubernetes: KubernetesApi;
  readonly now: () => Date;
}

export interface RolloutSettings {
  readonly namespace: string;
  readonly deployment: string;
}

/** The first state; `restartedAt` (optional) makes a retried start patch the same value, so it starts one rollout, not two. */
export interface StartState {
  readonly phase: 'start';
  readonly restartedAt?: string;
}

/** One row of `kubectl get pods`. */
export interface PodRow {
  readonly name: string;
  /** `1/1`: ready containers of all. */
  readonly ready: string;
  /** `Running`, `Pending`, `Terminating`, or a container's waiting reason (`CrashLoopBackOff`). */
  readonly status: string;
  readonly restarts: number;
  readonly age: string;
  readonly node?: string;
}

export interface RollingState {
  readonly phase: 'rolling' | 'done';
  readonly restartedAt: string;
  /** The Deployment's generation the patch produced: the rollout is this generation's. */
  readonly generation: number;
  readonly replicas: number;
  readonly updated: number;
  readonly available: number;
  readonly pods?: readonly PodRow[];
  readonly seconds?: number;
  readonly verdict?: { readonly passed: boolean; readonly detail: string };
}

export type RolloutState = StartState | RollingState;

/** The Deployment asks for no replica: a restart would roll nothing. */
export class NothingToRestartError extends Error {
  override name = 'NothingToRestartError';
}

/** The rollout stopped short (its progress deadline passed) or left no pod: the run fails, naming the counts. */
export class RolloutFailedError extends Error {
  override name = 'RolloutFailedError';
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Checks the state Step Functions hands in; anything else is refused before the API server is called. */
export function parseRolloutState(event: unknown): RolloutState {
  const state = event as Record<string, unknown> | null;
  if (typeof state !== 'object' || state === null)
    throw new MalformedEventError(`expected a rollout state, got ${JSON.stringify(event)}`);
  if (state.restartedAt !== undefined && (typeof state.restartedAt !== 'string' || !ISO.test(state.restartedAt)))
    throw new MalformedEventError(`restartedAt must be an ISO time in UTC, got ${JSON.stringify(state.restartedAt)}`);
  if (state.phase === 'start') return state as unknown as StartState;
  if (state.phase !== 'rolling')
    throw new MalformedEventError(`phase must be start or rolling, got ${JSON.stringify(state.phase)}`);
  if (typeof state.restartedAt !== 'string' || !Number.isInteger(state.generation))
    throw new MalformedEventError(`a rolling state needs restartedAt and generation: ${JSON.stringify(event)}`);
  return state as unknown as RollingState;
}

/** `kubectl`'s AGE column: 45s, 3m, 2h, 4d. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '?';
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A pod as `kubectl get pods` shows it. */
export function podRow(pod: Pod, now: Date): PodRow {
  const containers = pod.status?.containerStatuses ?? [];
  const waiting = containers.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).find(Boolean);
  const status = pod.metadata.deletionTimestamp ? 'Terminating' : (waiting ?? pod.status?.phase ?? 'Unknown');
  return {
    name: pod.metadata.name,
    ready: `${containers.filter((c) => c.ready).length}/${containers.length}`,
    status,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    age: age(pod.metadata.creationTimestamp, now),
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
  };
}

/** `kubectl get pods` as text. */
export function renderPods(rows: readonly PodRow[]): string {
  const table = [
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    ...rows.map((r) => [r.name, r.ready, r.status, String(r.restarts), r.age]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]! + 3))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** The label selector of the Deployment's pods, `a=b,c=d`. */
function selectorOf(deployment: Deployment): string {
  const labels = deployment.spec.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (!selector)
    throw new RolloutFailedError(
      `deployment/${deployment.metadata.name} has no matchLabels selector: its pods cannot be listed`,
    );
  return selector;
}

async function start(deps: RolloutDeps, settings: RolloutSettings, state: StartState): Promise<RollingState> {
  const { namespace, deployment: name } = settings;
  const current = await deps.kubernetes.getDeployment(namespace, name);
  const replicas = current.spec.replicas ?? 1;
  if (replicas === 0)
    throw new NothingToRestartError(
      `deployment/${name} -n ${namespace} has 0 replicas: nothing to restart (scale it first)`,
    );
  const restartedAt = state.restartedAt ?? deps.now().toISOString();
  const patched =
    current.spec.template?.metadata?.annotations?.[ROLLOUT_RESTART.annotation] === restartedAt
      ? current
      : await deps.kubernetes.patchDeployment(namespace, name, {
          spec: { template: { metadata: { annotations: { [ROLLOUT_RESTART.annotation]: restartedAt } } } },
        });
  return {
    phase: 'rolling',
    restartedAt,
    generation: patched.metadata.generation ?? 0,
    replicas,
    updated: patched.status?.updatedReplicas ?? 0,
    available: patched.status?.availableReplicas ?? 0,
  };
}

async function follow(deps: RolloutDeps, settings: RolloutSettings, state: RollingState): Promise<RollingState> {
  const { namespace, deployment: name } = settings;
  const current = await deps.kubernetes.getDeployment(namespace, name);
  const status = current.status ?? {};
  const replicas = current.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const counts = `${updated} of ${replicas} updated, ${available} available, ${status.replicas ?? 0} in all`;
  const stalled = (status.conditions ?? []).find(
    (condition) => condition.type === 'Progressing' && condition.reason === 'ProgressDeadlineExceeded',
  );
  if (stalled)
    throw new RolloutFailedError(
      `deployment/${name} -n ${namespace} exceeded its progress deadline: ${counts} (${stalled.message ?? 'no message'}); ` +
        'the old pods still serve; see docs/runbooks/rollout-restart.md',
    );
  // kubectl rollout status: the controller saw this generation, every replica is updated, no old one is left, all are available.
  const complete =
    (status.observedGeneration ?? 0) >= state.generation &&
    updated >= replicas &&
    (status.replicas ?? 0) <= updated &&
    available >= updated;
  if (!complete) return { ...state, replicas, updated, available };
  const now = deps.now();
  const pods = (await deps.kubernetes.listPods(namespace, selectorOf(current))).map((pod) => podRow(pod, now));
  if (pods.length === 0)
    throw new RolloutFailedError(
      `deployment/${name} -n ${namespace} reports the rollout complete (${counts}), but no pod matches its selector`,
    );
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(state.restartedAt)) / 1000));
  return {
    ...state,
    phase: 'done',
    replicas,
    updated,
    available,
    pods,
    seconds,
    verdict: {
      passed: true,
      detail: `deployment/${name} -n ${namespace} restarted at ${state.restartedAt}: ${counts}, ${pods.length} pods`,
    },
  };
}

/** One step of the run. */
export function advance(deps: RolloutDeps, settings: RolloutSettings, state: RolloutState): Promise<RollingState> {
  return state.phase === 'start' ? start(deps, settings, state) : follow(deps, settings, state);
}
