// Drill: what Route 53 answers for the failover name around an activation (the fence holds after the primary returns), executed on the drill server.
import { DNS_SCENARIOS } from '../../scripts/drill/scenarios/dns';
import { testScenarios } from './harness';

testScenarios(DNS_SCENARIOS);
