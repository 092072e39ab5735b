// Drill: the decision's refusals (partition, concurrent) and the planned switchover and failback.
import { DECISION_SCENARIOS } from '../../scripts/drill/scenarios/decision';
import { PLANNED_SCENARIOS } from '../../scripts/drill/scenarios/planned';
import { testScenarios } from './harness';

testScenarios([...DECISION_SCENARIOS, ...PLANNED_SCENARIOS]);
