// Drill: the status page publisher in a region loss, executed on the drill server.
import { STATUS_PAGE_SCENARIOS } from '../../scripts/drill/scenarios/status-page';
import { testScenarios } from './harness';

testScenarios(STATUS_PAGE_SCENARIOS);
