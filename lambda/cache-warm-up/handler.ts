// Lambda entry of the cache warm-up steps: Step Functions passes the last state in until it is done.
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { createObservability } from '../shared/observability';
import { redisBatchConnector } from './batch-session';
import {
  advance,
  parseWarmUpState,
  WarmUpFailedError,
  type LoadingState,
  type WarmUpDeps,
  type WarmUpSettings,
} from './warm-up';

const env = readEnvironment(FUNCTIONS.cacheWarmUp);
const { logger, metrics } = createObservability(FUNCTIONS.cacheWarmUp);
const deps: WarmUpDeps = {
  s3: new S3Client({}),
  elasticache: new ElastiCacheClient({}),
  secrets: new SecretsManagerClient({}),
  cache: redisBatchConnector(),
};
const settings: WarmUpSettings = {
  bucket: env.MANIFEST_BUCKET,
  replicationGroupId: env.REPLICATION_GROUP_ID,
  authTokenSecretName: env.CACHE_AUTH_SECRET_NAME,
  batchSize: requirePositiveInteger('BATCH_SIZE'),
  keysPerStep: requirePositiveInteger('KEYS_PER_STEP'),
};

export async function handler(event: unknown): Promise<LoadingState> {
  const state = parseWarmUpState(event);
  try {
    const next = await advance(deps, settings, state);
    if (next.stepLoaded > 0) metrics.addMetric(METRIC.cacheWarmUpKeysLoaded, MetricUnit.Count, next.stepLoaded);
    if (next.phase === 'done') metrics.addMetric(METRIC.cacheWarmUpSucceeded, MetricUnit.Count, 1);
    logger.info('cache warm-up step', {
      from: state.phase,
      to: next.phase,
      cursor: next.cursor,
      written: next.written,
      kept: next.kept,
      total: next.total,
    });
    return next;
  } catch (error) {
    // Keys a failed batch still wrote are counted: the metric says what the cache holds, not what was asked.
    if (error instanceof WarmUpFailedError && error.loaded > 0)
      metrics.addMetric(METRIC.cacheWarmUpKeysLoaded, MetricUnit.Count, error.loaded);
    metrics.addMetric(METRIC.cacheWarmUpSucceeded, MetricUnit.Count, 0);
    logger.error('cache warm-up step failed: the run fails', error as Error);
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
