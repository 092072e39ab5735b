// Runs each DR function's handler, loaded with its synthesized environment, on a success and on a failure against a fake AWS, and keeps the EMF it writes.
import { join } from 'node:path';
import { FUNCTIONS, type FunctionContract, type FunctionName } from '../../lib/contract';
import type * as ClientMock from 'aws-sdk-client-mock';
import type * as DnsView from '../../lambda/dns-view/dns-view';
import type * as Observability from '../../lambda/shared/observability';
import type { CacheConnector } from '../../lambda/shared/cache-session';
import type { KubernetesApi } from '../../lambda/rollout-restart/kubernetes-api';
import { emittedByEmf, type EmittedMetric } from './metric-contract';

const root = join(__dirname, '..', '..');

/** One SDK call as the fake AWS sees it: the client's service, the command's name and its input. */
export interface AwsCall {
  readonly service: string;
  readonly command: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each world reads the fields of the commands it answers
  readonly input: Record<string, any>;
}

/** The answer to a call; a throw is the call's error. */
export type FakeAws = (call: AwsCall) => unknown;

/** Every SDK client a DR function builds: each is stubbed with aws-sdk-client-mock in the handler's own module registry. */
const SDK_CLIENTS: readonly (readonly [string, string])[] = [
  ['@aws-sdk/client-appconfig', 'AppConfigClient'],
  ['@aws-sdk/client-backup', 'BackupClient'],
  ['@aws-sdk/client-cloudformation', 'CloudFormationClient'],
  ['@aws-sdk/client-elasticache', 'ElastiCacheClient'],
  ['@aws-sdk/client-lambda', 'LambdaClient'],
  ['@aws-sdk/client-rds', 'RDSClient'],
  ['@aws-sdk/client-rds-data', 'RDSDataClient'],
  ['@aws-sdk/client-s3', 'S3Client'],
  ['@aws-sdk/client-secrets-manager', 'SecretsManagerClient'],
  ['@aws-sdk/client-sfn', 'SFNClient'],
  ['@aws-sdk/client-sns', 'SNSClient'],
  ['@aws-sdk/client-ssm', 'SSMClient'],
];

/** An AWS error of `name`, as the SDK throws it (matched by name, since each registry has its own classes). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

/** A world where every call is refused: access denied is not throttling, so nothing retries. */
export const deniedEverywhere: FakeAws = (call) => {
  throw awsError('AccessDeniedException', `${call.service}:${call.command} denied`);
};

/** A world that answers `answers[command]` and refuses every other call. */
export function world(answers: Readonly<Record<string, (call: AwsCall) => unknown>>): FakeAws {
  return (call) => (answers[call.command] ?? deniedEverywhere)(call);
}

type Handler = (event: unknown) => Promise<unknown>;

/** A cache no run can reach: what a scenario without a cache meets when it connects. */
export const unreachableCache: CacheConnector = (endpoint) =>
  Promise.reject(
    Object.assign(new Error(`cache ${endpoint.host}:${endpoint.port} unreachable`), { name: 'CacheUnreachableError' }),
  );

/** A Kubernetes API no run can reach: what a scenario without one meets. */
export const unreachableKubernetes: KubernetesApi = {
  getDeployment: () =>
    Promise.reject(Object.assign(new Error('API server unreachable'), { name: 'KubernetesApiError' })),
  patchDeployment: () =>
    Promise.reject(Object.assign(new Error('API server unreachable'), { name: 'KubernetesApiError' })),
  listPods: () => Promise.reject(Object.assign(new Error('API server unreachable'), { name: 'KubernetesApiError' })),
};

/** A handler loaded cold, whose SDK clients answer through whatever world is current, and whose cache sessions open on the current cache. */
interface LoadedHandler {
  readonly handler: Handler;
  use(aws: FakeAws, cache?: CacheConnector, kubernetes?: KubernetesApi): void;
  restore(): void;
}

