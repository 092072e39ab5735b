// Scheduled backup and validation automation of one region, and its region failover: functions, Step Functions, schedules, alarms.
import { Arn, ArnFormat, Duration, TimeZone, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';

import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { scheduleById, type RegionConfig } from '../config';
import { AuroraRestoreTesting } from '../constructs/aurora-restore-testing';
import { AutomationAlarms } from '../constructs/automation-alarms';
import {
  FUNCTIONS,
  METRICS_NAMESPACE,
  type FunctionContract,
  type FunctionEnvironment,
  RESTORE_TEST_COMPONENTS,
  RESTORE_TEST_TAG,
  WEEKLY_SNAPSHOT_TAG,
} from '../contract';
import { DrFunction } from '../constructs/dr-function';
import { EncryptionKey } from '../constructs/encryption-key';
import { IacBackupBucket } from '../constructs/iac-backup-bucket';
import { RegionFailover } from '../constructs/region-failover';
import { SteppedJob, type SteppedJobProps } from '../constructs/stepped-job';
import {
  cacheBackupBucketName,
  cacheGlobalDatastoreSuffix,
  cacheReplicationGroupId,
  clusterIdentifier,
  globalClusterIdentifier,
  iacBackupBucketName,
  latestSnapshotIdentifier,
  parameterName,
  parameters,
  RESTORE_TEST_GROUP_PREFIX,
  restoreTestingPlanName,
  scheduleGroupName,
  scheduleName,
  stackDescription,
  stackNamePrefix,
  stageLabel,
  stateMachineName,
  vaultName,
} from '../naming';
import type { AlertingStack } from './alerting-stack';
import type { CacheStack } from './cache-stack';
import type { DataStack } from './data-stack';
import { AURORA_ENGINE_VERSION } from './data-stack';
import { DrStack, type DrStackProps } from './dr-stack';
import type { NetworkStack } from './network-stack';
import type { ProtectionStack } from './protection-stack';

/** Props of {@link AutomationStack}. */
export interface AutomationStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly protection: ProtectionStack;
  readonly data: DataStack;
  readonly cache: CacheStack;
  /** The other region: its vault, bucket and keys are checked or written. */
  readonly peerRegion: RegionConfig;
  /**
   * This region's failover alarm on the other region's endpoint (`ComputeStack.peerProbe.failoverAlarm`). In
   * the secondary region, with `automation.autoFailover`, its transition to ALARM starts the region
   * failover.
   * @default - no automatic failover from this region
   */
  readonly peerProbeAlarm?: cloudwatch.IAlarm;
}

/** Ids of the schedules that export Redis to S3: the recovery model reads their crons as the backup interval. */
export const REDIS_EXPORT_SCHEDULE_IDS = ['daily-backup-redis', 'weekly-full-backup-redis'] as const;

const STEP_INTERVAL = Duration.minutes(2);
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The plan's backup strategy and backup validation on schedules. In the primary region: the Redis
 * export (daily and weekly), the weekly full Aurora snapshot, the daily integrity check, the IaC
 * backup and, where the stage runs them, the weekly restore tests. In the secondary region: the
 * IaC backup and the monthly cross-region verification. In both: the region failover, which the
 * secondary also starts on its own when the stage allows automatic failover.
 */
export class AutomationStack extends DrStack {
  public readonly functions: ReadonlyMap<string, DrFunction>;
  public readonly jobs: ReadonlyMap<string, SteppedJob>;
  public readonly schedules: ReadonlyMap<string, scheduler.Schedule>;
  public readonly scheduleDeadLetterQueue: sqs.Queue;
  public readonly alarms: AutomationAlarms;
  public readonly iacBucket: IacBackupBucket;
  /** Activates this region: promotes its Aurora and cache members (the plan's Disaster Scenario 1). */
  public readonly failover: RegionFailover;

  private readonly key: EncryptionKey;
  private readonly props: AutomationStackProps;
  private readonly scheduleRole: iam.Role;
  private readonly scheduleGroup: scheduler.ScheduleGroup;
  private readonly functionMap = new Map<string, DrFunction>();
  private readonly jobMap = new Map<string, SteppedJob>();
  private readonly scheduleMap = new Map<string, scheduler.Schedule>();

