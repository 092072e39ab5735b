// Scheduled backup and validation automation of one region, and its region failover: composes the jobs and their shared plumbing.
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { AutomationAlarms, strictestCriticalRto } from '../constructs/automation-alarms';
import { CacheWarmUpJob } from '../constructs/automation/cache-warm-up-job';
import {
  AuroraRestoreTestJob,
  CrossRegionVerificationJob,
  IacBackupJob,
  IntegrityCheckJob,
  JobScheduler,
  RedisBackupJob,
  RedisRestoreTestJob,
  WeeklyAuroraBackupJob,
  type AutomationJob,
  type AutomationJobContext,
} from '../constructs/automation';
import { AuroraSentinelJob } from '../constructs/automation/aurora-sentinel-job';
import type { DrFunction } from '../constructs/dr-function';
import { EncryptionKey } from '../constructs/encryption-key';
import { IacBackupBucket } from '../constructs/iac-backup-bucket';
import { FailoverSignals } from '../constructs/failover-signals';
import type { GameDays } from '../constructs/game-day';
import { stageGameDays } from '../constructs/game-day/for-stage';
import { RegionFailover } from '../constructs/region-failover';
import { RegionRestores } from '../constructs/restore';
import type { SteppedJob } from '../constructs/stepped-job';
import { DIMENSION, METRIC, METRICS_NAMESPACE } from '../contract';
import {
  cacheGlobalDatastoreSuffix,
  cacheReplicationGroupId,
  apiDomainName,
  clusterIdentifier,
  failoverAlarmNames,
  failoverLockTableName,
  globalClusterIdentifier,
  iacBackupBucketName,
  parameters,
  regionalApiDomainName,
  stackDescription,
  stageLabel,
  stateMachineName,
} from '../naming';
import { PAGE_ACK_COMMAND, type AlertingStack } from './alerting-stack';
import type { CacheStack } from './cache-stack';
import { AURORA_ENGINE_VERSION, type DataStack } from './data-stack';
import { DrStack, type DrStackProps } from './dr-stack';
import type { NetworkStack } from './network-stack';
import type { ProtectionStack } from './protection-stack';

export { REDIS_EXPORT_SCHEDULE_IDS } from '../constructs/automation';

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

/**
 * The plan's backup strategy and backup validation on schedules. In both regions: the IaC backup,
 * and the Redis export (daily and weekly), the weekly full Aurora snapshot and the daily integrity
 * check, which act only where the writer (or the cache primary) is at run time. In the primary
 * region: where the stage runs them, the weekly restore tests. In the secondary region: the monthly
 * cross-region verification. In both: the region failover, which the secondary also starts on its
 * own when the stage allows automatic failover.
 */
export class AutomationStack extends DrStack {
  /** Each job's function, by the job's construct id (for example `IacBackup`). */
  public readonly functions: ReadonlyMap<string, DrFunction>;
  /** The Step Functions loops of the jobs that wait between steps, by the job's construct id (for example `RedisBackup`). */
  public readonly jobs: ReadonlyMap<string, SteppedJob>;
  /** The schedules, by name (for example `daily-backup-redis`). */
  public readonly schedules: ReadonlyMap<string, scheduler.Schedule>;
  public readonly scheduleDeadLetterQueue: sqs.Queue;
  public readonly alarms: AutomationAlarms;
  public readonly iacBucket: IacBackupBucket;
  /** Activates this region: promotes its Aurora and cache members (the plan's Disaster Scenario 1). */
  public readonly failover: RegionFailover;
  /**
   * In the secondary only: the failover decision's signal S2, its composite alarms and the DNS
   * fence alarm, which the primary record's health check in the DNS stack reads by name.
   */
  public readonly signals?: FailoverSignals;
  /** In the secondary, where the stage runs them: the plan's monthly DR tests (docs/runbooks/game-days.md). */
  public readonly gameDays?: GameDays;
  /** The database and cache restores of this region, which `dr restore` starts (docs/runbooks/aurora-restore-from-backup.md). */
  public readonly restores: RegionRestores;

