// Lambda entry of the daily IaC backup: validates the scheduled event, exports, logs the result and reports backup_success_rate.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment } from '../shared/env';
import { recordBackupResult } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { parseScheduledInvocation } from '../shared/scheduled-event';
import { run, type IacBackupDeps, type IacBackupResult, type IacBackupSettings } from './export-iac';
import { FUNCTIONS } from '../../lib/contract';

/** The schedule that invokes this function. */
export const SCHEDULE_ID = 'iac-backup';

const env = readEnvironment(FUNCTIONS.iacBackup);
const observability = createObservability(FUNCTIONS.iacBackup);
const { logger, metrics } = observability;
const deps: IacBackupDeps = {
  cloudformation: new CloudFormationClient({}),
  ssm: new SSMClient({}),
  // The bucket is in the other region, so that this region's templates outlive it.
  s3: new S3Client({ region: env.BACKUP_BUCKET_REGION }),
  now: () => new Date(),
};
const settings: IacBackupSettings = {
  stackPrefix: env.STACK_PREFIX,
  parameterPath: env.PARAMETER_PATH,
  bucket: env.BACKUP_BUCKET,
  region: env.AWS_REGION,
  resultParameter: env.RESULT_PARAMETER_NAME,
};

export async function handler(event: unknown): Promise<IacBackupResult> {
  parseScheduledInvocation(event, [SCHEDULE_ID]);
  try {
    const result = await run(deps, settings);
    logger.info('iac backup exported', { ...result });
    recordBackupResult(observability, true);
    return result;
  } catch (error) {
    // A backup that did not complete is a failed backup: 0, and the error fails the invocation.
    logger.error('iac backup failed', error as Error);
    recordBackupResult(observability, false);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
