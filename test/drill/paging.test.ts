// Drill: a critical alarm's escalation pages the three levels at 0, 15 and 30 virtual minutes, and stops at the operator's acknowledgement, executed on the drill server.
import { PAGING_SCENARIOS } from '../../scripts/drill/scenarios/paging';
import { testScenarios } from './harness';

testScenarios(PAGING_SCENARIOS);
