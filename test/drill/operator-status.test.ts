// Drill: dr status before and after a region loss, executed on the drill server.
import { OPERATOR_STATUS_SCENARIOS } from '../../scripts/drill/scenarios/operator-status';
import { testScenarios } from './harness';

testScenarios(OPERATOR_STATUS_SCENARIOS);
