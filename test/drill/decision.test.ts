// Drill: the decision's refusals (partition, concurrent), executed on the drill server.
import { DECISION_SCENARIOS } from '../../scripts/drill/scenarios/decision';
import { testScenarios } from './harness';

testScenarios(DECISION_SCENARIOS);
