// Lambda entry of the daily integrity check: runs every check, publishes the report and backup_success_rate.
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CheckReport } from '../shared/check-report';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { createObservability } from '../shared/observability';
import { recordCheckRun } from '../shared/record-check-run';
import { parseScheduledInvocation } from '../shared/scheduled-event';
import { run, type IntegrityDeps, type IntegrityInput, type RegionClients } from './check-integrity';
import { FUNCTIONS } from '../../lib/contract';

/** The schedule that invokes this function. */
export const SCHEDULE_ID = 'daily-integrity-check';

const regionClients = (region: string): RegionClients => ({
  backup: new BackupClient({ region }),
  rds: new RDSClient({ region }),
  s3: new S3Client({ region }),
  ssm: new SSMClient({ region }),
});

// Cold start: settings and clients once per container; a missing setting fails here, before any event.
const env = readEnvironment(FUNCTIONS.integrityCheck);
const { logger, metrics } = createObservability(FUNCTIONS.integrityCheck);
const deps: IntegrityDeps = {
  primary: regionClients(env.AWS_REGION),
  secondary: regionClients(env.PEER_REGION),
  now: () => new Date(),
};
const input: IntegrityInput = {
  aurora: {
    clusterIdentifier: env.CLUSTER_IDENTIFIER,
    clusterArn: env.CLUSTER_ARN,
    vaultName: env.VAULT_NAME,
    peerVaultName: env.PEER_VAULT_NAME,
    databaseKeyParameter: env.DATABASE_KEY_PARAMETER,
    copyKeyParameter: env.COPY_KEY_PARAMETER,
  },
  redis: {
    bucket: env.REDIS_BUCKET,
    peerBucket: env.PEER_REDIS_BUCKET,
    prefix: env.REDIS_PREFIX,
  },
  limits: {
    daily: requirePositiveInteger('DAILY_MAX_AGE_SECONDS', env),
    weekly: requirePositiveInteger('WEEKLY_MAX_AGE_SECONDS', env),
    pointInTime: requirePositiveInteger('POINT_IN_TIME_MAX_LAG_SECONDS', env),
  },
};
const ssm = new SSMClient({});
const reportParameter = env.REPORT_PARAMETER_NAME;

export async function handler(event: unknown): Promise<CheckReport> {
  try {
    parseScheduledInvocation(event, [SCHEDULE_ID]);
    const report = await run(deps, input);
    await recordCheckRun(report, { ssm, parameter: reportParameter, logger, metrics });
    return report;
  } catch (error) {
    // No report means no backup_success_rate datapoint, which the alarm treats as breaching.
    logger.error('integrity check failed to run', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
