// The daily backup integrity check, in both regions: each part checks where the Aurora writer or the cache primary is.
import { Duration } from 'aws-cdk-lib';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { skipCheckov } from '../../nag/checkov';
import type { RegionConfig } from '../../config';
import { FUNCTIONS } from '../../contract';
import {
  cacheBackupBucketName,
  cacheReplicationGroupId,
  clusterIdentifier,
  globalClusterIdentifier,
  parameterName,
  parameters,
  vaultName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import {
  allow,
  allowAuroraWriterLookup,
  allowCachePrimaryLookup,
  allowKeyParameters,
  arn,
  bucketArn,
  parameterArn,
} from './permissions';

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Props of {@link IntegrityCheckJob}. */
export interface IntegrityCheckJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** The other region, whose vault and bucket hold the copies of this region's backups. */
  readonly peerRegion: RegionConfig;
  /** The Aurora cluster of this region, whose point-in-time recovery is checked. */
  readonly cluster: rds.IDatabaseCluster;
}

/**
 * The plan's daily backup validation: the newest Aurora recovery points and Redis exports in both
 * regions are present, complete, encrypted with the expected key and young enough, and Aurora's
 * point-in-time recovery keeps up. Deployed in both regions: the Aurora checks run where the
 * writer is and the Redis checks where the cache primary is, as this region's APIs say at run time;
 * a region that holds neither reports a skip. The report's `backup_success_rate` pages critical
 * when it falls under 100; `backup_job_skipped`, written by every run, pages when a day has none.
 */
export class IntegrityCheckJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;

  constructor(scope: Construct, id: string, props: IntegrityCheckJobProps) {
    super(scope, id);
    // `secondary` is the other region, whichever role it has: the copies of this region's backups are there.
    const { context, peerRegion: secondary, cluster } = props;
    const { config, regionConfig } = context;
    const names = parameters(config);
    const slack = config.automation.backupAgeSlack.toSeconds();
    const identifier = clusterIdentifier(config, regionConfig);
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.integrityCheck,
      description: 'Daily backup integrity check of Aurora and Redis backups in both regions',
      environment: {
        PEER_REGION: secondary.region,
        GLOBAL_CLUSTER_IDENTIFIER: globalClusterIdentifier(config),
        CLUSTER_IDENTIFIER: identifier,
        CLUSTER_ARN: cluster.clusterArn,
        REPLICATION_GROUP_ID: cacheReplicationGroupId(config, regionConfig),
        // Without a Global Datastore every group is standalone: the Aurora writer's region is the one in use.
        STANDALONE_CACHE_FOLLOWS_WRITER: String(!config.cache.globalDatastore),
        VAULT_NAME: vaultName(config, regionConfig),
        PEER_VAULT_NAME: vaultName(config, secondary),
        DATABASE_KEY_PARAMETER: parameterName(config, 'data', 'database-key-arn'),
        COPY_KEY_PARAMETER: parameterName(config, 'data', 'backup-key-arn'),
        REDIS_BUCKET: cacheBackupBucketName(config, regionConfig),
        PEER_REDIS_BUCKET: cacheBackupBucketName(config, secondary),
        REDIS_PREFIX: `${cacheReplicationGroupId(config, regionConfig)}-`,
        DAILY_MAX_AGE_SECONDS: String(DAY + slack),
        WEEKLY_MAX_AGE_SECONDS: String(7 * DAY + slack),
        POINT_IN_TIME_MAX_LAG_SECONDS: String(config.automation.pointInTimeMaxLag.toSeconds()),
        REPORT_PARAMETER_NAME: names.integrityReport,
      },
      timeout: Duration.minutes(5),
    });
    this.function = fn;
    skipCheckov(
      fn.function,
      'CKV_AWS_45',
      "checkov's secret scan matches DATABASE_KEY_PARAMETER and COPY_KEY_PARAMETER, which hold the names of SSM " +
        'parameters that name KMS key ARNs; every variable is a name, an identifier or a limit, and no secret.',
    );

    const sides = [regionConfig, secondary];
    const readOnly =
      'Read-only: AWS Backup names the snapshots and ElastiCache the exports, so their names are not known in advance.';
    allow(fn, {
      actions: ['backup:ListRecoveryPointsByBackupVault'],
      resources: sides.map((side) =>
        arn(this, {
          service: 'backup',
          resource: 'backup-vault',
          resourceName: vaultName(config, side),
          region: side.region,
        }),
      ),
    });
    allow(fn, { actions: ['rds:DescribeDBClusters'], resources: [cluster.clusterArn] });
    allow(fn, {
      actions: ['rds:DescribeDBClusterSnapshots'],
      resources: sides.flatMap(({ region }) => [
        arn(this, { service: 'rds', resource: 'cluster', resourceName: identifier, region }),
        arn(this, { service: 'rds', resource: 'cluster-snapshot', resourceName: '*', region }),
      ]),
      wildcardReason: readOnly,
    });
    for (const { region } of sides) {
      allowKeyParameters(fn, { config, region, keys: ['database-key-arn', 'backup-key-arn'] });
    }
    const buckets = sides.map((side) => cacheBackupBucketName(config, side));
    allow(fn, { actions: ['s3:ListBucket'], resources: buckets.map((bucket) => bucketArn(this, bucket)) });
    allow(fn, {
      actions: ['s3:GetObject'],
      resources: buckets.map((bucket) => bucketArn(this, bucket, '*')),
      wildcardReason: readOnly,
    });
    allow(fn, { actions: ['ssm:PutParameter'], resources: [parameterArn(this, names.integrityReport)] });
    allowAuroraWriterLookup(fn, config);
    allowCachePrimaryLookup(fn, config, regionConfig);

    const schedule = context.scheduler.invokeFunction(this, 'Schedule', {
      name: 'daily-integrity-check',
      planSchedule: 'daily-integrity-check',
      function: fn,
    });
    keepDeployedLogicalId(schedule, 'dailyintegritycheckSchedule966F975D');
    const dimensions = { service: FUNCTIONS.integrityCheck.service, stage: config.stage, region: regionConfig.region };
    // A skip adds no rate, so a day without one is no finding here; a day without any run is one.
    context.alarms.backupSuccessRate('BackupSuccessRate', { dimensions });
    context.alarms.jobDidNotRun('IntegrityCheckDidNotRun', { dimensions });
  }
}
