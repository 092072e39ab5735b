// Lambda entry of the daily integrity check: runs every check, publishes the report and backup_success_rate.
import { BackupClient } from '@aws-sdk/client-backup';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { recordOutcome } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { recordCheckRun } from '../shared/record-check-run';
import { publishRecord } from '../shared/run-record';
import { parseScheduledInvocation } from '../shared/scheduled-event';
import type { IntegrityDeps, IntegrityInput, RegionClients } from './check-integrity';
import { runWhereHeld, type IntegrityReport, type PlacementDeps, type WriterTargets } from './follow-writer';
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
const observability = createObservability(FUNCTIONS.integrityCheck);
const { logger, metrics } = observability;
// "primary" is this region, whichever role it has: the check runs in both and checks what is held here.
const here = regionClients(env.AWS_REGION);
const placement: PlacementDeps = { rds: here.rds, elasticache: new ElastiCacheClient({}) };
const deps: IntegrityDeps & { placement: PlacementDeps } = {
  primary: here,
  secondary: regionClients(env.PEER_REGION),
  now: () => new Date(),
  placement,
};
const aurora = {
  globalClusterIdentifier: env.GLOBAL_CLUSTER_IDENTIFIER,
  clusterIdentifier: env.CLUSTER_IDENTIFIER,
  region: env.AWS_REGION,
};
const targets: WriterTargets = {
  aurora,
  cache: {
    replicationGroupId: env.REPLICATION_GROUP_ID,
    region: env.AWS_REGION,
    peerRegion: env.PEER_REGION,
    // Without a Global Datastore every group is standalone: the active region's is the one in use.
    ...(env.STANDALONE_CACHE_FOLLOWS_WRITER === 'true' ? { standaloneFollows: aurora } : {}),
  },
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

export async function handler(event: unknown): Promise<IntegrityReport> {
  try {
    parseScheduledInvocation(event, [SCHEDULE_ID]);
    const report = await runWhereHeld(deps, input, targets);
    recordOutcome(observability, report.outcome, []);
    for (const part of report.skipped) logger.info('part skipped', { ...part });
    if (report.outcome === 'acted') {
      await recordCheckRun(report, { ssm, parameter: reportParameter, logger, metrics });
    } else {
      // A skip is recorded, but adds no backup_success_rate: it neither passes nor fails a backup.
      const version = await publishRecord(ssm, reportParameter, report);
      logger.info('skip report published', { parameter: reportParameter, version });
    }
    return report;
  } catch (error) {
    // No report means neither backup_success_rate nor backup_job_skipped: the did-not-run alarm pages.
    logger.error('integrity check failed to run', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
