// Lambda entry of the rollout restart steps, inside the VPC: the private API server, an EKS token of the function's role, the cluster's CA.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { credentialsFromEnvironment, eksToken } from './eks-token';
import { httpsKubernetes } from './kubernetes-api';
import {
  advance,
  parseRolloutState,
  type RollingState,
  type RolloutDeps,
  type RolloutSettings,
} from './rollout-restart';

const env = readEnvironment(FUNCTIONS.rolloutRestart);
const { logger, metrics } = createObservability(FUNCTIONS.rolloutRestart);
const deps: RolloutDeps = {
  kubernetes: httpsKubernetes({
    endpoint: env.CLUSTER_ENDPOINT,
    // EKS gives the CA as base64 of the PEM (certificateAuthority.data).
    ca: Buffer.from(env.CLUSTER_CA, 'base64').toString('utf8'),
    // Lambda's credentials of the function role, read per token as the SDK's environment provider reads them.
    token: () => eksToken(env.CLUSTER_NAME, env.AWS_REGION, credentialsFromEnvironment()),
  }),
  now: () => new Date(),
};
const settings: RolloutSettings = { namespace: env.NAMESPACE, deployment: env.DEPLOYMENT };

export async function handler(event: unknown): Promise<RollingState> {
  const state = parseRolloutState(event);
  try {
    const next = await advance(deps, settings, state);
    if (next.phase === 'done') {
      metrics.addMetric(METRIC.rolloutRestartSucceeded, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.rolloutRestartSeconds, MetricUnit.Seconds, next.seconds ?? 0);
    }
    logger.info('rollout restart step', {
      from: state.phase,
      to: next.phase,
      updated: next.updated,
      available: next.available,
      replicas: next.replicas,
    });
    return next;
  } catch (error) {
    metrics.addMetric(METRIC.rolloutRestartSucceeded, MetricUnit.Count, 0);
    logger.error('rollout restart step failed: the run fails', error as Error);
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