/** Loads `entry` fresh with `environment` as process.env (its cold start), its SDK clients stubbed. */
function coldStart(entry: string, environment: Record<string, string>): LoadedHandler {
  let current: FakeAws = deniedEverywhere;
  let currentCache: CacheConnector = unreachableCache;
  let currentKubernetes: KubernetesApi = unreachableKubernetes;
  const stubs: { restore(): void }[] = [];
  let handler: Handler | undefined;
  const saved = process.env;
  process.env = { ...environment, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  try {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports -- one registry per cold start: the SDK classes the handler builds are the ones stubbed here */
      const { mockClient } = require('aws-sdk-client-mock') as typeof ClientMock;
      for (const [module, className] of SDK_CLIENTS) {
        const client = (require(module) as Record<string, new (config: object) => never>)[className]!;
        const service = className.replace(/Client$/, '');
        const stub = mockClient(client);
        stub.send.callsFake(
          async (command: { input: object }) =>
            current({
              service,
              command: command.constructor.name.replace(/Command$/, ''),
              input: command.input as AwsCall['input'],
            }) as never,
        );
        stubs.push(stub);
      }
      // The network boundary of the functions that talk to a cache: their sessions open on the scenario's cache.
      const sessions = join(root, 'lambda', 'shared', 'cache-session');
      jest.doMock(sessions, () => ({
        ...jest.requireActual<object>(sessions),
        redisConnector: (): CacheConnector => (endpoint, password, use) => currentCache(endpoint, password, use),
      }));
      // The cache warm-up writes in pipelines: its batches go to the scenario's cache one key at a time.
      const batches = join(root, 'lambda', 'cache-warm-up', 'batch-session');
      jest.doMock(batches, () => ({
        ...jest.requireActual<object>(batches),
        redisBatchConnector: () => (endpoint: never, password: never, use: (session: object) => Promise<unknown>) =>
          currentCache(endpoint, password, (session) =>
            use({
              write: async (batch: { key: string; value: string }[]) => {
                for (const item of batch) await session.set(item.key, item.value);
                return { written: batch.length, kept: 0, failed: [] };
              },
            }),
          ),
      }));
      // The rollout restart's network boundary: the private API server is the scenario's.
      const kubernetes = join(root, 'lambda', 'rollout-restart', 'kubernetes-api');
      jest.doMock(kubernetes, () => ({
        ...jest.requireActual<object>(kubernetes),
        httpsKubernetes: (): KubernetesApi => ({
          getDeployment: (...args) => currentKubernetes.getDeployment(...args),
          patchDeployment: (...args) => currentKubernetes.patchDeployment(...args),
          listPods: (...args) => currentKubernetes.listPods(...args),
        }),
      }));
      ({ handler } = require(join(root, entry)) as { handler: Handler });
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
  } finally {
    process.env = saved;
  }
  return {
    handler: handler!,
    use: (aws, cache = unreachableCache, kubernetes = unreachableKubernetes) => {
      current = aws;
      currentCache = cache;
      currentKubernetes = kubernetes;
    },
    restore: () => stubs.forEach((stub) => stub.restore()),
  };
}

/** Calls `run` with stdout captured; returns what it wrote and what it threw. */
async function capturingStdout(
  run: () => Promise<unknown>,
): Promise<{ output: string; result?: unknown; error?: unknown }> {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await run();
    return { output: chunks.join(''), result };
  } catch (error) {
    return { output: chunks.join(''), error };
  } finally {
    write.mockRestore();
  }
}

/** The two runs every function gets. */
export type Outcome = 'success' | 'failure';

/** How one run of a function goes: the world it meets and how it is invoked. */
export interface Scenario {
  readonly world: FakeAws;
  /** The cache the run's sessions open on. @default unreachableCache */
  readonly cache?: CacheConnector;
  /** The Kubernetes API the run calls. @default unreachableKubernetes */
  readonly kubernetes?: KubernetesApi;
  /** Invokes the handler as its trigger would, a stepped job step by step until `done`. */
  readonly invoke: (handler: Handler, environment: Record<string, string>) => Promise<unknown>;
}

/** What one run of one deployed function emitted. */
export interface EmitterRun {
  readonly function: FunctionName;
  readonly outcome: Outcome;
  /** `<stage> <region> <service> (<outcome>)`. */
  readonly source: string;
  readonly emitted: readonly EmittedMetric[];
  /** What the handler returned (a stepped job: its last state). */
  readonly result?: unknown;
  /** What the handler threw, if it did: a failure may throw, a success must not. */
  readonly error?: unknown;
}

