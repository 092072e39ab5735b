// Lambda entry of the Aurora restore validation: one "Restore Job State Change" event in, a verdict and metrics out.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { createObservability } from '../shared/observability';
import {
  parseRestoreEvent,
  run,
  type RestoreValidation,
  type RestoreValidationDeps,
  type RestoreValidationSettings,
} from './validate-restore';
import { DIMENSION, FUNCTIONS, METRIC, RESTORE_TEST_COMPONENTS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.restoreValidation);
const { logger, metrics } = createObservability(FUNCTIONS.restoreValidation);
const deps: RestoreValidationDeps = { backup: new BackupClient({}), rds: new RDSClient({}), ssm: new SSMClient({}) };
const settings: RestoreValidationSettings = {
  engineVersion: env.ENGINE_VERSION,
  keyParameter: env.DATABASE_KEY_PARAMETER,
  maxRestoreSeconds: requirePositiveInteger('MAX_RESTORE_SECONDS', env),
};

export async function handler(event: unknown): Promise<RestoreValidation> {
  try {
    const result = await run(deps, settings, parseRestoreEvent(event));
    if (result.outcome !== 'skipped') {
      // The plan's recovery_test_results: 1 for a restore that worked, 0 for one that did not.
      metrics.addDimension(DIMENSION.component, RESTORE_TEST_COMPONENTS.aurora);
      metrics.addMetric(METRIC.recoveryTestResults, MetricUnit.Count, result.outcome === 'passed' ? 1 : 0);
      if (result.restoreSeconds !== undefined)
        metrics.addMetric(METRIC.restoreDurationSeconds, MetricUnit.Seconds, result.restoreSeconds);
    }
    (result.outcome === 'failed' ? logger.error : logger.info).call(logger, 'restore validation', { ...result });
    return result;
  } catch (error) {
    logger.error('restore validation could not run', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
