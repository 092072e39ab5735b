// The monthly cross-region verification of the secondary region: the copies of the primary's backups arrived, day by day.
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../config';
import { FUNCTIONS } from '../../contract';
import {
  cacheBackupBucketName,
  cacheReplicationGroupId,
  clusterIdentifier,
  parameterName,
  parameters,
  vaultName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowKeyParameters, arn, bucketArn, parameterArn } from './permissions';

/** Props of {@link CrossRegionVerificationJob}. */
export interface CrossRegionVerificationJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** The primary region, whose backups are copied here. */
  readonly peerRegion: RegionConfig;
}

/**
 * The plan's monthly cross-region backup verification, in the secondary region: for each of the
 * last days, an Aurora recovery point copied into this region's vault under its backup key, and a
 * Redis export replicated into this region's bucket. A report under 100 pages critical.
 */
export class CrossRegionVerificationJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;

  constructor(scope: Construct, id: string, props: CrossRegionVerificationJobProps) {
    super(scope, id);
    const { context, peerRegion: primary } = props;
    const { config, regionConfig } = context;
    const names = parameters(config);
    const bucket = cacheBackupBucketName(config, regionConfig);
    const vault = vaultName(config, regionConfig);
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.crossRegionVerification,
      description: 'Monthly cross-region backup verification in the secondary region',
      environment: {
        VERIFY_DAYS: String(config.automation.crossRegionVerifyDays),
        VAULT_NAME: vault,
        SOURCE_VAULT_NAME: vaultName(config, primary),
        SOURCE_CLUSTER_ARN: arn(this, {
          service: 'rds',
          resource: 'cluster',
          resourceName: clusterIdentifier(config, primary),
          region: primary.region,
        }),
        COPY_KEY_PARAMETER: parameterName(config, 'data', 'backup-key-arn'),
        REPLICA_BUCKET: bucket,
        EXPORT_PREFIX: `${cacheReplicationGroupId(config, primary)}-`,
        REPORT_PARAMETER_NAME: names.crossRegionReport,
      },
      timeout: Duration.minutes(5),
    });
    this.function = fn;

    allow(fn, {
      actions: ['backup:ListRecoveryPointsByBackupVault'],
      resources: [arn(this, { service: 'backup', resource: 'backup-vault', resourceName: vault })],
    });
    allowKeyParameters(fn, { config, region: regionConfig.region, keys: ['backup-key-arn'] });
    allow(fn, { actions: ['s3:ListBucket'], resources: [bucketArn(this, bucket)] });
    allow(fn, { actions: ['ssm:PutParameter'], resources: [parameterArn(this, names.crossRegionReport)] });

    const schedule = context.scheduler.invokeFunction(this, 'Schedule', {
      name: 'monthly-cross-region-verification',
      planSchedule: 'monthly-cross-region-verification',
      function: fn,
    });
    keepDeployedLogicalId(schedule, 'monthlycrossregionverificationSchedule127FEE47');
    const dimensions = {
      service: FUNCTIONS.crossRegionVerification.service,
      stage: config.stage,
      region: regionConfig.region,
    };
    context.alarms.backupSuccessRate('CrossRegionSuccessRate', { dimensions });
    // The verification is also the monthly recovery test of the copies: it reports recovery_test_results.
    context.alarms.recoveryTestResults('CrossRegionRecoveryTest', { dimensions });
  }
}
