// Drill: the daily integrity check against a Redis export that is missing or corrupted fails naming it, and the alarm on its metric fires from the datapoints it emitted, executed on the drill server.
import { BACKUP_CHECK_SCENARIOS } from '../../scripts/drill/scenarios/backup-checks';
import { testScenarios } from './harness';

testScenarios(BACKUP_CHECK_SCENARIOS);
