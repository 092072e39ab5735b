// Lambda entry of the monthly cross-region verification, in the secondary region: report and backup_success_rate.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackupClient } from '@aws-sdk/client-backup';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CheckReport } from '../shared/check-report';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { createObservability } from '../shared/observability';
import { recordCheckRun } from '../shared/record-check-run';
import { parseScheduledInvocation } from '../shared/scheduled-event';
import { run, type VerificationDeps, type VerificationInput } from './verify-cross-region';
import { FUNCTIONS, METRIC } from '../../lib/contract';

/** The schedule that invokes this function. */
export const SCHEDULE_ID = 'monthly-cross-region-verification';

const env = readEnvironment(FUNCTIONS.crossRegionVerification);
const { logger, metrics } = createObservability(FUNCTIONS.crossRegionVerification);
const ssm = new SSMClient({});
const deps: VerificationDeps = {
  backup: new BackupClient({}),
  s3: new S3Client({}),
  ssm,
  now: () => new Date(),
};
const input: VerificationInput = {
  days: requirePositiveInteger('VERIFY_DAYS', env),
  vaultName: env.VAULT_NAME,
  sourceVaultName: env.SOURCE_VAULT_NAME,
  clusterArn: env.SOURCE_CLUSTER_ARN,
  copyKeyParameter: env.COPY_KEY_PARAMETER,
  bucket: env.REPLICA_BUCKET,
  prefix: env.EXPORT_PREFIX,
};
const reportParameter = env.REPORT_PARAMETER_NAME;

export async function handler(event: unknown): Promise<CheckReport> {
  try {
    parseScheduledInvocation(event, [SCHEDULE_ID]);
    const report = await run(deps, input);
    await recordCheckRun(report, { ssm, parameter: reportParameter, logger, metrics });
    // The monthly verification is also a recovery test: a copy that could not be restored is a failure.
    metrics.addMetric(METRIC.recoveryTestResults, MetricUnit.Count, report.passed ? 1 : 0);
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
}