  constructor(scope: Construct, props: AutomationStackProps) {
    super(scope, {
      ...props,
      purpose: 'Automation',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'backup and validation automation'),
    });
    this.props = props;
    const { config } = this;
    this.key = new EncryptionKey(this, 'Key', {
      purpose: `DR automation logs, queues and environment in ${this.region}`,
      allowCloudWatchLogs: true,
    });
    this.alarms = new AutomationAlarms(this, 'Alarms', {
      criticalTopic: props.alerting.alerts.topic('critical'),
      highTopic: props.alerting.alerts.topic('high'),
    });
    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the schedules; a DLQ of its own would only move the question.',
    });
    this.alarms.deadLetters(
      'ScheduleDeadLetters',
      this.scheduleDeadLetterQueue,
      'A schedule could not start its job after every retry: a backup or a check did not run',
      'critical',
    );
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: scheduleGroupName(config, this.regionConfig),
    });
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: starts the DR jobs and dead-letters what it cannot start',
    });

    this.iacBucket = new IacBackupBucket(this, 'IacBackups', {
      bucketName: iacBackupBucketName(config, this.regionConfig),
      noncurrentRetention: config.automation.iacBackupRetention,
    });
    this.iacBackup();
    this.failover = this.regionFailover();
    if (this.regionConfig.role === 'primary') {
      this.integrityCheck();
      this.redisBackups();
      this.weeklyAuroraBackup();
      if (config.automation.restoreTests) {
        this.auroraRestoreTest();
        this.redisRestoreTest();
      }
    } else {
      this.crossRegionVerification();
    }
    this.finishScheduleRole();

    this.functions = this.functionMap;
    this.jobs = this.jobMap;
    this.schedules = this.scheduleMap;
  }

  // --- helpers ------------------------------------------------------------------------------------

  private arn(service: string, resource: string, name: string, region = this.region, slash = false): string {
    const arnFormat = slash ? ArnFormat.SLASH_RESOURCE_NAME : ArnFormat.COLON_RESOURCE_NAME;
    return Arn.format({ service, region, account: this.account, resource, resourceName: name, arnFormat }, this);
  }

  private bucketArn(bucket: string, objects?: string): string {
    return `arn:${this.partition}:s3:::${bucket}${objects === undefined ? '' : `/${objects}`}`;
  }

  private parameterArn(name: string, region = this.region): string {
    return this.arn('ssm', 'parameter', name.replace(/^\//, ''), region, true);
  }

  private fn<Key extends string>(
    id: string,
    contract: FunctionContract<Key>,
    description: string,
    environment: FunctionEnvironment<Key>,
    timeout = Duration.minutes(1),
  ): DrFunction {
    const { network } = this.props.network;
    const fn = new DrFunction(this, id, {
      contract,
      description,
      stage: this.config.stage,
      encryptionKey: this.key.key,
      environment,
      timeout,
      vpc: network.vpc,
      vpcSubnets: { subnetGroupName: 'private' },
      securityGroups: [network.automationSecurityGroup],
    });
    this.alarms.functionHealth(id, fn);
    this.functionMap.set(id, fn);
    return fn;
  }

  /**
   * Adds a statement to `fn`'s policy. A resource with a wildcard needs `why`, which is recorded as
   * the acknowledgement of exactly that finding, next to the policy.
   */
  private allow(
    fn: DrFunction,
    actions: string[],
    resources: string[],
    options: { readonly conditions?: Record<string, Record<string, unknown>>; readonly why?: string } = {},
  ): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources,
        ...(options.conditions ? { conditions: options.conditions } : {}),
      }),
    );
    for (const resource of resources.filter((arn) => arn.includes('*'))) {
      if (!options.why)
        throw new Error(`${fn.node.path}: ${actions.join(',')} on ${resource} needs a reason for its wildcard`);
      Validations.of(fn.policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: options.why });
    }
  }

  /** GetParameter on the key ARNs that the Protection stack of `region` hands over. */
  private allowKeyParameters(
    fn: DrFunction,
    region: string,
    names: readonly ('database-key-arn' | 'backup-key-arn')[],
  ): void {
    this.allow(
      fn,
      ['ssm:GetParameter'],
      names.map((name) => this.parameterArn(parameterName(this.config, 'data', name), region)),
    );
  }

  private job(id: string, step: DrFunction, timeout: Duration, cleanup?: SteppedJobProps['cleanup']): SteppedJob {
    const job = new SteppedJob(this, `${id}Job`, {
      step,
      stateMachineName: stateMachineName(this.config, this.regionConfig, id),
      interval: STEP_INTERVAL,
      timeout,
      logKey: this.key.key,
      ...(cleanup ? { cleanup } : {}),
    });
    this.jobMap.set(id, job);
    return job;
  }

  private schedule(id: string, scheduleId: string, target: scheduler.IScheduleTarget): void {
    const { cron, purpose } = scheduleById(this.config, scheduleId);
    this.scheduleMap.set(
      id,
      new scheduler.Schedule(this, `${id}Schedule`, {
        scheduleName: scheduleName(this.config, id),
        scheduleGroup: this.scheduleGroup,
        description: purpose,
        schedule: scheduler.ScheduleExpression.expression(cron, TimeZone.ETC_UTC),
        target,
      }),
    );
  }

  private targetProps(input: object): schedulerTargets.ScheduleTargetBaseProps {
    const { automation } = this.config;
    return {
      role: this.scheduleRole.withoutPolicyUpdates(),
      input: scheduler.ScheduleTargetInput.fromObject(input),
      retryAttempts: automation.scheduleRetryAttempts,
      maxEventAge: automation.scheduleMaxEventAge,
      deadLetterQueue: this.scheduleDeadLetterQueue,
    };
  }

  private scheduleFunction(id: string, scheduleId: string, fn: DrFunction): void {
    this.schedule(
      id,
      scheduleId,
      new schedulerTargets.LambdaInvoke(fn.function, this.targetProps({ schedule: scheduleId })),
    );
  }

  private scheduleJob(id: string, scheduleId: string, job: SteppedJob, input: object): void {
    this.schedule(
      id,
      scheduleId,
      new schedulerTargets.StepFunctionsStartExecution(job.stateMachine, this.targetProps(input)),
    );
  }

  // --- jobs ---------------------------------------------------------------------------------------

  private iacBackup(): void {
    const { config, props } = this;
    const names = parameters(config);
    const peerBucket = iacBackupBucketName(config, props.peerRegion);
    const fn = this.fn(
      'IacBackup',
      FUNCTIONS.iacBackup,
      'Daily IaC backup: deployed templates of the stage and its SSM parameters, to the other region',
      {
        STACK_PREFIX: stackNamePrefix(config),
        PARAMETER_PATH: `${parameters(config).root}/`,
        BACKUP_BUCKET: peerBucket,
        BACKUP_BUCKET_REGION: props.peerRegion.region,
        RESULT_PARAMETER_NAME: names.iacBackup,
      },
      Duration.minutes(5),
    );
    this.allow(fn, ['cloudformation:ListStacks'], ['*'], {
      why: "ListStacks supports no resource-level permissions; the templates read are limited to this stage's stacks.",
    });
    this.allow(
      fn,
      ['cloudformation:GetTemplate'],
      [this.arn('cloudformation', 'stack', `${stackNamePrefix(config)}*/*`, this.region, true)],
      {
        why: "Templates of this stage's stacks only; stack ids end in a generated suffix.",
      },
    );
    this.allow(
      fn,
      ['ssm:GetParametersByPath'],
      [this.parameterArn(parameters(config).root), this.parameterArn(`${parameters(config).root}/*`)],
      {
        why: "Reads the stage's own DR parameter path, which is what the backup exports.",
      },
    );
    this.allow(fn, ['ssm:PutParameter'], [this.parameterArn(names.iacBackup)]);
    this.allow(fn, ['s3:PutObject'], [this.bucketArn(peerBucket, 'iac/*')], {
      why: "Writes dated backups under iac/ of the other region's IaC bucket, and nothing else.",
    });
    this.scheduleFunction('iac-backup', 'iac-backup', fn);
  }

  private integrityCheck(): void {
    const { config, props } = this;
    const secondary = props.peerRegion;
    const names = parameters(config);
    const slack = config.automation.backupAgeSlack.toSeconds();
    const cluster = props.data.database.cluster;
    const id = clusterIdentifier(config, this.regionConfig);
    const fn = this.fn(
      'IntegrityCheck',
      FUNCTIONS.integrityCheck,
      'Daily backup integrity check of Aurora and Redis backups in both regions',
      {
        PEER_REGION: secondary.region,
        CLUSTER_IDENTIFIER: id,
        CLUSTER_ARN: cluster.clusterArn,
        VAULT_NAME: vaultName(config, this.regionConfig),
        PEER_VAULT_NAME: vaultName(config, secondary),
        DATABASE_KEY_PARAMETER: parameterName(config, 'data', 'database-key-arn'),
        COPY_KEY_PARAMETER: parameterName(config, 'data', 'backup-key-arn'),
        REDIS_BUCKET: cacheBackupBucketName(config, this.regionConfig),
        PEER_REDIS_BUCKET: cacheBackupBucketName(config, secondary),
        REDIS_PREFIX: `${cacheReplicationGroupId(config, this.regionConfig)}-`,
        DAILY_MAX_AGE_SECONDS: String(DAY + slack),
        WEEKLY_MAX_AGE_SECONDS: String(7 * DAY + slack),
        POINT_IN_TIME_MAX_LAG_SECONDS: String(config.automation.pointInTimeMaxLag.toSeconds()),
        REPORT_PARAMETER_NAME: names.integrityReport,
      },
      Duration.minutes(5),
    );
    const sides: [string, RegionConfig][] = [
      [this.region, this.regionConfig],
      [secondary.region, secondary],
    ];
    const readOnly =
      'Read-only: AWS Backup names the snapshots and ElastiCache the exports, so their names are not known in advance.';
    this.allow(
      fn,
      ['backup:ListRecoveryPointsByBackupVault'],
      sides.map(([region, rc]) => this.arn('backup', 'backup-vault', vaultName(config, rc), region)),
    );
    this.allow(fn, ['rds:DescribeDBClusters'], [cluster.clusterArn]);
    this.allow(
      fn,
      ['rds:DescribeDBClusterSnapshots'],
      sides.flatMap(([region]) => [
        this.arn('rds', 'cluster', id, region),
        this.arn('rds', 'cluster-snapshot', '*', region),
      ]),
      { why: readOnly },
    );
    for (const [region] of sides) this.allowKeyParameters(fn, region, ['database-key-arn', 'backup-key-arn']);
    const buckets = sides.map(([, rc]) => cacheBackupBucketName(config, rc));
    this.allow(
      fn,
      ['s3:ListBucket'],
      buckets.map((bucket) => this.bucketArn(bucket)),
    );
    this.allow(
      fn,
      ['s3:GetObject'],
      buckets.map((bucket) => this.bucketArn(bucket, '*')),
      { why: readOnly },
    );
    this.allow(fn, ['ssm:PutParameter'], [this.parameterArn(names.integrityReport)]);
    this.scheduleFunction('daily-integrity-check', 'daily-integrity-check', fn);
    this.alarms.backupSuccessRate(
      'BackupSuccessRate',
      { service: FUNCTIONS.integrityCheck.service, stage: config.stage, region: this.region },
      true,
    );
  }

  private redisBackups(): void {
    const { config } = this;
    const names = parameters(config);
    const groupId = cacheReplicationGroupId(config, this.regionConfig);
    const bucket = cacheBackupBucketName(config, this.regionConfig);
    const fn = this.fn('RedisBackup', FUNCTIONS.redisBackup, 'Redis backup step: snapshot, export to S3, verify', {
      REPLICATION_GROUP_ID: groupId,
      BACKUP_BUCKET: bucket,
      RESULT_PARAMETER_NAME: names.redisBackup,
      // The automatic snapshot runs 00:30-01:30 UTC; the 02:00 export reuses one from the last six hours.
      AUTOMATIC_SNAPSHOT_MAX_AGE_SECONDS: String(6 * HOUR),
    });
    const generated =
      'ElastiCache names automatic snapshots, nodes and export files; only this group, its nodes, snapshots and its own backup bucket are reachable.';
    this.allow(
      fn,
      ['elasticache:DescribeSnapshots', 'elasticache:CreateSnapshot', 'elasticache:CopySnapshot'],
      [
        this.arn('elasticache', 'replicationgroup', groupId),
        this.arn('elasticache', 'cluster', `${groupId}-*`),
        this.arn('elasticache', 'snapshot', '*'),
      ],
      { why: generated },
    );
    this.allow(fn, ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketAcl'], [this.bucketArn(bucket)]);
    this.allow(fn, ['s3:GetObject', 's3:PutObject'], [this.bucketArn(bucket, '*')], { why: generated });
    this.allow(fn, ['ssm:PutParameter'], [this.parameterArn(names.redisBackup)]);
    const job = this.job('redis-backup', fn, Duration.hours(2));
    const [daily, weekly] = REDIS_EXPORT_SCHEDULE_IDS;
    this.scheduleJob(daily, 'daily-backup', job, { phase: 'start', kind: 'daily' });
    this.scheduleJob(weekly, 'weekly-full-backup', job, { phase: 'start', kind: 'weekly' });
    this.alarms.jobFailures('RedisBackupFailures', job.stateMachine, 'Backup service degradation');
  }

  private weeklyAuroraBackup(): void {
    const { config, props } = this;
    const names = parameters(config);
    const id = clusterIdentifier(config, this.regionConfig);
    const latest = latestSnapshotIdentifier(config);
    const fn = this.fn(
      'WeeklyAuroraBackup',
      FUNCTIONS.weeklyAuroraBackup,
      'Weekly full Aurora backup step: snapshot, then the -latest name',
      {
        CLUSTER_IDENTIFIER: id,
        LATEST_SNAPSHOT_IDENTIFIER: latest,
        ALIAS_PARAMETER_NAME: names.auroraLatest,
        RETENTION_DAYS: String(config.data.weeklyBackupRetention.toDays()),
        OWNER_TAG_KEY: WEEKLY_SNAPSHOT_TAG.key,
        OWNER_TAG_VALUE: WEEKLY_SNAPSHOT_TAG.value,
      },
    );
    const ours = [this.arn('rds', 'cluster-snapshot', `${id}-weekly-*`), this.arn('rds', 'cluster-snapshot', latest)];
    const why = "The job's own snapshot names carry a date; deleting also needs the job's tag on the snapshot.";
    this.allow(
      fn,
      ['rds:DescribeDBClusterSnapshots'],
      [this.arn('rds', 'cluster', id), this.arn('rds', 'cluster-snapshot', '*')],
      {
        why: 'Read-only: finding the weekly snapshots past retention needs the list of all snapshots of the cluster.',
      },
    );
    this.allow(fn, ['rds:CreateDBClusterSnapshot'], [this.arn('rds', 'cluster', id), ...ours], { why });
    this.allow(fn, ['rds:CopyDBClusterSnapshot'], ours, { why });
    this.allow(fn, ['rds:AddTagsToResource'], ours, {
      conditions: { StringEquals: { [`aws:RequestTag/${WEEKLY_SNAPSHOT_TAG.key}`]: WEEKLY_SNAPSHOT_TAG.value } },
      why,
    });
    this.allow(fn, ['rds:DeleteDBClusterSnapshot'], ours, {
      conditions: { StringEquals: { [`aws:ResourceTag/${WEEKLY_SNAPSHOT_TAG.key}`]: WEEKLY_SNAPSHOT_TAG.value } },
      why,
    });
    this.allow(fn, ['kms:CreateGrant', 'kms:DescribeKey'], [props.protection.databaseKey.key.keyArn], {
      conditions: { StringEquals: { 'kms:ViaService': `rds.${this.region}.amazonaws.com` } },
    });
    this.allow(fn, ['ssm:PutParameter'], [this.parameterArn(names.auroraLatest)]);
    const job = this.job('weekly-aurora-backup', fn, Duration.hours(3));
    this.scheduleJob('weekly-full-backup-aurora', 'weekly-full-backup', job, { phase: 'start' });
    this.alarms.jobFailures('WeeklyAuroraBackupFailures', job.stateMachine, 'Backup service degradation');
  }

  private auroraRestoreTest(): void {
    const { config, props } = this;
    const fn = this.fn(
      'RestoreValidation',
      FUNCTIONS.restoreValidation,
      'Validates Aurora restores of AWS Backup restore testing',
      {
        ENGINE_VERSION: AURORA_ENGINE_VERSION.auroraPostgresFullVersion,
        DATABASE_KEY_PARAMETER: parameterName(config, 'data', 'database-key-arn'),
        MAX_RESTORE_SECONDS: String(config.automation.maxAuroraRestore.toSeconds()),
      },
    );
    this.allow(fn, ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'], ['*'], {
      why: 'DescribeRestoreJob and PutRestoreValidationResult support no resource-level permissions.',
    });
    this.allow(fn, ['rds:DescribeDBClusters'], [this.arn('rds', 'cluster', '*')], {
      why: 'Read-only: AWS Backup names the clusters it restores, so the name is not known in advance.',
    });
    this.allowKeyParameters(fn, this.region, ['database-key-arn']);
    const database = props.data.database;
    new AuroraRestoreTesting(this, 'AuroraRestoreTesting', {
      planName: restoreTestingPlanName(config),
      cron: scheduleById(config, 'weekly-restore-test').cron,
      vault: props.protection.vault.vault,
      clusterArn: database.cluster.clusterArn,
      restoreRole: props.data.backupPlan.role,
      subnetGroupName: database.subnetGroupName,
      securityGroupIds: [database.securityGroup.securityGroupId],
      validationWindowHours: 1,
      validator: fn,
    });
    this.alarms.recoveryTestResults('AuroraRecoveryTest', {
      service: FUNCTIONS.restoreValidation.service,
      stage: config.stage,
      region: this.region,
      component: RESTORE_TEST_COMPONENTS.aurora,
    });
  }

  private redisRestoreTest(): void {
    const { config, props } = this;
    const group = props.cache.replicationGroup;
    const bucket = cacheBackupBucketName(config, this.regionConfig);
    const prefix = RESTORE_TEST_GROUP_PREFIX;
    const fn = this.fn(
      'RedisRestoreTest',
      FUNCTIONS.redisRestoreTest,
      'Weekly Redis restore test step: restore, check, delete',
      {
        BACKUP_BUCKET: bucket,
        EXPORT_PREFIX: `${cacheReplicationGroupId(config, this.regionConfig)}-`,
        GROUP_PREFIX: prefix,
        ENGINE: 'valkey',
        ENGINE_VERSION: config.cache.engineVersion,
        CACHE_NODE_TYPE: config.cache.nodeType,
        SUBNET_GROUP_NAME: group.subnetGroup.ref,
        SECURITY_GROUP_IDS: group.securityGroup.securityGroupId,
        RESTORE_TAG_KEY: RESTORE_TEST_TAG.key,
        RESTORE_TAG_VALUE: RESTORE_TEST_TAG.value,
        MAX_RESTORE_SECONDS: String(config.automation.maxRedisRestore.toSeconds()),
      },
    );
    const temporary = [
      this.arn('elasticache', 'replicationgroup', `${prefix}*`),
      this.arn('elasticache', 'cluster', `${prefix}*`),
    ];
    const why =
      'Temporary groups get a timestamped name under the restore-test prefix; creating needs the restore-test tag in the request and deleting needs it on the group, so production groups stay out of reach.';
    this.allow(fn, ['s3:ListBucket'], [this.bucketArn(bucket)]);
    this.allow(
      fn,
      ['elasticache:CreateReplicationGroup', 'elasticache:AddTagsToResource'],
      [
        ...temporary,
        this.arn('elasticache', 'subnetgroup', '*'),
        this.arn('elasticache', 'parametergroup', '*'),
        this.arn('elasticache', 'securitygroup', '*'),
      ],
      { conditions: { StringEquals: { [`aws:RequestTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } }, why },
    );
    this.allow(fn, ['elasticache:DescribeReplicationGroups'], temporary, { why });
    this.allow(fn, ['elasticache:DeleteReplicationGroup'], temporary, {
      conditions: { StringEquals: { [`aws:ResourceTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } },
      why,
    });
    const job = this.job('redis-restore-test', fn, Duration.hours(2), {
      whenPresent: 'groupId',
      phase: 'cleaning',
      keep: ['groupId', 'source', 'startedAt'],
    });
    this.scheduleJob('weekly-restore-test-redis', 'weekly-restore-test', job, { phase: 'start' });
    this.alarms.jobFailures('RedisRestoreTestFailures', job.stateMachine, 'Recovery procedure failure');
    this.alarms.recoveryTestResults('RedisRecoveryTest', {
      service: FUNCTIONS.redisRestoreTest.service,
      stage: config.stage,
      region: this.region,
      component: RESTORE_TEST_COMPONENTS.redis,
    });
  }

  private crossRegionVerification(): void {
    const { config, props } = this;
    const names = parameters(config);
    const primary = props.peerRegion;
    const bucket = cacheBackupBucketName(config, this.regionConfig);
    const fn = this.fn(
      'CrossRegionVerification',
      FUNCTIONS.crossRegionVerification,
      'Monthly cross-region backup verification in the secondary region',
      {
        VERIFY_DAYS: String(config.automation.crossRegionVerifyDays),
        VAULT_NAME: vaultName(config, this.regionConfig),
        SOURCE_VAULT_NAME: vaultName(config, primary),
        SOURCE_CLUSTER_ARN: this.arn('rds', 'cluster', clusterIdentifier(config, primary), primary.region),
        COPY_KEY_PARAMETER: parameterName(config, 'data', 'backup-key-arn'),
        REPLICA_BUCKET: bucket,
        EXPORT_PREFIX: `${cacheReplicationGroupId(config, primary)}-`,
        REPORT_PARAMETER_NAME: names.crossRegionReport,
      },
      Duration.minutes(5),
    );
    this.allow(
      fn,
      ['backup:ListRecoveryPointsByBackupVault'],
      [this.arn('backup', 'backup-vault', vaultName(config, this.regionConfig))],
    );
    this.allowKeyParameters(fn, this.region, ['backup-key-arn']);
    this.allow(fn, ['s3:ListBucket'], [this.bucketArn(bucket)]);
    this.allow(fn, ['ssm:PutParameter'], [this.parameterArn(names.crossRegionReport)]);
    this.scheduleFunction('monthly-cross-region-verification', 'monthly-cross-region-verification', fn);
    this.alarms.backupSuccessRate(
      'CrossRegionSuccessRate',
      { service: FUNCTIONS.crossRegionVerification.service, stage: config.stage, region: this.region },
      false,
    );
  }

  /**
   * Every region can activate itself (the CLI starts it there); only the secondary starts it on its
   * own, when its canary sees the primary stop serving and the stage allows automatic failover.
   */
  private regionFailover(): RegionFailover {
    const { config, props, regionConfig } = this;
    const automatic = regionConfig.role === 'secondary' && config.automation.autoFailover;
    if (automatic && !props.peerProbeAlarm) {
      throw new Error(
        `${this.stackName}: automation.autoFailover is on, so the secondary's Automation stack needs peerProbeAlarm (ComputeStack.peerProbe.failoverAlarm)`,
      );
    }
    const failover = new RegionFailover(this, 'RegionFailover', {
      stateMachineName: stateMachineName(config, regionConfig, 'region-failover'),
      parameterName: parameters(config).failoverStateMachineArn,
      globalClusterIdentifier: globalClusterIdentifier(config),
      clusterIdentifier: clusterIdentifier(config, regionConfig),
      peerClusterIdentifier: clusterIdentifier(config, props.peerRegion),
      peerRegion: props.peerRegion.region,
      ...(config.cache.globalDatastore
        ? {
            cache: {
              replicationGroupId: cacheReplicationGroupId(config, regionConfig),
              globalDatastoreIdSuffix: cacheGlobalDatastoreSuffix(config),
            },
          }
        : {}),
      stage: config.stage,
      stageLabel: stageLabel(config),
      metricNamespace: METRICS_NAMESPACE,
      alertTopic: props.alerting.alerts.topic('critical'),
      alertTopicKey: props.alerting.alerts.key,
      encryptionKey: this.key.key,
      ...(automatic && props.peerProbeAlarm
        ? {
            trigger: {
              alarm: props.peerProbeAlarm,
              // The schedules' retry policy: a blip must not lose the event, a dead one must show.
              retryAttempts: config.automation.scheduleRetryAttempts,
              maxEventAge: config.automation.scheduleMaxEventAge,
            },
          }
        : {}),
    });
    this.alarms.jobFailures('RegionFailoverFailures', failover.stateMachine, 'Recovery procedure failure');
    if (failover.triggerDeadLetterQueue) {
      this.alarms.deadLetters(
        'RegionFailoverTriggerDeadLetters',
        failover.triggerDeadLetterQueue,
        'Recovery procedure failure: the failover trigger could not start the region failover after every retry',
        'critical',
      );
    }
    return failover;
  }

  /** Everything the schedules start, and their dead-letter queue, in one managed policy. */
  private finishScheduleRole(): void {
    const statements = [
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...this.functionMap.values()].map((fn) => fn.function.functionArn),
      }),
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [...this.jobMap.values()].map((job) => job.stateMachine.stateMachineArn),
      }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.scheduleDeadLetterQueue.queueArn] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.key.keyArn] }),
    ].filter((statement) => statement.resources.length > 0);
    this.scheduleRole.addManagedPolicy(
      new iam.ManagedPolicy(this, 'SchedulePolicy', { description: 'What the DR schedules may start', statements }),
    );
  }
}
