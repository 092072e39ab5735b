// Lambda entry of the status page publisher: reads what an event means, publishes it to both regions' pages and the customers' topic.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STATUS_PAGE_ENV, STATUS_PAGE_METRIC, STATUS_PAGE_PUBLISHER } from '../../lib/contract/status-page';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { changesOf, isRefresh, type EventNames } from './events';
import { parseComponents } from './components';
import { run, type PublishDeps, type PublishResult } from './publish';

// Cold start: settings and clients once per container; a missing setting fails here, before any event.
const env = readEnvironment(STATUS_PAGE_PUBLISHER);
const { logger, metrics } = createObservability(STATUS_PAGE_PUBLISHER);
// A lost region's S3 endpoint may hang rather than refuse: bound each attempt, so the surviving
// region's write (which runs beside it) and the invocation finish well inside the timeout.
const clientOptions = { maxAttempts: 2, requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 } };
const deps: PublishDeps = {
  buckets: [
    { region: env.AWS_REGION, name: env[STATUS_PAGE_ENV.bucket], s3: new S3Client({ ...clientOptions }) },
    {
      region: env[STATUS_PAGE_ENV.peerRegion],
      name: env[STATUS_PAGE_ENV.peerBucket],
      s3: new S3Client({ ...clientOptions, region: env[STATUS_PAGE_ENV.peerRegion] }),
    },
  ],
  notices: { sns: new SNSClient({}), topicArn: env[STATUS_PAGE_ENV.noticeTopicArn] },
  components: parseComponents(env[STATUS_PAGE_ENV.components]),
  statusHost: env[STATUS_PAGE_ENV.domainName],
  now: () => new Date(),
};
const names: EventNames = {
  failoverStateMachineName: env[STATUS_PAGE_ENV.failoverStateMachineName],
  activateAlarmName: env[STATUS_PAGE_ENV.activateAlarmName],
  disagreementAlarmName: env[STATUS_PAGE_ENV.disagreementAlarmName],
};

export async function handler(event: unknown): Promise<Omit<PublishResult, 'page' | 'feed'>> {
  try {
    const changes = changesOf(event, names);
    if (changes.length === 0 && !isRefresh(event)) {
      logger.info('the event changes nothing on the status page');
      return { outcomes: [], notices: [], written: [], failedWrites: [], readFrom: 'none' };
    }
    const published = await run(deps, { changes });
    // The page and the feed are in the buckets; the log and the result keep what happened.
    const result = {
      outcomes: published.outcomes,
      notices: published.notices,
      written: published.written,
      failedWrites: published.failedWrites,
      readFrom: published.readFrom,
    };
    logger.info('status page published', { ...result, notices: result.notices.map((notice) => notice.subject) });
    for (const failed of result.failedWrites) logger.warn('a region kept the old status page', { ...failed });
    metrics.addMetric(STATUS_PAGE_METRIC.published, MetricUnit.Count, 1);
    metrics.addMetric(STATUS_PAGE_METRIC.failedWrites, MetricUnit.Count, result.failedWrites.length);
    return result;
  } catch (error) {
    // Logged with context, then rethrown: Lambda retries the event and finally sends it to the DLQ.
    logger.error('status page publication failed', error as Error);
    metrics.addMetric(STATUS_PAGE_METRIC.published, MetricUnit.Count, 0);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
