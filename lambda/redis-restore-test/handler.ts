// Lambda entry of the Redis restore test steps; emits recovery_test_results when a run is done.
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { redisConnector } from '../shared/cache-session';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { recordRestoreTest } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { NotOwnedTargetError } from '../shared/owned-target';
import { MalformedEventError } from '../shared/scheduled-event';
import { advance, type RestoreTestDeps, type RestoreTestSettings, type RestoreTestState } from './restore-test';
import { FUNCTIONS, RESTORE_TEST_COMPONENTS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.redisRestoreTest);
const observability = createObservability(FUNCTIONS.redisRestoreTest);
const { logger, metrics } = observability;
const deps: RestoreTestDeps = {
  elasticache: new ElastiCacheClient({}),
  s3: new S3Client({}),
  secrets: new SecretsManagerClient({}),
  cache: redisConnector(),
  now: () => new Date(),
};
const settings: RestoreTestSettings = {
  bucket: env.BACKUP_BUCKET,
  prefix: env.EXPORT_PREFIX,
  groupPrefix: env.GROUP_PREFIX,
  engine: env.ENGINE,
  engineVersion: env.ENGINE_VERSION,
  cacheNodeType: env.CACHE_NODE_TYPE,
  subnetGroupName: env.SUBNET_GROUP_NAME,
  securityGroupIds: env.SECURITY_GROUP_IDS.split(','),
  tag: { key: env.RESTORE_TAG_KEY, value: env.RESTORE_TAG_VALUE },
  maxRestoreSeconds: requirePositiveInteger('MAX_RESTORE_SECONDS', env),
  stage: env.STAGE,
  authTokenSecretName: env.CACHE_AUTH_SECRET_NAME,
};

/** Validates the state Step Functions hands in; anything else is refused before AWS is called. */
export function parseState(event: unknown): RestoreTestState {
  const state = event as Partial<Record<string, unknown>> | null;
  if (typeof state !== 'object' || state === null)
    throw new MalformedEventError(`expected a restore test state, got ${JSON.stringify(event)}`);
  if (state.phase === 'start') return { phase: 'start' };
  // A cleanup carries the verdict it reports; without one it would delete, then fail to record.
  const verdict = state.verdict as { passed?: unknown } | undefined;
  const verdictOk = state.phase !== 'cleaning' || (typeof verdict === 'object' && typeof verdict?.passed === 'boolean');
  // A restore in progress carries what the backup recorded; without it the data cannot be compared.
  const expected = state.expected as Partial<Record<string, unknown>> | undefined;
  const expectedOk =
    state.phase !== 'restoring' ||
    (typeof expected?.key === 'string' &&
      typeof expected.writtenAt === 'string' &&
      typeof expected.checksum === 'string' &&
      typeof expected.object === 'string' &&
      typeof expected.persistentKeys === 'number');
  if (
    (state.phase === 'restoring' || state.phase === 'cleaning') &&
    typeof state.groupId === 'string' &&
    typeof state.startedAt === 'string' &&
    verdictOk &&
    expectedOk
  ) {
    return state as unknown as RestoreTestState;
  }
  throw new MalformedEventError(`not a restore test state: ${JSON.stringify(event)}`);
}

export async function handler(event: unknown): Promise<RestoreTestState> {
  const state = parseState(event);
  try {
    const next = await advance(deps, settings, state);
    logger.info('redis restore test step', { from: state.phase, to: next.phase, state: next });
    // A failed verdict also fails the state machine's run (SteppedJob ends it Failed).
    if (next.phase === 'done') {
      // What the restored copy was compared with, and how each comparison came out.
      (next.verdict.passed ? logger.info : logger.error).call(logger, 'redis restore test result', {
        passed: next.verdict.passed,
        detail: next.verdict.detail,
        compared: next.verdict.compared ?? [],
      });
      recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.redis, next.verdict);
    }
    return next;
  } catch (error) {
    // A step that throws is a test that did not pass, whether or not a cleanup follows.
    if (error instanceof NotOwnedTargetError) {
      logger.error('refused: the state names a group this test did not create', {
        target: error.target,
        reason: error.reason,
      });
    }
    logger.error('redis restore test step failed', error as Error);
    recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.redis, { passed: false });
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
