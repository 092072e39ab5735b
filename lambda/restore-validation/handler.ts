// Lambda entry of the Aurora restore validation steps: Step Functions passes the state in; recovery_test_results when a run is done.
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { recordRestoreTest } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { NotOwnedTargetError } from '../shared/owned-target';
import { advance, type ValidationState } from './restore-steps';
import { parseState } from './state';
import type { RestoreValidationDeps, RestoreValidationSettings } from './validate-restore';
import { FUNCTIONS, RESTORE_TEST_COMPONENTS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.restoreValidation);
const observability = createObservability(FUNCTIONS.restoreValidation);
const { logger, metrics } = observability;
const deps: RestoreValidationDeps = {
  backup: new BackupClient({}),
  rds: new RDSClient({}),
  ssm: new SSMClient({}),
  data: new RDSDataClient({}),
  now: () => new Date(),
};
const settings: RestoreValidationSettings = {
  engineVersion: env.ENGINE_VERSION,
  keyParameter: env.DATABASE_KEY_PARAMETER,
  maxRestoreSeconds: requirePositiveInteger('MAX_RESTORE_SECONDS', env),
  stage: env.STAGE,
  instancePrefix: env.INSTANCE_PREFIX,
  instanceClass: env.INSTANCE_CLASS,
  tag: { key: env.RESTORE_TAG_KEY, value: env.RESTORE_TAG_VALUE },
  protectedClusters: env.PROTECTED_CLUSTERS.split(','),
  database: env.DATABASE_NAME,
};

export async function handler(event: unknown): Promise<ValidationState> {
  const state = parseState(event);
  try {
    const next = await advance(deps, settings, state);
    logger.info('aurora restore validation step', { from: state.phase, to: next.phase, state: next });
    // A failed verdict also fails the state machine's run (SteppedJob ends it Failed).
    if (next.phase === 'done' && next.verdict) {
      // What the restored copy was compared with, and how each comparison came out.
      (next.verdict.passed ? logger.info : logger.error).call(logger, 'aurora restore test result', {
        passed: next.verdict.passed,
        detail: next.verdict.detail,
        compared: next.verdict.compared ?? [],
      });
      recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.aurora, next.verdict);
    }
    return next;
  } catch (error) {
    // A step that throws is a test that did not pass, whether or not a cleanup follows.
    if (error instanceof NotOwnedTargetError) {
      logger.error('refused: the state names what this test did not create', {
        target: error.target,
        reason: error.reason,
      });
    }
    logger.error('aurora restore validation step failed', error as Error);
    recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.aurora, { passed: false });
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
