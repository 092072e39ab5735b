// Drill: the planned switchover, the failback, and the failback after a region loss with the cache rebuild.
import { PLANNED_SCENARIOS } from '../../scripts/drill/scenarios/planned';
import { testScenarios } from './harness';

testScenarios(PLANNED_SCENARIOS);
