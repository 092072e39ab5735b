// Drill: the unplanned activation (region-loss and its failure paths), executed on the drill server.
import { FAILOVER_SCENARIOS } from '../../scripts/drill/scenarios/failover';
import { testScenarios } from './harness';

testScenarios(FAILOVER_SCENARIOS);