  constructor(scope: Construct, props: AutomationStackProps) {
    super(scope, {
      ...props,
      purpose: 'Automation',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'backup and validation automation'),
    });
    const { config, regionConfig } = this;
    const key = new EncryptionKey(this, 'Key', {
      purpose: `DR automation logs, queues and environment in ${this.region}`,
      allowCloudWatchLogs: true,
    }).key;
    this.alarms = new AutomationAlarms(this, 'Alarms', {
      criticalTopic: props.alerting.alerts.topic('critical'),
      highTopic: props.alerting.alerts.topic('high'),
    });
    const jobScheduler = new JobScheduler(this, 'Schedules', {
      config,
      regionConfig,
      encryptionKey: key,
      alarms: this.alarms,
    });
    this.scheduleDeadLetterQueue = jobScheduler.deadLetterQueue;
    this.schedules = jobScheduler.schedules;
    this.iacBucket = new IacBackupBucket(this, 'IacBackups', {
      bucketName: iacBackupBucketName(config, regionConfig),
      noncurrentRetention: config.automation.iacBackupRetention,
      objectLock: { mode: config.objectLock.mode, retention: config.objectLock.iacBackupRetention },
    });

    const { network } = props.network;
    const context: AutomationJobContext = {
      config,
      regionConfig,
      encryptionKey: key,
      vpc: network.vpc,
      securityGroup: network.automationSecurityGroup,
      alarms: this.alarms,
      scheduler: jobScheduler,
    };
    const { peerRegion } = props;
    const { database, backupPlan } = props.data;
    // The backups and the daily check follow the writer: deployed in both regions, each run acts only
    // where this region's APIs say the Aurora writer or the cache primary is, so they go on after a
    // failover without a deploy.
    const jobs: AutomationJob[] = [
      new IacBackupJob(this, 'IacBackup', { context, peerRegion }),
      new IntegrityCheckJob(this, 'IntegrityCheck', { context, peerRegion, cluster: database.cluster }),
      new RedisBackupJob(this, 'RedisBackup', { context, peerRegion }),
      new WeeklyAuroraBackupJob(this, 'WeeklyAuroraBackup', { context, databaseKey: props.protection.databaseKey.key }),
      new AuroraSentinelJob(this, 'AuroraSentinel', { context }),
      // Started by the operator (dr warm-cache) in the region being recovered into; no schedule.
      new CacheWarmUpJob(this, 'CacheWarmUp', { context }),
    ];
    if (regionConfig.role === 'secondary') this.signals = this.failoverSignals(props, key);
    this.failover = this.regionFailover(props, key);
    this.gameDays = stageGameDays(this, {
      config,
      regionConfig,
      primaryRegion: peerRegion,
      scheduleGroup: jobScheduler.group,
      scheduleDeadLetterQueue: jobScheduler.deadLetterQueue,
      regionFailover: this.failover.stateMachine,
      paging: {
        incidentTable: props.alerting.escalation.table,
        incidentTableKey: props.alerting.alerts.key,
        ackCommand: `${PAGE_ACK_COMMAND} --stage ${config.stage} --region ${regionConfig.region}`,
      },
      highTopic: props.alerting.alerts.topic('high'),
      highTopicKey: props.alerting.alerts.key,
      encryptionKey: key,
      alarms: this.alarms,
    });
    this.restores = new RegionRestores(this, 'Restores', {
      config,
      regionConfig,
      encryptionKey: key,
      databaseKey: props.protection.databaseKey.key,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_ENGINE_VERSION }),
    });
    for (const [id, machine] of [
      ['DatabaseRestoreFailures', this.restores.database],
      ['CacheRestoreFailures', this.restores.cache],
    ] as const) {
      this.alarms.jobFailures(id, { stateMachine: machine.stateMachine, what: 'Recovery procedure failure' });
    }
    if (regionConfig.role === 'primary') {
      if (config.automation.restoreTests) {
        const group = props.cache.replicationGroup;
        jobs.push(
          new AuroraRestoreTestJob(this, 'RestoreValidation', {
            context,
            cluster: database.cluster,
            engineVersion: AURORA_ENGINE_VERSION.auroraPostgresFullVersion,
            vault: props.protection.vault.vault,
            restoreRole: backupPlan.role,
            subnetGroupName: database.subnetGroupName,
            securityGroup: database.securityGroup,
          }),
          new RedisRestoreTestJob(this, 'RedisRestoreTest', {
            context,
            subnetGroupName: group.subnetGroup.ref,
            securityGroup: group.securityGroup,
          }),
        );
      }
    } else {
      jobs.push(new CrossRegionVerificationJob(this, 'CrossRegionVerification', { context, peerRegion }));
      if (this.gameDays) {
        // The application game day's cache restore: the primary's exports, replicated here under their keys; no schedule.
        const group = props.cache.replicationGroup;
        jobs.push(
          new RedisRestoreTestJob(this, 'GameDayRedisRestoreTest', {
            context,
            subnetGroupName: group.subnetGroup.ref,
            securityGroup: group.securityGroup,
            exportsOf: peerRegion,
            scheduled: false,
          }),
        );
      }
    }

    this.functions = new Map(jobs.map((job) => [job.node.id, job.function]));
    this.jobs = new Map(jobs.flatMap((job) => (job.steppedJob ? [[job.node.id, job.steppedJob] as const] : [])));
  }

  /**
   * The decision of the secondary region (docs/runbooks/failover-decision.md): S1 is the canary's
   * failover alarm, S2 dns-view's alarm; both, their composites and the fence live here, the region
   * that must decide while the primary is gone.
   */
  private failoverSignals(props: AutomationStackProps, key: kms.IKey): FailoverSignals {
    const { config, regionConfig } = this;
    if (!props.peerProbeAlarm) {
      throw new Error(
        `${this.stackName}: the secondary's Automation stack needs peerProbeAlarm (ComputeStack.peerProbe.failoverAlarm), signal S1 of the failover decision`,
      );
    }
    const primary = props.peerRegion;
    return new FailoverSignals(this, 'FailoverSignals', {
      stage: config.stage,
      probeAlarm: props.peerProbeAlarm,
      names: failoverAlarmNames(config, regionConfig),
      dnsView: {
        zoneName: config.traffic.hostedZone.zoneName,
        failoverName: apiDomainName(config),
        primaryName: regionalApiDomainName(config, primary),
        secondaryName: regionalApiDomainName(config, regionConfig),
      },
      criticalTopic: props.alerting.alerts.topic('critical'),
      encryptionKey: key,
      vpc: props.network.network.vpc,
      securityGroup: props.network.network.automationSecurityGroup,
      alarms: this.alarms,
    });
  }

  /**
   * Every region can activate itself (the CLI starts it there); only the secondary starts it on its
   * own, when both signals of the decision say the primary is down and the stage allows automatic
   * failover. Only the secondary owns the DNS fence, so only its machine offers failback.
   */
  private regionFailover(props: AutomationStackProps, key: kms.IKey): RegionFailover {
    const { config, regionConfig } = this;
    const { signals } = this;
    const automatic = regionConfig.role === 'secondary' && config.automation.autoFailover;
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
              peerReplicationGroupId: cacheReplicationGroupId(config, props.peerRegion),
              globalDatastoreIdSuffix: cacheGlobalDatastoreSuffix(config),
            },
          }
        : {}),
      stage: config.stage,
      stageLabel: stageLabel(config),
      metricNamespace: METRICS_NAMESPACE,
      alertTopic: props.alerting.alerts.topic('critical'),
      alertTopicKey: props.alerting.alerts.key,
      encryptionKey: key,
      lockTableName: failoverLockTableName(config, regionConfig),
      activeRegionParameterName: parameters(config).activeRegion,
      initialActiveRegion: regionConfig.role === 'primary' ? regionConfig.region : props.peerRegion.region,
      cooldown: config.automation.failoverCooldown,
      ...(signals
        ? {
            fence: {
              metricName: METRIC.failoverFence,
              dimensions: { [DIMENSION.stage]: config.stage },
              alarmName: failoverAlarmNames(config, regionConfig).fence,
            },
          }
        : {}),
      ...(automatic && signals
        ? {
            decision: {
              probeAlarmName: failoverAlarmNames(config, regionConfig).probe,
              route53ViewAlarmName: failoverAlarmNames(config, regionConfig).route53View,
            },
            trigger: {
              // The table's `act` rows: both signals say the primary is down.
              alarm: signals.activateAlarm,
              // The schedules' retry policy: a blip must not lose the event, a dead one must show.
              retryAttempts: config.automation.scheduleRetryAttempts,
              maxEventAge: config.automation.scheduleMaxEventAge,
            },
          }
        : {}),
    });
    this.alarms.jobFailures('RegionFailoverFailures', {
      stateMachine: failover.stateMachine,
      what: 'Recovery procedure failure',
    });
    this.alarms.failoverTime('RegionFailoverTime', {
      stage: config.stage,
      region: regionConfig.region,
      objective: strictestCriticalRto(config.objectives),
    });
    if (failover.triggerDeadLetterQueue) {
      this.alarms.deadLetters('RegionFailoverTriggerDeadLetters', {
        queue: failover.triggerDeadLetterQueue,
        description:
          'Recovery procedure failure: the failover trigger could not start the region failover after every retry',
        severity: 'critical',
      });
    }
    return failover;
  }
}
