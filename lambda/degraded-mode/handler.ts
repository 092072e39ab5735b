// Lambda entry of the degraded-mode switch: parses the SNS event, delegates to run(), logs every decision.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { parseNotifications } from './events';
import { run, type SwitchDeps, type SwitchResult } from './switch-mode';

// Cold start: settings and clients once per container; a missing setting fails here, before any event.
const { logger, metrics } = createObservability('degraded-mode-switch');
const deps: SwitchDeps = {
  ssm: new SSMClient({}),
  sns: new SNSClient({}),
  parameterName: requireEnv('MODE_PARAMETER_NAME'),
  replicationGroupId: requireEnv('REPLICATION_GROUP_ID'),
  alertTopicArn: requireEnv('ALERT_TOPIC_ARN'),
  stage: requireEnv('STAGE'),
  region: requireEnv('AWS_REGION'),
};

export async function handler(event: SNSEvent): Promise<SwitchResult> {
  try {
    const result = await run(deps, { notifications: parseNotifications(event) });
    for (const decision of result.decisions) logger.info('decision', { ...decision });
    const unknown = result.decisions.filter((decision) => decision.reason === 'unknown-event').length;
    if (unknown > 0) logger.warn('unknown ElastiCache events left the mode unchanged', { unknown });
    if (result.switched) logger.warn('rate-limiter mode switched', { from: result.previous, to: result.target });
    metrics.addMetric('ModeSwitches', MetricUnit.Count, result.switched ? 1 : 0);
    metrics.addMetric('UnknownEvents', MetricUnit.Count, unknown);
    return result;
  } catch (error) {
    // Logged with context, then rethrown: Lambda retries the event and finally sends it to the DLQ.
    logger.error('degraded-mode switch failed', error as Error);
    metrics.addMetric('SwitchFailures', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