/** Invokes a stepped job's step handler from `first` until the state's phase is `done`, as its state machine would. */
export function stepped(first: object): Scenario['invoke'] {
  return async (handler) => {
    let state: unknown = first;
    for (let step = 0; step < 10; step += 1) {
      state = await handler(state);
      if ((state as { phase?: string }).phase === 'done') return state;
    }
    throw new Error(`no done phase after 10 steps: ${JSON.stringify(state)}`);
  };
}

/** Invokes a scheduled function with the payload of its schedule. */
export function scheduled(schedule: string): Scenario['invoke'] {
  return (handler) => handler({ schedule });
}

/**
 * dns-view samples with node:dns and sleeps between samples, so its `run` is called instead of its
 * handler, with the metrics the handler would build from the same environment.
 */
async function runDnsView(environment: Record<string, string>, answered: 'primary' | 'secondary'): Promise<unknown> {
  let modules: { view: typeof DnsView; observability: typeof Observability } | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- a fresh Metrics, as at cold start */
    modules = {
      view: require('../../lambda/dns-view/dns-view') as typeof DnsView,
      observability: require('../../lambda/shared/observability') as typeof Observability,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  const { metrics } = modules!.observability.createObservability(FUNCTIONS.dnsView, environment);
  const addresses = { ns: ['192.0.2.53'], primary: ['198.51.100.1'], secondary: ['203.0.113.1'] };
  const resolver: DnsView.DnsResolver = {
    resolveNs: async () => ['ns-1.example.net'],
    resolve4: async (name) =>
      name === environment.PRIMARY_NAME
        ? addresses.primary
        : name === environment.SECONDARY_NAME || name === environment.FAILOVER_NAME
          ? addresses[name === environment.FAILOVER_NAME ? answered : 'secondary']
          : addresses.ns,
  };
  return modules!.view.run(
    { recursive: resolver, authoritative: () => resolver, metrics, sleep: async () => undefined },
    {
      zoneName: environment.ZONE_NAME!,
      failoverName: environment.FAILOVER_NAME!,
      primaryName: environment.PRIMARY_NAME!,
      secondaryName: environment.SECONDARY_NAME!,
      samplesPerRun: 1,
      sampleIntervalSeconds: 1,
    },
  );
}

/** A deployed function: its contract and its environment as synthesized, tokens resolved. */
export interface DeployedFunction {
  readonly name: FunctionName;
  readonly contract: FunctionContract;
  readonly stage: string;
  readonly region: string;
  /** The environment Lambda would start it with: the synthesized one plus `AWS_REGION`. */
  readonly environment: Record<string, string>;
}

/**
 * Runs `fn` on each of its scenarios and returns what each run emitted. A function without
 * scenarios is a test error, so a new function cannot slip past the contract.
 */
export async function runDeployedFunction(
  fn: DeployedFunction,
  scenarios: Readonly<Record<Outcome, Scenario>> | 'dns-view',
): Promise<EmitterRun[]> {
  const runs: EmitterRun[] = [];
  const label = (outcome: Outcome) => `${fn.stage} ${fn.region} ${fn.contract.service} (${outcome})`;
  if (scenarios === 'dns-view') {
    for (const [outcome, answered] of [
      ['success', 'primary'],
      ['failure', 'secondary'],
    ] as const) {
      const { output, error } = await capturingStdout(() => runDnsView(fn.environment, answered));
      runs.push({
        function: fn.name,
        outcome,
        source: label(outcome),
        emitted: emittedByEmf(output, label(outcome)),
        error,
      });
    }
    return runs;
  }
  const loaded = coldStart(fn.contract.entry, fn.environment);
  try {
    for (const outcome of ['success', 'failure'] as const) {
      const scenario = scenarios[outcome];
      loaded.use(scenario.world, scenario.cache, scenario.kubernetes);
      const { output, result, error } = await capturingStdout(() => scenario.invoke(loaded.handler, fn.environment));
      runs.push({
        function: fn.name,
        outcome,
        source: label(outcome),
        emitted: emittedByEmf(output, label(outcome)),
        result,
        error,
      });
    }
  } finally {
    loaded.restore();
  }
  return runs;
}
