// The weekly full Aurora backup, in both regions: where the writer is, a tagged manual snapshot, then the -latest name.
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { skipCheckov } from '../../nag/checkov';
import { FUNCTIONS, LATEST_ROTATION, WEEKLY_SNAPSHOT_TAG } from '../../contract';
import {
  clusterIdentifier,
  globalClusterIdentifier,
  latestSnapshotIdentifier,
  parameters,
  stateMachineName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { SteppedJob } from '../stepped-job';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { STEP_INTERVAL, jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowAuroraWriterLookup, arn, latestSnapshotArns, parameterArn } from './permissions';

/** Props of {@link WeeklyAuroraBackupJob}. */
export interface WeeklyAuroraBackupJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** Key of this region's cluster and its snapshots; the job may create grants on it through RDS only. */
  readonly databaseKey: kms.IKey;
}

/**
 * The plan's weekly full Aurora backup: a manual snapshot tagged as the job's, copied to the
 * `-latest` name the restore runbooks use; the job deletes only its own snapshots past retention.
 * Deployed in both regions, each run first asks this region's RDS where the global cluster's writer
 * is and acts only there, so `-latest` is made in the writer's region, also after a failover.
 */
export class WeeklyAuroraBackupJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;

  constructor(scope: Construct, id: string, props: WeeklyAuroraBackupJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const names = parameters(config);
    const identifier = clusterIdentifier(config, regionConfig);
    const latest = latestSnapshotIdentifier(config);
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.weeklyAuroraBackup,
      description: 'Weekly full Aurora backup step: snapshot, then the -latest name',
      environment: {
        GLOBAL_CLUSTER_IDENTIFIER: globalClusterIdentifier(config),
        CLUSTER_IDENTIFIER: identifier,
        LATEST_SNAPSHOT_IDENTIFIER: latest,
        ALIAS_PARAMETER_NAME: names.auroraLatest,
        RETENTION_DAYS: String(config.data.weeklyBackupRetention.toDays()),
        OWNER_TAG_KEY: WEEKLY_SNAPSHOT_TAG.key,
        OWNER_TAG_VALUE: WEEKLY_SNAPSHOT_TAG.value,
      },
      rotatesLatestSnapshot: true,
    });
    this.function = fn;
    skipCheckov(
      fn.function,
      'CKV_AWS_45',
      "checkov's secret scan matches OWNER_TAG_KEY, which holds the tag key dr-managed-by; every variable is a name, " +
        'an identifier or a count, and the function holds no secret.',
    );

    const snapshot = (resourceName: string) =>
      arn(this, { service: 'rds', resource: 'cluster-snapshot', resourceName });
    const clusterArn = arn(this, { service: 'rds', resource: 'cluster', resourceName: identifier });
    const slots = latestSnapshotArns(this, config);
    const ours = [snapshot(`${identifier}-weekly-*`), ...slots];
    const why =
      "The job's own snapshot names carry a date; deleting also needs the job's tag on the snapshot, and the current -latest copy is denied.";
    allow(fn, {
      actions: ['rds:DescribeDBClusterSnapshots'],
      resources: [clusterArn, snapshot('*')],
      wildcardReason:
        'Read-only: finding the weekly snapshots past retention needs the list of all snapshots of the cluster.',
    });
    allow(fn, { actions: ['rds:CreateDBClusterSnapshot'], resources: [clusterArn, ...ours], wildcardReason: why });
    allow(fn, { actions: ['rds:CopyDBClusterSnapshot'], resources: ours, wildcardReason: why });
    allow(fn, {
      actions: ['rds:AddTagsToResource'],
      resources: ours,
      conditions: { StringEquals: { [`aws:RequestTag/${WEEKLY_SNAPSHOT_TAG.key}`]: WEEKLY_SNAPSHOT_TAG.value } },
      wildcardReason: why,
    });
    const owner = { [`aws:ResourceTag/${WEEKLY_SNAPSHOT_TAG.key}`]: WEEKLY_SNAPSHOT_TAG.value };
    // Moving the current mark off the old -latest copy: that tag only, on the job's own slots.
    allow(fn, {
      actions: ['rds:RemoveTagsFromResource'],
      resources: slots,
      conditions: {
        StringEquals: owner,
        'ForAllValues:StringEquals': { 'aws:TagKeys': [LATEST_ROTATION.currentTag.key] },
      },
    });
    allow(fn, {
      actions: ['rds:DeleteDBClusterSnapshot'],
      resources: ours,
      conditions: { StringEquals: owner },
      wildcardReason: why,
    });
    allow(fn, {
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: [props.databaseKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `rds.${regionConfig.region}.amazonaws.com` } },
    });
    allow(fn, { actions: ['ssm:PutParameter'], resources: [parameterArn(this, names.auroraLatest)] });
    allowAuroraWriterLookup(fn, config);

    this.steppedJob = new SteppedJob(this, 'Job', {
      step: fn,
      stateMachineName: stateMachineName(config, regionConfig, 'weekly-aurora-backup'),
      interval: STEP_INTERVAL,
      timeout: Duration.hours(3),
      logKey: context.encryptionKey,
    });
    keepDeployedLogicalId(this.steppedJob.stateMachine, 'weeklyaurorabackupJob28B14C4F');
    keepDeployedLogicalId(this.steppedJob.logGroup, 'weeklyaurorabackupJobLogs3D9DF908');
    const schedule = context.scheduler.startExecution(this, 'Schedule', {
      name: 'weekly-full-backup-aurora',
      planSchedule: 'weekly-full-backup',
      stateMachine: this.steppedJob.stateMachine,
      input: { phase: 'start' },
    });
    keepDeployedLogicalId(schedule, 'weeklyfullbackupauroraSchedule5C7769D3');
    context.alarms.jobFailures('WeeklyAuroraBackupFailures', {
      stateMachine: this.steppedJob.stateMachine,
      what: 'Backup service degradation',
    });
    // Weekly, and only in the writer's region: a day without a rate is no finding.
    context.alarms.backupSuccessRate('WeeklyAuroraBackupSuccessRate', {
      dimensions: { service: FUNCTIONS.weeklyAuroraBackup.service, stage: config.stage, region: regionConfig.region },
    });
  }
}
