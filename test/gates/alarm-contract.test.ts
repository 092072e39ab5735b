// The alarm contract: every alarm on the project's metrics, in both stages, watches a metric some handler or state machine really emits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { STAGES } from '../../lib/config';
import { DIMENSION, FUNCTIONS, METRIC, METRICS_NAMESPACE, type FunctionName } from '../../lib/contract';
import { isProviderCanaryName } from '../../lib/contract/providers';
import { runCanaryScript, type CanaryRun, type CanaryWorld } from '../helpers/canary-runs';
import { runDeployedFunction, type DeployedFunction, type EmitterRun } from '../helpers/emitter-runs';
import { SCENARIOS } from '../helpers/emitter-scenarios';
import {
  emittedByStateMachines,
  planCoverage,
  planKeyMetrics,
  resolveInStack,
  unmatchedAlarms,
  unwatchedEmitters,
  watchedMetrics,
  type EmittedMetric,
  type PendingMetric,
  type StackContext,
  type WatchedMetric,
} from '../helpers/metric-contract';
import { synthStage } from '../helpers/synth';

/** Plan metrics nothing alarms on yet, each with the issue that builds it: an explicit exception, never a skip. */
const PENDING: readonly PendingMetric[] = [];

const plan = readFileSync(join(__dirname, '..', '..', 'docs', 'dr-plan.md'), 'utf8');
const services = new Map(
  (Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]).map(([name, contract]) => [
    contract.service,
    name,
  ]),
);

interface StageView {
  readonly watched: WatchedMetric[];
  readonly machines: EmittedMetric[];
  readonly functions: DeployedFunction[];
  /** The probe canaries' deployed sources. */
  readonly canaries: { readonly source: string; readonly script: string }[];
  /** The provider probes' deployed sources: Synthetics' own metrics only. */
  readonly providerCanaries: { readonly source: string; readonly script: string }[];
}

/** The worlds every canary runs in: everything up, the public name down, its own endpoint down. */
const CANARY_WORLDS: Readonly<Record<string, CanaryWorld>> = {
  'both up': { endpointUp: true, publicUp: true },
  'public name down': { endpointUp: true, publicUp: false },
  'endpoint down': { endpointUp: false, publicUp: true },
};

type Template = {
  Resources?: Record<
    string,
    {
      Type: string;
      Properties?: {
        Environment?: { Variables?: Record<string, unknown> };
        Code?: { Script?: unknown };
        Name?: unknown;
      };
    }
  >;
};

/** The stage's alarms, its state machines' datapoints and its DR functions, read from the global setup's assembly. */
function readStage(stage: (typeof STAGES)[number]): StageView {
  const view: StageView = { watched: [], machines: [], functions: [], canaries: [], providerCanaries: [] };
  for (const artifact of synthStage(stage).assembly.stacks) {
    if (!(artifact instanceof CloudFormationStackArtifact)) continue;
    const stack: StackContext = {
      stackName: artifact.stackName,
      region: artifact.environment.region,
      account: artifact.environment.account,
    };
    const template = artifact.template as Template;
    view.watched.push(...watchedMetrics(template, stack, METRICS_NAMESPACE));
    view.machines.push(...emittedByStateMachines(template, stack));
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const script = resource.Properties?.Code?.Script;
      if (resource.Type === 'AWS::Synthetics::Canary' && typeof script === 'string') {
        const canary = { source: `${stage} ${stack.region} ${stack.stackName}/${id}`, script };
        (isProviderCanaryName(resource.Properties?.Name) ? view.providerCanaries : view.canaries).push(canary);
      }
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const variables = resolveInStack(resource.Properties?.Environment?.Variables ?? {}, stack) as Record<
        string,
        string
      >;
      const name = services.get(variables.POWERTOOLS_SERVICE_NAME ?? '');
      if (name === undefined || variables.STAGE === undefined) continue;
      view.functions.push({
        name,
        contract: FUNCTIONS[name],
        stage,
        region: stack.region,
        environment: { ...variables, AWS_REGION: stack.region },
      });
    }
  }
  return view;
}

const stages = new Map<string, StageView & { runs: EmitterRun[]; probes: CanaryRun[] }>();

beforeAll(async () => {
  for (const stage of STAGES) {
    const view = readStage(stage);
    const runs: EmitterRun[] = [];
    for (const fn of view.functions) {
      const scenarios = fn.name === 'dnsView' ? 'dns-view' : SCENARIOS[fn.name](fn.environment);
      runs.push(...(await runDeployedFunction(fn, scenarios)));
    }
    const probes: CanaryRun[] = [];
    for (const canary of view.canaries) {
      for (const [name, world] of Object.entries(CANARY_WORLDS)) {
        probes.push(await runCanaryScript(canary.script, world, `${canary.source} (${name})`));
      }
    }
    stages.set(stage, { ...view, runs, probes });
  }
}, 120_000);

