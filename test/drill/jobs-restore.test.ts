// Drill: the scheduled jobs and the restores after a failover.
import { JOB_SCENARIOS } from '../../scripts/drill/scenarios/jobs';
import { RESTORE_SCENARIOS } from '../../scripts/drill/scenarios/restore';
import { testScenarios } from './harness';

testScenarios([...JOB_SCENARIOS, ...RESTORE_SCENARIOS]);
