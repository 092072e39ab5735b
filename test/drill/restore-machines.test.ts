// Drill: dr restore db and dr restore cache, driving the restore state machines of the secondary after a region loss.
import { RESTORE_MACHINE_SCENARIOS } from '../../scripts/drill/scenarios/restore-machines';
import { testScenarios } from './harness';

testScenarios(RESTORE_MACHINE_SCENARIOS);
