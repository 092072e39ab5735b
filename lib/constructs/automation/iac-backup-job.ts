// The daily IaC backup: the stage's deployed templates and DR parameters, written to the other region's bucket.
import { ArnFormat, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../config';
import { FUNCTIONS } from '../../contract';
import { iacBackupBucketName, parameters, stackNamePrefix } from '../../naming';
import type { DrFunction } from '../dr-function';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, arn, bucketArn, parameterArn } from './permissions';

/** Props of {@link IacBackupJob}. */
export interface IacBackupJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** The other region, whose IaC bucket receives the backups. */
  readonly peerRegion: RegionConfig;
}

/**
 * The plan's "Infrastructure as Code: daily backups to S3 with versioning", in both regions: each
 * region's templates and parameters go to the other region's bucket, so they outlive the region.
 */
export class IacBackupJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;

  constructor(scope: Construct, id: string, props: IacBackupJobProps) {
    super(scope, id);
    const { context, peerRegion } = props;
    const { config } = context;
    const names = parameters(config);
    const peerBucket = iacBackupBucketName(config, peerRegion);
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.iacBackup,
      description: 'Daily IaC backup: deployed templates of the stage and its SSM parameters, to the other region',
      environment: {
        STACK_PREFIX: stackNamePrefix(config),
        PARAMETER_PATH: `${names.root}/`,
        BACKUP_BUCKET: peerBucket,
        BACKUP_BUCKET_REGION: peerRegion.region,
        RESULT_PARAMETER_NAME: names.iacBackup,
      },
      timeout: Duration.minutes(5),
    });
    this.function = fn;

    allow(fn, {
      actions: ['cloudformation:ListStacks'],
      resources: ['*'],
      wildcardReason:
        "ListStacks supports no resource-level permissions; the templates read are limited to this stage's stacks.",
    });
    allow(fn, {
      actions: ['cloudformation:GetTemplate'],
      resources: [
        arn(this, {
          service: 'cloudformation',
          resource: 'stack',
          resourceName: `${stackNamePrefix(config)}*/*`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
      wildcardReason: "Templates of this stage's stacks only; stack ids end in a generated suffix.",
    });
    allow(fn, {
      actions: ['ssm:GetParametersByPath'],
      resources: [parameterArn(this, names.root), parameterArn(this, `${names.root}/*`)],
      wildcardReason: "Reads the stage's own DR parameter path, which is what the backup exports.",
    });
    allow(fn, { actions: ['ssm:PutParameter'], resources: [parameterArn(this, names.iacBackup)] });
    allow(fn, {
      actions: ['s3:PutObject'],
      resources: [bucketArn(this, peerBucket, 'iac/*')],
      wildcardReason: "Writes dated backups under iac/ of the other region's IaC bucket, and nothing else.",
    });

    const schedule = context.scheduler.invokeFunction(this, 'Schedule', {
      name: 'iac-backup',
      planSchedule: 'iac-backup',
      function: fn,
    });
    keepDeployedLogicalId(schedule, 'iacbackupSchedule18331D8F');
    // Both regions export every day, so a day without a result is a backup that did not run.
    context.alarms.backupSuccessRate('IacBackupSuccessRate', {
      dimensions: { service: FUNCTIONS.iacBackup.service, stage: config.stage, region: context.regionConfig.region },
      missingReportBreaches: true,
    });
  }
}
