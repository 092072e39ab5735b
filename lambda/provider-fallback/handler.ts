// Lambda entry of the provider fallback: reads the alarm change, delegates to run(), reports ProviderFallbacks or ProviderFallbackFailures.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  PROVIDER_FALLBACK,
  PROVIDER_FALLBACK_ENV,
  PROVIDER_METRIC,
  type ProviderAlarm,
} from '../../lib/contract/providers';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { parseAlarmChange } from './events';
import { run, type FallbackDeps, type FallbackResult } from './fallback';

// Cold start: settings and clients once per container; a missing setting fails here, before any event.
const env = readEnvironment(PROVIDER_FALLBACK);
const { logger, metrics } = createObservability(PROVIDER_FALLBACK);
const clients = { appconfig: new AppConfigClient({}), lambda: new LambdaClient({}), sns: new SNSClient({}) };
let deps: FallbackDeps | undefined;

/**
 * The settings, built on the first event: the alarms are a JSON list, parsed there so that a list
 * CloudFormation could not resolve fails that invocation with its error rather than the cold start.
 */
function depsOf(): FallbackDeps {
  deps ??= {
    ...clients,
    profile: {
      applicationId: env[PROVIDER_FALLBACK_ENV.applicationId],
      environmentId: env[PROVIDER_FALLBACK_ENV.environmentId],
      configurationProfileId: env[PROVIDER_FALLBACK_ENV.profileId],
    },
    immediateStrategyId: env[PROVIDER_FALLBACK_ENV.immediateStrategyId],
    alarms: JSON.parse(env[PROVIDER_FALLBACK_ENV.alarms]) as ProviderAlarm[],
    monitorRoleArn: env[PROVIDER_FALLBACK_ENV.monitorRoleArn],
    publisherName: env[PROVIDER_FALLBACK_ENV.publisherName],
    alertTopicArn: env[PROVIDER_FALLBACK_ENV.alertTopicArn],
    stage: env.STAGE,
    region: env.AWS_REGION,
    now: () => new Date(),
  };
  return deps;
}

export async function handler(event: unknown): Promise<FallbackResult> {
  try {
    const change = parseAlarmChange(event);
    const result = await run(depsOf(), change);
    if (result.switched) logger.warn('provider taken out of the routing order', { ...result });
    else logger.info('the alarm changed nothing', { ...result });
    metrics.addMetric(PROVIDER_METRIC.fallbacks, MetricUnit.Count, result.switched ? 1 : 0);
    return result;
  } catch (error) {
    // Logged with context, then rethrown: EventBridge and Lambda retry, then the DLQ keeps the event.
    logger.error('provider fallback failed', error as Error);
    metrics.addMetric(PROVIDER_METRIC.fallbackFailures, MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
