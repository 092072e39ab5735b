// Drill: the Aurora restore test reads the sentinel and row counts back from a restored copy; it passes on a good copy, and a missing or corrupted sentinel fails it and fires the alarm on recovery_test_results. Staging: the stage that runs restore tests.
import { readAssembly, type Assembly } from '../../scripts/drill/assembly';
import { startDrillServer, type DrillServer } from '../../scripts/drill/drill-server';
import { AURORA_RESTORE_TEST_SCENARIOS } from '../../scripts/drill/scenarios/aurora-restore-test';
import { DEFAULT_TIME_SCALE, runScenario } from '../../scripts/drill/session';
import { testAssemblyDir } from '../helpers/global-setup';

const STAGE = 'staging';
const TIMEOUT_MS = 90_000;
let assembly: Assembly;
let server: DrillServer;

beforeAll(async () => {
  assembly = readAssembly(testAssemblyDir(STAGE));
  server = await startDrillServer({ account: assembly.stacks[0].account, timeScale: DEFAULT_TIME_SCALE });
}, TIMEOUT_MS);
afterAll(async () => server?.stop());

/**
 * As the harness's testScenarios, in staging: the plan restore-tests there only, so prod's
 * assembly (the harness's) holds no restore testing plan, validation function or alarm to drill.
 */
function testScenarios(scenarios: typeof AURORA_RESTORE_TEST_SCENARIOS): void {
  test.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const target = { client: server.client, endpoint: server.process.endpoint };
      const result = await runScenario(target, scenario, { stage: STAGE, assembly });
      expect({ error: result.error, failed: result.checks.filter((check) => !check.passed) }).toEqual({
        error: undefined,
        failed: [],
      });
      expect(result.passed).toBe(true);
      expect(result.wallSeconds).toBeLessThanOrEqual(60);
      expect(result.runs.every((run) => run.timeline.length > 0)).toBe(true);
    },
    TIMEOUT_MS,
  );
}

testScenarios(AURORA_RESTORE_TEST_SCENARIOS);
