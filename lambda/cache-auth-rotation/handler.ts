// Lambda entry of the cache AUTH token's rotation: Secrets Manager invokes it once per step; it parses the step and delegates to run().
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { parseRotationEvent, run, type RotationDeps, type StepResult } from './rotate-token';
import { CACHE_AUTH_ROTATION_METRIC, CACHE_AUTH_ROTATOR, parseCacheMembers } from '../../lib/contract/secret-rotation';

// Cold start: settings and clients once per container; a missing or bad setting fails here.
const env = readEnvironment(CACHE_AUTH_ROTATOR);
const members = parseCacheMembers(env.CACHE_MEMBERS);
const { logger, metrics } = createObservability(CACHE_AUTH_ROTATOR);
const caches = new Map<string, ElastiCacheClient>();
const secrets = new SecretsManagerClient({});

/** How often a step polls a member that is modifying. */
const POLL_MS = 15_000;

export async function handler(
  event: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<StepResult> {
  const deps: RotationDeps = {
    secrets,
    cache: (region) => {
      let client = caches.get(region);
      if (!client) caches.set(region, (client = new ElastiCacheClient({ region })));
      return client;
    },
    members,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    pollMs: POLL_MS,
    remainingMs: () => context?.getRemainingTimeInMillis() ?? 0,
  };
  try {
    const input = parseRotationEvent(event);
    const result = await run(deps, input);
    logger.info('rotation step done', { ...result });
    metrics.addMetric(CACHE_AUTH_ROTATION_METRIC.stepsCompleted, MetricUnit.Count, 1);
    return result;
  } catch (error) {
    // Rethrown: Secrets Manager marks the rotation failed and keeps AWSPENDING for the next attempt.
    logger.error('rotation step failed', error as Error);
    metrics.addMetric(CACHE_AUTH_ROTATION_METRIC.failures, MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
