// Runs scenarios on one drill server: before each, moto and the drill forget everything and the world is seeded again from the assembly.
import type { Assembly } from './assembly';
import { stopDrillCache } from './drill-cache';
import { startDrillServer, type DrillClient } from './drill-server';
import type { RunRecord } from './runs';
import type { Check, Scenario } from './scenario';
import { World } from './world';

/** The most real time a sleep of a run may take, as a fraction of its own (the clock jumps when every flow sleeps). */
export const DEFAULT_TIME_SCALE = 0.002;

/**
 * Drill settings every scenario starts from, before its own. A Global Datastore failover needs its
 * primary's region to answer (AWS: FailoverGlobalReplicationGroup is run against the primary), so a
 * lost primary region refuses it, and an activation must detach the cache instead.
 */
export const DEFAULT_CONFIG = { cacheFailoverNeedsPrimary: true } as const;

/** What every scenario runs for real. */
export const REAL = [
  'the state machine definitions exactly as synthesized (only CloudFormation tokens resolved), executed by moto 5.2.5 Step Functions, JSONata by jsonata-python',
  "the operator's command, scripts/disaster-recovery/failover-region.sh, with the pinned aws CLI",
  "every other call (SSM, SNS, SQS, CloudWatch, DescribeReplicationGroups) answered by moto's own implementation",
];

export interface ScenarioResult {
  readonly name: string;
  readonly summary: string;
  readonly passed: boolean;
  /** Why the scenario could not run to its checks. */
  readonly error?: string;
  readonly checks: Check[];
  readonly runs: RunRecord[];
  readonly real: string[];
  readonly simulated: string[];
  /** Real seconds, seeding included. */
  readonly wallSeconds: number;
}

/** A running server the scenarios share. */
export interface DrillTarget {
  readonly client: DrillClient;
  readonly endpoint: string;
}

export interface ScenarioOptions {
  readonly stage: string;
  readonly assembly: Assembly;
  readonly timeScale?: number;
}

/** Resets the server, seeds the world and runs `scenario`; never throws: a scenario that cannot run fails. */
export async function runScenario(
  target: DrillTarget,
  scenario: Scenario,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const started = Date.now();
  const base = { name: scenario.name, summary: scenario.summary, real: REAL };
  let world: World | undefined;
  try {
    await target.client.reset({
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      ...DEFAULT_CONFIG,
      ...scenario.config,
    });
    world = new World(options.assembly, target.client);
    await world.seed();
    const outcome = await scenario.run({
      stage: options.stage,
      world,
      client: target.client,
      endpoint: target.endpoint,
    });
    return {
      ...base,
      ...outcome,
      passed: outcome.checks.length > 0 && outcome.checks.every((check) => check.passed),
      wallSeconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    return {
      ...base,
      passed: false,
      error: (error as Error).message,
      checks: [],
      runs: [],
      simulated: [],
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    // The redis-server a job of the scenario started, if any, ends with it.
    if (world) await stopDrillCache(world);
  }
}

/** Starts a drill server for the assembly's account, runs `scenarios` one after another, stops it. */
export async function runScenarios(
  scenarios: readonly Scenario[],
  options: ScenarioOptions & { port?: number; onResult?: (result: ScenarioResult) => void },
): Promise<ScenarioResult[]> {
  const account = options.assembly.stacks[0]?.account;
  if (!account) throw new Error(`${options.assembly.dir} has no stacks`);
  const server = await startDrillServer({
    account,
    timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      const result = await runScenario({ client: server.client, endpoint: server.process.endpoint }, scenario, options);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    await server.stop();
  }
  return results;
}
