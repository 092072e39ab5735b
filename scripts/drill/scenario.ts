// What a drill scenario is: a named story run against a freshly seeded world, which checks the end state and returns its runs' timelines.
import type { DrillClient, DrillConfig } from './drill-server';
import type { RunRecord } from './runs';
import type { World } from './world';

/** One assertion about the end state. */
export interface Check {
  readonly name: string;
  readonly passed: boolean;
  /** What was found, whether or not it passed. */
  readonly detail: string;
}

/** What a scenario hands its story. */
export interface ScenarioContext {
  readonly stage: string;
  readonly world: World;
  readonly client: DrillClient;
  /** The drill server's endpoint, for the operator's command line. */
  readonly endpoint: string;
}

/** What a scenario returns: its checks, its runs, and what in it was simulated rather than real. */
export interface ScenarioOutcome {
  readonly checks: Check[];
  readonly runs: RunRecord[];
  readonly simulated: string[];
}

export interface Scenario {
  readonly name: string;
  /** One sentence: what happens and what must hold. */
  readonly summary: string;
  /** Drill settings the world starts with (promotion times, for example). */
  readonly config?: DrillConfig;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

/** A check that `actual` equals `expected`. */
export function expectEqual(name: string, actual: unknown, expected: unknown): Check {
  const passed = JSON.stringify(actual) === JSON.stringify(expected);
  return {
    name,
    passed,
    detail: passed
      ? `${JSON.stringify(actual)}`
      : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  };
}

/** A check of a condition, with what was found. */
export function expectThat(name: string, passed: boolean, detail: string): Check {
  return { name, passed, detail };
}
