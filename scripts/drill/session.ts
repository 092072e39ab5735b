// Runs scenarios on one drill server: before each, moto and the drill forget everything and the world is seeded from the assembly, or put back as a seed of it left it.
import { createHash } from 'node:crypto';
import type { Assembly } from './assembly';
import { stopDrillCache } from './drill-cache';
import { AwsCallError, startDrillServer, type DrillClient, type DrillConfig } from './drill-server';
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

/** A seed the server keeps a snapshot of: what it was seeded from, and the world it made. */
interface KeptSeed {
  readonly key: string;
  readonly id: number;
  readonly world: World;
}

/** The seed each drill server (by its client) keeps; one a server. */
const keptSeeds = new WeakMap<DrillClient, KeptSeed>();
const fingerprints = new WeakMap<Assembly, string>();

/**
 * What a seed depends on: the assembly (its directory and templates) and the one setting the seed
 * reads, the lifecycle time of the Global Datastore and groups it creates (elasticache_global.py). The
 * server refuses a snapshot while anything of the seed is pending, so a setting that delayed the
 * seed's own changes could not be kept either.
 */
function seedKey(assembly: Assembly, config: DrillConfig): string {
  let fingerprint = fingerprints.get(assembly);
  if (fingerprint === undefined) {
    const hash = createHash('sha256');
    for (const stack of assembly.stacks) {
      hash.update(JSON.stringify([stack.stackName, stack.region, stack.account, stack.template]));
    }
    fingerprint = `${assembly.dir}#${hash.digest('hex')}`;
    fingerprints.set(assembly, fingerprint);
  }
  return JSON.stringify([fingerprint, config.promotionSeconds?.['elasticache-lifecycle'] ?? null]);
}

/**
 * The world a scenario starts from, seeded as after a reset. The first seed of a server (or of another
 * assembly or lifecycle setting) is made by the assembly and kept by the server (`snapshot`); every
 * later one is that snapshot put back (`restore`: 3 s of moto's CPU saved each time), with a World
 * that holds the same names and ARNs.
 */
async function seededWorld(client: DrillClient, assembly: Assembly, config: DrillConfig): Promise<World> {
  const key = seedKey(assembly, config);
  const kept = keptSeeds.get(client);
  if (kept?.key === key) {
    try {
      await client.restore(kept.id, config);
      return kept.world.copy(assembly);
    } catch (error) {
      // The server no longer holds it (another seed replaced it): seed again below.
      if (!(error instanceof AwsCallError && error.code === 'SnapshotRefused')) throw error;
    }
  }
  keptSeeds.delete(client);
  await client.reset(config);
  const world = new World(assembly, client);
  await world.seed();
  try {
    const { id } = await client.snapshot();
    keptSeeds.set(client, { key, id, world: world.copy() });
  } catch (error) {
    // Something of the seed is still to happen: it cannot be kept, and the next scenario seeds again.
    if (!(error instanceof AwsCallError && error.code === 'SnapshotRefused')) throw error;
  }
  return world;
}

/** Resets the server, seeds the world (or restores its kept seed) and runs `scenario`; never throws: a scenario that cannot run fails. */
export async function runScenario(
  target: DrillTarget,
  scenario: Scenario,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const started = Date.now();
  const base = { name: scenario.name, summary: scenario.summary, real: REAL };
  let world: World | undefined;
  try {
    world = await seededWorld(target.client, options.assembly, {
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      ...DEFAULT_CONFIG,
      ...scenario.config,
    });
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
