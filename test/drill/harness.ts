// The drill in npm test: a jest file per scenario group, each with its own drill server, so jest's workers run groups side by side.
import { rmSync } from 'node:fs';
import { readAssembly, type Assembly } from '../../scripts/drill/assembly';
import { startDrillServer, type DrillServer } from '../../scripts/drill/drill-server';
import type { Scenario } from '../../scripts/drill/scenario';
import { DEFAULT_TIME_SCALE, runScenario, type DrillTarget, type ScenarioResult } from '../../scripts/drill/session';
import type { Stage } from '../../lib/config';
import { testAssemblyDir } from '../helpers/global-setup';

export const STAGE: Stage = 'prod';
/**
 * The issue asks at most 30 s per scenario on the 2-core machine, seeding included, which
 * `npm run drill` shows (5 to 10 s on an idle machine). Here jest runs other files side by side, so
 * the bound is twice that: it still catches a scenario that stopped using the virtual clock.
 */
const SCENARIO_WALL_SECONDS = 60;
const TIMEOUT_MS = 90_000;

/** The drill server of one test file, started before its tests and stopped after them. */
export interface DrillFixture {
  readonly stage: Stage;
  readonly assembly: () => Assembly;
  readonly target: () => DrillTarget;
  /** Directories the file made, removed after its tests. */
  readonly scratch: string[];
}

/** The drill server of one test file, on the assembly of `stage` (prod unless the file's scenarios need staging's). */
export function useDrillServer(stage: Stage = STAGE): DrillFixture {
  let assembly: Assembly | undefined;
  let server: DrillServer | undefined;
  const scratch: string[] = [];
  beforeAll(async () => {
    assembly = readAssembly(testAssemblyDir(stage));
    server = await startDrillServer({ account: assembly.stacks[0].account, timeScale: DEFAULT_TIME_SCALE });
  }, TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });
  return {
    stage,
    assembly: () => assembly!,
    target: () => ({ client: server!.client, endpoint: server!.process.endpoint }),
    scratch,
  };
}

/** The failed checks and the error, so a failing scenario says why in the test output. */
function failures(result: ScenarioResult) {
  return { error: result.error, failed: result.checks.filter((check) => !check.passed) };
}

/** One jest test per scenario, each of which must pass, with a timeline, within the wall bound, on `drill`'s stage. */
export function testScenarios(scenarios: readonly Scenario[], drill: DrillFixture = useDrillServer()): void {
  test.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const result = await runScenario(drill.target(), scenario, { stage: drill.stage, assembly: drill.assembly() });
      expect(failures(result)).toEqual({ error: undefined, failed: [] });
      expect(result.passed).toBe(true);
      expect(result.runs.length).toBeGreaterThan(0);
      expect(result.runs.every((run) => run.timeline.length > 0)).toBe(true);
      expect(result.wallSeconds).toBeLessThanOrEqual(SCENARIO_WALL_SECONDS);
    },
    TIMEOUT_MS,
  );
}
