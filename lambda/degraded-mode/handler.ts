// Lambda entry of the degraded-mode switch: parses the SNS event, delegates to run(), logs every decision.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { parseNotifications } from './events';
import { run, type SwitchDeps, type SwitchResult } from './switch-mode';
import { FUNCTIONS, METRIC } from '../../lib/contract';

// Cold start: settings and clients once per container; a missing setting fails here, before any event.
const env = readEnvironment(FUNCTIONS.degradedModeSwitch);
const { logger, metrics } = createObservability(FUNCTIONS.degradedModeSwitch);
const deps: SwitchDeps = {
  ssm: new SSMClient({}),
  sns: new SNSClient({}),
  parameterName: env.MODE_PARAMETER_NAME,
  replicationGroupId: env.REPLICATION_GROUP_ID,
  alertTopicArn: env.ALERT_TOPIC_ARN,
  stage: env.STAGE,
  region: env.AWS_REGION,
};

export async function handler(event: SNSEvent): Promise<SwitchResult> {
  try {
    const result = await run(deps, { notifications: parseNotifications(event) });
    for (const decision of result.decisions) logger.info('decision', { ...decision });
    const unknown = result.decisions.filter((decision) => decision.reason === 'unknown-event').length;
    if (unknown > 0) logger.warn('unknown ElastiCache events left the mode unchanged', { unknown });
    if (result.switched) logger.warn('rate-limiter mode switched', { from: result.previous, to: result.target });
    metrics.addMetric(METRIC.modeSwitches, MetricUnit.Count, result.switched ? 1 : 0);
    metrics.addMetric(METRIC.unknownEvents, MetricUnit.Count, unknown);
    return result;
  } catch (error) {
    // Logged with context, then rethrown: Lambda retries the event and finally sends it to the DLQ.
    logger.error('degraded-mode switch failed', error as Error);
    metrics.addMetric(METRIC.switchFailures, MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
