// Lambda entry of the Aurora restore validation: one "Restore Job State Change" event in, a verdict and metrics out.
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { recordRestoreTest } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import {
  parseRestoreEvent,
  run,
  type RestoreValidation,
  type RestoreValidationDeps,
  type RestoreValidationSettings,
} from './validate-restore';
import { FUNCTIONS, RESTORE_TEST_COMPONENTS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.restoreValidation);
const observability = createObservability(FUNCTIONS.restoreValidation);
const { logger, metrics } = observability;
const deps: RestoreValidationDeps = { backup: new BackupClient({}), rds: new RDSClient({}), ssm: new SSMClient({}) };
const settings: RestoreValidationSettings = {
  engineVersion: env.ENGINE_VERSION,
  keyParameter: env.DATABASE_KEY_PARAMETER,
  maxRestoreSeconds: requirePositiveInteger('MAX_RESTORE_SECONDS', env),
};

export async function handler(event: unknown): Promise<RestoreValidation> {
  const restoreEvent = parseRestoreEvent(event);
  try {
    const result = await run(deps, settings, restoreEvent);
    if (result.outcome !== 'skipped') {
      // The plan's recovery_test_results: 1 for a restore that worked, 0 for one that did not.
      recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.aurora, {
        passed: result.outcome === 'passed',
        restoreSeconds: result.restoreSeconds,
      });
    }
    (result.outcome === 'failed' ? logger.error : logger.info).call(logger, 'restore validation', { ...result });
    return result;
  } catch (error) {
    // A restore that could not be validated did not pass: 0, and the error has EventBridge retry it.
    logger.error('restore validation could not run', error as Error);
    recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.aurora, { passed: false });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
