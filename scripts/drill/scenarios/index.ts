// Every drill scenario, by name; later slices add theirs here.
import type { Scenario } from '../scenario';
import { AURORA_RESTORE_TEST_SCENARIOS } from './aurora-restore-test';
import { BACKUP_CHECK_SCENARIOS } from './backup-checks';
import { DECISION_SCENARIOS } from './decision';
import { DEPLOY_FREEZE_SCENARIOS } from './deploy-freeze';
import { DNS_SCENARIOS } from './dns';
import { FAILOVER_SCENARIOS } from './failover';
import { JOB_SCENARIOS } from './jobs';
import { OPERATOR_STATUS_SCENARIOS } from './operator-status';
import { PAGING_SCENARIOS } from './paging';
import { PLANNED_SCENARIOS } from './planned';
import { PROVIDER_SCENARIOS } from './provider-outage';
import { RECOVERY_JOB_SCENARIOS } from './recovery-jobs';
import { RESTORE_SCENARIOS } from './restore';
import { RESTORE_MACHINE_SCENARIOS } from './restore-machines';
import { SECRETS_RESET_SCENARIOS } from './secrets-reset';
import { STATUS_PAGE_SCENARIOS } from './status-page';
import { GAME_DAY_SCENARIOS } from './game-days';

export const SCENARIOS: readonly Scenario[] = [
  ...FAILOVER_SCENARIOS,
  ...DECISION_SCENARIOS,
  ...PLANNED_SCENARIOS,
  ...JOB_SCENARIOS,
  ...RESTORE_SCENARIOS,
  ...RECOVERY_JOB_SCENARIOS,
  ...RESTORE_MACHINE_SCENARIOS,
  ...DNS_SCENARIOS,
  ...BACKUP_CHECK_SCENARIOS,
  ...AURORA_RESTORE_TEST_SCENARIOS,
  ...PAGING_SCENARIOS,
  ...OPERATOR_STATUS_SCENARIOS,
  ...STATUS_PAGE_SCENARIOS,
  ...PROVIDER_SCENARIOS,
  ...DEPLOY_FREEZE_SCENARIOS,
  ...SECRETS_RESET_SCENARIOS,
  ...GAME_DAY_SCENARIOS,
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((scenario) => scenario.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