const ofStage = (stage: string) => stages.get(stage)!;
const emittedIn = (stage: string) => [
  ...ofStage(stage).runs.flatMap((run) => run.emitted),
  ...ofStage(stage).machines,
  ...ofStage(stage).probes.flatMap((run) => run.emitted),
];

describe.each(STAGES)('%s', (stage) => {
  test('the contract reads alarms, functions and state machines of the stage', () => {
    const { watched, functions, machines } = ofStage(stage);
    expect(watched.length).toBeGreaterThan(0);
    expect(machines.map((datapoint) => datapoint.metricName)).toContain(METRIC.failoverFence);
    expect(functions.length).toBeGreaterThan(0);
  });

  test('each probe canary reports service_availability_percentage of the public name and its endpoint, 100 or 0, and fails its run only for its endpoint', () => {
    const { probes, canaries } = ofStage(stage);
    expect(canaries.length).toBeGreaterThan(0);
    const outcome = (run: CanaryRun) => ({
      failed: run.error !== undefined,
      values: Object.fromEntries(
        run.emitted
          .filter((datapoint) => datapoint.metricName === METRIC.serviceAvailabilityPercentage)
          .map((datapoint) => [
            datapoint.dimensions[DIMENSION.endpoint] === 'public' ? 'public' : 'endpoint',
            datapoint.value,
          ]),
      ),
    });
    const expected: Record<string, ReturnType<typeof outcome>> = {
      'both up': { failed: false, values: { public: 100, endpoint: 100 } },
      'public name down': { failed: false, values: { public: 0, endpoint: 100 } },
      'endpoint down': { failed: true, values: { public: 100, endpoint: 0 } },
    };
    for (const run of probes) {
      const world = /\(([^)]+)\)$/.exec(run.source)![1]!;
      expect({ source: run.source, ...outcome(run) }).toEqual({ source: run.source, ...expected[world] });
    }
  });

  test('each provider probe fails its run when its health URL is down, passes when up, and publishes no project metric', async () => {
    const { providerCanaries } = ofStage(stage);
    expect(providerCanaries.length).toBeGreaterThan(0);
    for (const canary of providerCanaries) {
      const up = await runCanaryScript(canary.script, { endpointUp: true, publicUp: true }, `${canary.source} (up)`);
      const down = await runCanaryScript(
        canary.script,
        { endpointUp: false, publicUp: true },
        `${canary.source} (down)`,
      );
      expect({
        source: canary.source,
        up: up.error,
        down: down.error !== undefined,
        emitted: [...up.emitted, ...down.emitted],
      }).toEqual({
        source: canary.source,
        up: undefined,
        down: true,
        emitted: [],
      });
    }
  });

  test('every run ends as its scenario says: a success never throws', () => {
    const thrown = ofStage(stage)
      .runs.filter((run) => run.outcome === 'success' && run.error !== undefined)
      .map((run) => `${run.source}: ${String(run.error)}`);
    expect(thrown).toEqual([]);
  });

  test('every alarm on the project namespace watches a metric with the namespace, name and full dimension set some emitter publishes', () => {
    expect(unmatchedAlarms(ofStage(stage).watched, emittedIn(stage))).toEqual([]);
  });

  test('every plan metric a function or state machine emits is watched under each dimension set it is emitted with', () => {
    expect(unwatchedEmitters(emittedIn(stage), ofStage(stage).watched, planKeyMetrics(plan))).toEqual([]);
  });
});

/** Each job's own result metric and the value a success reports; a failure reports 0. */
const JOB_RESULTS: Readonly<Partial<Record<FunctionName, readonly [string, number]>>> = {
  iacBackup: [METRIC.backupSuccessRate, 100],
  integrityCheck: [METRIC.backupSuccessRate, 100],
  redisBackup: [METRIC.backupSuccessRate, 100],
  weeklyAuroraBackup: [METRIC.backupSuccessRate, 100],
  crossRegionVerification: [METRIC.recoveryTestResults, 1],
  restoreValidation: [METRIC.recoveryTestResults, 1],
  redisRestoreTest: [METRIC.recoveryTestResults, 1],
};

/** Stepped jobs, whose failed run must also end its state machine Failed: a step throws, or the last state has a failed verdict. */
const STEPPED: readonly FunctionName[] = ['redisBackup', 'weeklyAuroraBackup', 'redisRestoreTest'];

