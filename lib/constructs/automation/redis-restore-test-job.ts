// The weekly Redis restore test: restore the newest export into a temporary group, check it, delete it.
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../config';
import { FUNCTIONS, REDIS_SENTINEL, RESTORE_TEST_COMPONENTS, RESTORE_TEST_TAG } from '../../contract';
import {
  RESTORE_TEST_GROUP_PREFIX,
  cacheAuthTokenSecretName,
  cacheBackupBucketName,
  cacheReplicationGroupId,
  stateMachineName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { SteppedJob } from '../stepped-job';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { STEP_INTERVAL, jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowCacheAuthTokenRead, arn, bucketArn } from './permissions';

/** Props of {@link RedisRestoreTestJob}. */
export interface RedisRestoreTestJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** Cache subnet group the temporary group is placed in (the production group's). */
  readonly subnetGroupName: string;
  /** Security group of the temporary group (the production group's). */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * The region whose group wrote the exports restored: in the secondary, the primary's, whose
   * exports reach this region's bucket by replication under the same keys.
   * @default - this region's own group
   */
  readonly exportsOf?: RegionConfig;
  /**
   * Whether the plan's weekly schedule starts it. The application game day's copy in the secondary
   * has none: only the game day starts it. Its alarms are the same either way.
   * @default true
   */
  readonly scheduled?: boolean;
}

/** The job's name in its state machine's fixed name, which the application game day starts it by. */
export const REDIS_RESTORE_TEST_JOB = 'redis-restore-test';

/**
 * The plan's weekly Redis restore test, where the stage runs restore tests: the newest export is
 * restored into a temporary, tagged group, checked within the stage's bound, its sentinel and key
 * count read back and compared with what the backup recorded, and deleted, also after a failed step. Only groups under the restore-test prefix and tag are reachable.
 */
export class RedisRestoreTestJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;

  constructor(scope: Construct, id: string, props: RedisRestoreTestJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const bucket = cacheBackupBucketName(config, regionConfig);
    const prefix = RESTORE_TEST_GROUP_PREFIX;
    const exportPrefix = `${cacheReplicationGroupId(config, props.exportsOf ?? regionConfig)}-`;
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.redisRestoreTest,
      description: 'Weekly Redis restore test step: restore, read the sentinel and counts back, delete',
      environment: {
        BACKUP_BUCKET: bucket,
        EXPORT_PREFIX: exportPrefix,
        GROUP_PREFIX: prefix,
        ENGINE: 'valkey',
        ENGINE_VERSION: config.cache.engineVersion,
        CACHE_NODE_TYPE: config.cache.nodeType,
        SUBNET_GROUP_NAME: props.subnetGroupName,
        SECURITY_GROUP_IDS: props.securityGroup.securityGroupId,
        RESTORE_TAG_KEY: RESTORE_TEST_TAG.key,
        RESTORE_TAG_VALUE: RESTORE_TEST_TAG.value,
        MAX_RESTORE_SECONDS: String(config.automation.maxRedisRestore.toSeconds()),
        CACHE_AUTH_SECRET_NAME: cacheAuthTokenSecretName(config),
      },
    });
    this.function = fn;

    const elasticache = (resource: string, resourceName: string) =>
      arn(this, { service: 'elasticache', resource, resourceName });
    const temporary = [elasticache('replicationgroup', `${prefix}*`), elasticache('cluster', `${prefix}*`)];
    const why =
      'Temporary groups get a timestamped name under the restore-test prefix; creating needs the restore-test tag in the request and deleting needs it on the group, so production groups stay out of reach.';
    allow(fn, { actions: ['s3:ListBucket'], resources: [bucketArn(this, bucket)] });
    // What the backup recorded next to each export: the sentinel and counts the restore must give back.
    allow(fn, {
      actions: ['s3:GetObject'],
      resources: [bucketArn(this, bucket, `${exportPrefix}*${REDIS_SENTINEL.sidecarSuffix}`)],
      wildcardReason:
        "Export names carry the run's kind and timestamp; only the sentinel records of this group's exports are readable, not the exports.",
    });
    // The temporary group gets the cache's AUTH token, and the function reads its data with it from
    // the automation security group, which the group's (the production group's) security group admits.
    allowCacheAuthTokenRead(fn, config);
    allow(fn, {
      actions: ['elasticache:CreateReplicationGroup', 'elasticache:AddTagsToResource'],
      resources: [
        ...temporary,
        elasticache('subnetgroup', '*'),
        elasticache('parametergroup', '*'),
        elasticache('securitygroup', '*'),
      ],
      conditions: { StringEquals: { [`aws:RequestTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } },
      wildcardReason: why,
    });
    // The function reads a group's tags before it deletes it (DescribeReplicationGroups returns none).
    allow(fn, {
      actions: ['elasticache:DescribeReplicationGroups', 'elasticache:ListTagsForResource'],
      resources: temporary,
      wildcardReason: why,
    });
    allow(fn, {
      actions: ['elasticache:DeleteReplicationGroup'],
      resources: temporary,
      conditions: { StringEquals: { [`aws:ResourceTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } },
      wildcardReason: why,
    });

    this.steppedJob = new SteppedJob(this, 'Job', {
      step: fn,
      stateMachineName: stateMachineName(config, regionConfig, REDIS_RESTORE_TEST_JOB),
      interval: STEP_INTERVAL,
      timeout: Duration.hours(2),
      logKey: context.encryptionKey,
      cleanup: { whenPresent: 'groupId', phase: 'cleaning', keep: ['groupId', 'source', 'startedAt'] },
    });
    if (props.scheduled !== false) {
      keepDeployedLogicalId(this.steppedJob.stateMachine, 'redisrestoretestJob3299965C');
      keepDeployedLogicalId(this.steppedJob.logGroup, 'redisrestoretestJobLogs36C73355');
      const schedule = context.scheduler.startExecution(this, 'Schedule', {
        name: 'weekly-restore-test-redis',
        planSchedule: 'weekly-restore-test',
        stateMachine: this.steppedJob.stateMachine,
        input: { phase: 'start' },
      });
      keepDeployedLogicalId(schedule, 'weeklyrestoretestredisSchedule36855446');
    }
    // Every run pages when it fails, whoever started it: a failed restore is a recovery procedure failure.
    context.alarms.jobFailures('RedisRestoreTestFailures', {
      stateMachine: this.steppedJob.stateMachine,
      what: 'Recovery procedure failure',
    });
    context.alarms.recoveryTestResults('RedisRecoveryTest', {
      dimensions: {
        service: FUNCTIONS.redisRestoreTest.service,
        stage: config.stage,
        region: regionConfig.region,
        component: RESTORE_TEST_COMPONENTS.redis,
      },
    });
  }
}
