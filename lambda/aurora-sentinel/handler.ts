// Lambda entry of the Aurora sentinel job: validates the scheduled event, writes the row where the writer is, reports backup_success_rate.
import { RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readEnvironment } from '../shared/env';
import { recordBackupResult, recordOutcome } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { parseScheduledInvocation } from '../shared/scheduled-event';
import { run, type SentinelJobDeps, type SentinelJobResult, type SentinelJobSettings } from './write-sentinel';
import { AURORA_SENTINEL, FUNCTIONS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.auroraSentinel);
const observability = createObservability(FUNCTIONS.auroraSentinel);
const { logger, metrics } = observability;
const deps: SentinelJobDeps = {
  rds: new RDSClient({}),
  data: new RDSDataClient({}),
  secrets: new SecretsManagerClient({}),
  now: () => new Date(),
};
const settings: SentinelJobSettings = {
  stage: env.STAGE,
  target: {
    globalClusterIdentifier: env.GLOBAL_CLUSTER_IDENTIFIER,
    clusterIdentifier: env.CLUSTER_IDENTIFIER,
    region: env.AWS_REGION,
  },
  clusterArn: env.CLUSTER_ARN,
  secretName: env.MASTER_SECRET_NAME,
  database: env.DATABASE_NAME,
};

export async function handler(event: unknown): Promise<SentinelJobResult> {
  parseScheduledInvocation(event, [AURORA_SENTINEL.schedule]);
  try {
    const result = await run(deps, settings);
    recordOutcome(observability, result.outcome, [result.placement]);
    // Only a run that wrote moves the rate; a skip in the reader's region is neither.
    if (result.written) {
      logger.info('aurora sentinel written', {
        writtenAt: result.written.writtenAt,
        tables: Object.keys(result.written.rowCounts).length,
      });
      recordBackupResult(observability, true);
    }
    return result;
  } catch (error) {
    // A backup whose sentinel was not written cannot be proven by its restore test: a failed run.
    logger.error('aurora sentinel could not be written', error as Error);
    recordBackupResult(observability, false);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
