// Drill: dr warm-cache and dr restart, each job's function run as its state machine would.
import { RECOVERY_JOB_SCENARIOS } from '../../scripts/drill/scenarios/recovery-jobs';
import { testScenarios } from './harness';

testScenarios(RECOVERY_JOB_SCENARIOS);