describe.each(Object.entries(JOB_RESULTS))('%s', (name, [metricName, passing]) => {
  const runsOf = (outcome: 'success' | 'failure') =>
    [...stages.values()].flatMap((view) => view.runs).filter((run) => run.function === name && run.outcome === outcome);
  const values = (run: EmitterRun) =>
    run.emitted.filter((datapoint) => datapoint.metricName === metricName).map((datapoint) => datapoint.value);

  test(`reports a success as ${metricName} ${passing}`, () => {
    expect(runsOf('success').length).toBeGreaterThan(0);
    for (const run of runsOf('success'))
      expect({ source: run.source, values: values(run) }).toEqual({ source: run.source, values: [passing] });
  });

  test(`reports a failure as ${metricName} 0`, () => {
    expect(runsOf('failure').length).toBeGreaterThan(0);
    for (const run of runsOf('failure'))
      expect({ source: run.source, values: values(run) }).toEqual({ source: run.source, values: [0] });
  });

  if (STEPPED.includes(name as FunctionName)) {
    test('a failed run fails its state machine run: a step throws or the last state carries a failed verdict', () => {
      for (const run of runsOf('failure')) {
        const verdict = (run.result as { verdict?: { passed?: boolean } } | undefined)?.verdict;
        expect({ source: run.source, failed: run.error !== undefined || verdict?.passed === false }).toEqual({
          source: run.source,
          failed: true,
        });
      }
    });
  }
});

test('every DR function is deployed by some stage and run by the contract', () => {
  const run = new Set([...stages.values()].flatMap((view) => view.runs.map((r) => r.function)));
  expect([...run].sort()).toEqual(Object.keys(FUNCTIONS).sort());
});

test('every metric the plan names has an alarm in some stage, or is pending with the issue that builds it', () => {
  const watched = [...stages.values()].flatMap((view) => view.watched);
  const names = planKeyMetrics(plan);
  expect(names).toEqual(
    expect.arrayContaining([METRIC.backupSuccessRate, METRIC.recoveryTestResults, METRIC.failoverTimeSeconds]),
  );
  expect(planCoverage(names, watched, PENDING)).toEqual({ unwatched: [], stalePending: [] });
  for (const pending of PENDING) expect(names).toContain(pending.metricName);
});

describe('the contract fails when one side changes', () => {
  const [stage] = STAGES;
  const integrityAlarm = (watched: readonly WatchedMetric[]) =>
    watched.find(
      (metric) =>
        metric.metricName === METRIC.backupSuccessRate &&
        metric.dimensions[DIMENSION.service] === FUNCTIONS.integrityCheck.service,
    )!;

  test('fails when an alarm filters on another service name than the handler emits', () => {
    const { watched } = ofStage(stage);
    const alarm = integrityAlarm(watched);
    // The old bug: the alarm said IntegrityCheck, Powertools emitted integrity-check.
    const renamed = { ...alarm, dimensions: { ...alarm.dimensions, [DIMENSION.service]: 'IntegrityCheck' } };
    const mismatches = unmatchedAlarms([...watched.filter((metric) => metric !== alarm), renamed], emittedIn(stage));
    expect(mismatches).toEqual([
      expect.objectContaining({
        alarm: alarm.alarm,
        nearest: expect.arrayContaining([
          expect.stringContaining(`service: alarm IntegrityCheck, emitted ${FUNCTIONS.integrityCheck.service}`),
        ]),
      }),
    ]);
  });

  test('fails when the handler emits another service name than the alarms filter on', () => {
    const renamed = emittedIn(stage).map((datapoint) =>
      datapoint.dimensions[DIMENSION.service] === FUNCTIONS.integrityCheck.service
        ? { ...datapoint, dimensions: { ...datapoint.dimensions, [DIMENSION.service]: 'IntegrityCheck' } }
        : datapoint,
    );
    const integrityAlarms = ofStage(stage).watched.filter(
      (metric) => metric.dimensions[DIMENSION.service] === FUNCTIONS.integrityCheck.service,
    );
    expect(integrityAlarms.length).toBeGreaterThan(0);
    expect(
      unmatchedAlarms(ofStage(stage).watched, renamed)
        .map((mismatch) => mismatch.alarm)
        .sort(),
    ).toEqual(integrityAlarms.map((metric) => metric.alarm).sort());
  });

  test('fails when an alarm adds a dimension the emitter does not publish', () => {
    const { watched } = ofStage(stage);
    const alarm = integrityAlarm(watched);
    const narrowed = { ...alarm, dimensions: { ...alarm.dimensions, [DIMENSION.component]: 'aurora' } };
    expect(unmatchedAlarms([narrowed], emittedIn(stage))).toEqual([
      expect.objectContaining({
        alarm: alarm.alarm,
        nearest: expect.arrayContaining([expect.stringContaining('component: alarm aurora, emitted (none)')]),
      }),
    ]);
  });

  test('fails when a state machine publishes the fence under another stage', () => {
    const fence = ofStage(stage).watched.filter((metric) => metric.metricName === METRIC.failoverFence);
    expect(fence.length).toBeGreaterThan(0);
    const machines = emittedIn(stage).map((datapoint) =>
      datapoint.metricName === METRIC.failoverFence
        ? { ...datapoint, dimensions: { ...datapoint.dimensions, [DIMENSION.stage]: 'other' } }
        : datapoint,
    );
    expect(unmatchedAlarms(fence, machines).map((mismatch) => mismatch.alarm)).toEqual(
      fence.map((metric) => metric.alarm),
    );
  });
});
