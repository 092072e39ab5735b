// Drill: the Aurora restore test reads the sentinel and row counts back from a restored copy; it passes on a good copy, and a missing or corrupted sentinel fails it and fires the alarm on recovery_test_results. Staging: the stage that runs restore tests.
import { AURORA_RESTORE_TEST_SCENARIOS } from '../../scripts/drill/scenarios/aurora-restore-test';
import { testScenarios, useDrillServer } from './harness';

// Staging: the plan restore-tests there only, so prod's assembly holds no restore testing plan, validation function or alarm to drill.
testScenarios(AURORA_RESTORE_TEST_SCENARIOS, useDrillServer('staging'));
