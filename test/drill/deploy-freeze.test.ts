// Drill: the deploy freeze refuses the workflow's step and the deploy script while on, and lets them deploy once lifted.
import { DEPLOY_FREEZE_SCENARIOS } from '../../scripts/drill/scenarios/deploy-freeze';
import { testScenarios } from './harness';

testScenarios(DEPLOY_FREEZE_SCENARIOS);
