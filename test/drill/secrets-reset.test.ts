// Drill: dr secrets reset rotates every secret the stage owns, the cache token through our rotation function on both groups, and touches nothing else.
import { SECRETS_RESET_SCENARIOS } from '../../scripts/drill/scenarios/secrets-reset';
import { testScenarios } from './harness';

testScenarios(SECRETS_RESET_SCENARIOS);
