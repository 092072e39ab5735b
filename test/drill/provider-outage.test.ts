// Drill: a provider outage, executed on the drill server: the probe's alarm fires, the profile is switched, the notice is posted.
import { PROVIDER_SCENARIOS } from '../../scripts/drill/scenarios/provider-outage';
import { testScenarios } from './harness';

testScenarios(PROVIDER_SCENARIOS);
