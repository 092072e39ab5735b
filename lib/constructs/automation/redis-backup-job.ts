// The Redis export of the primary region: snapshot, export to the backup bucket and verify, daily and weekly.
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../config';
import { FUNCTIONS, REDIS_BACKUP_LOCK_ENV, REDIS_BACKUP_SNAPSHOTS, REDIS_BACKUP_SNAPSHOT_TAG } from '../../contract';
import {
  cacheAuthTokenSecretName,
  cacheBackupBucketName,
  cacheReplicationGroupId,
  clusterIdentifier,
  globalClusterIdentifier,
  parameters,
  stateMachineName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { SteppedJob } from '../stepped-job';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { STEP_INTERVAL, jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import {
  allow,
  allowAuroraWriterLookup,
  allowCacheAuthTokenRead,
  allowCachePrimaryLookup,
  arn,
  bucketArn,
  parameterArn,
} from './permissions';

/** Names of the schedules that export Redis to S3: the recovery model reads their crons as the backup interval. */
export const REDIS_EXPORT_SCHEDULE_IDS = ['daily-backup-redis', 'weekly-full-backup-redis'] as const;

/** Props of {@link RedisBackupJob}. */
export interface RedisBackupJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** The other region: where the cache primary is when this group is a secondary of the Global Datastore. */
  readonly peerRegion: RegionConfig;
}

/**
 * The plan's Redis backups: a daily export and a weekly full export of the region's replication
 * group to its backup bucket (which replicates to the other region). One run writes the sentinel
 * the restore test reads back, snapshots, exports and verifies, one step at a time. Deployed in both regions, each
 * run first asks this region's ElastiCache whether its group is the cache primary (a standalone
 * group is its own primary) and acts only there. A stage without a Global Datastore has a standalone
 * group in each region by design; there the group of the Aurora writer's region is the one in use.
 */
export class RedisBackupJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;

  constructor(scope: Construct, id: string, props: RedisBackupJobProps) {
    super(scope, id);
    const { context, peerRegion } = props;
    const { config, regionConfig } = context;
    const names = parameters(config);
    const followsWriter = !config.cache.globalDatastore;
    const groupId = cacheReplicationGroupId(config, regionConfig);
    const bucket = cacheBackupBucketName(config, regionConfig);
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.redisBackup,
      description: 'Redis backup step: sentinel, snapshot, export to S3, verify',
      environment: {
        REPLICATION_GROUP_ID: groupId,
        BACKUP_BUCKET: bucket,
        RESULT_PARAMETER_NAME: names.redisBackup,
        // Read at run time for the sentinel's write, over TLS to the group's primary.
        CACHE_AUTH_SECRET_NAME: cacheAuthTokenSecretName(config),
        PEER_REGION: peerRegion.region,
        GLOBAL_CLUSTER_IDENTIFIER: globalClusterIdentifier(config),
        CLUSTER_IDENTIFIER: clusterIdentifier(config, regionConfig),
        STANDALONE_CACHE_FOLLOWS_WRITER: String(followsWriter),
        // The bucket has Object Lock without a default retention: the job locks each verified export.
        [REDIS_BACKUP_LOCK_ENV.mode]: config.objectLock.mode,
        [REDIS_BACKUP_LOCK_ENV.days]: String(config.objectLock.cacheBackupRetention.toDays()),
      },
    });
    this.function = fn;

    const generated =
      'ElastiCache names automatic snapshots, nodes and export files; only this group, its nodes, snapshots and its own backup bucket are reachable.';
    allow(fn, {
      actions: ['elasticache:DescribeSnapshots', 'elasticache:CreateSnapshot', 'elasticache:CopySnapshot'],
      resources: [
        arn(this, { service: 'elasticache', resource: 'replicationgroup', resourceName: groupId }),
        arn(this, { service: 'elasticache', resource: 'cluster', resourceName: `${groupId}-*` }),
        arn(this, { service: 'elasticache', resource: 'snapshot', resourceName: '*' }),
      ],
      wildcardReason: generated,
    });
    allow(fn, {
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketAcl'],
      resources: [bucketArn(this, bucket)],
    });
    allow(fn, {
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucketArn(this, bucket, '*')],
      wildcardReason: generated,
    });
    // The lock of each verified export and its sidecar: only names the job writes (`<group>-...`).
    // No s3:BypassGovernanceRetention: the job can place and extend a lock, never lift or shorten one.
    allow(fn, {
      actions: ['s3:PutObjectRetention'],
      resources: [bucketArn(this, bucket, `${groupId}-*`)],
      wildcardReason:
        "Export names carry the run time (`<group>-<kind>-<stamp>-0001.rdb` and its `.sentinel.json`); the lock reaches only this group's exports in its own backup bucket.",
    });
    // Housekeeping of the job's own manual snapshots: deletes reach only the names it generates, and
    // only snapshots that carry its tag, which it puts on at creation (tagging on create needs
    // AddTagsToResource, for that tag only).
    const ownSnapshots = arn(this, {
      service: 'elasticache',
      resource: 'snapshot',
      resourceName: `${groupId}-*${REDIS_BACKUP_SNAPSHOTS.suffix}`,
    });
    const ownSnapshotsWhy =
      'The job names each snapshot `<group>-<kind>-<stamp>-snap` at run time; only names of that form are reachable, never the automatic snapshots.';
    allow(fn, {
      actions: ['elasticache:AddTagsToResource'],
      resources: [ownSnapshots],
      conditions: {
        StringEquals: { [`aws:RequestTag/${REDIS_BACKUP_SNAPSHOT_TAG.key}`]: REDIS_BACKUP_SNAPSHOT_TAG.value },
      },
      wildcardReason: ownSnapshotsWhy,
    });
    allow(fn, {
      actions: ['elasticache:DeleteSnapshot'],
      resources: [ownSnapshots],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${REDIS_BACKUP_SNAPSHOT_TAG.key}`]: REDIS_BACKUP_SNAPSHOT_TAG.value },
      },
      wildcardReason: ownSnapshotsWhy,
    });
    allow(fn, { actions: ['ssm:PutParameter'], resources: [parameterArn(this, names.redisBackup)] });
    allowCachePrimaryLookup(fn, config, regionConfig);
    // The sentinel: the function reaches the group's primary from the automation security group,
    // which the cache's security group admits on the cache port (Cache stack), with the AUTH token.
    allowCacheAuthTokenRead(fn, config);
    if (followsWriter) allowAuroraWriterLookup(fn, config);

    this.steppedJob = new SteppedJob(this, 'Job', {
      step: fn,
      stateMachineName: stateMachineName(config, regionConfig, 'redis-backup'),
      interval: STEP_INTERVAL,
      timeout: Duration.hours(2),
      logKey: context.encryptionKey,
    });
    keepDeployedLogicalId(this.steppedJob.stateMachine, 'redisbackupJobE698E860');
    keepDeployedLogicalId(this.steppedJob.logGroup, 'redisbackupJobLogs58AE2FDE');
    const [daily, weekly] = REDIS_EXPORT_SCHEDULE_IDS;
    const dailySchedule = context.scheduler.startExecution(this, 'DailySchedule', {
      name: daily,
      planSchedule: 'daily-backup',
      stateMachine: this.steppedJob.stateMachine,
      input: { phase: 'start', kind: 'daily' },
    });
    keepDeployedLogicalId(dailySchedule, 'dailybackupredisScheduleCEF1A386');
    const weeklySchedule = context.scheduler.startExecution(this, 'WeeklySchedule', {
      name: weekly,
      planSchedule: 'weekly-full-backup',
      stateMachine: this.steppedJob.stateMachine,
      input: { phase: 'start', kind: 'weekly' },
    });
    keepDeployedLogicalId(weeklySchedule, 'weeklyfullbackupredisSchedule216C88EB');
    context.alarms.jobFailures('RedisBackupFailures', {
      stateMachine: this.steppedJob.stateMachine,
      what: 'Backup service degradation',
    });
    // Only the region holding the cache primary reports a rate, so a day without one is no finding.
    context.alarms.backupSuccessRate('RedisBackupSuccessRate', {
      dimensions: { service: FUNCTIONS.redisBackup.service, stage: config.stage, region: regionConfig.region },
    });
  }
}
