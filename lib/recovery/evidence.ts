// What the synthesized stacks configure that recovery depends on, read from their CloudFormation resources.
import { type CfnResource, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';
import type { RegionRole } from '../config';
import type { DrStacks } from '../dr-app';
import { longestGap } from './cron-interval';
import { CLOUDFRONT_DEFAULT_CONNECTION_ATTEMPTS, SERVICE_TIMINGS } from './service-timings';

/** A value read from the app, with the resource and property it came from. */
export interface Read<T> {
  readonly value: T;
  /** The resource's construct path and the property read, for people. */
  readonly source: string;
  /** Construct path of the resource, for tools: nag findings are reported there. */
  readonly path?: string;
}

/** An alarm that decides something: how long it takes to go off. */
export interface AlarmTiming {
  /** Seconds of one evaluation period. */
  readonly period: number;
  /** Breaching periods before it goes off. */
  readonly datapoints: number;
}

/** The recovery-relevant configuration of one stage, as synthesized. */
export interface RecoveryEvidence {
  /** Route 53 health checks behind the failover records: the slowest one decides. */
  readonly healthCheck?: Read<{ readonly interval: number; readonly failureThreshold: number }>;
  /** TTL of the failover records in seconds: fixed for aliases. */
  readonly failoverRecordTtl?: Read<number>;
  /** Signal S1 (the canary's failover alarm in the secondary), when an automated failover listens to it. */
  readonly failoverTrigger?: Read<AlarmTiming>;
  /** Both signals of the automated failover decision, when there is one. */
  readonly failoverDecision?: {
    /** S1: the canary's failover alarm in the secondary. */
    readonly probe: Read<AlarmTiming>;
    /** S2: dns-view's alarm on Route 53's answer, high-resolution. */
    readonly route53View: Read<AlarmTiming>;
    /** Seconds an activation waits for the cache's Global Datastore failover before detaching. */
    readonly cacheActivateDeadline?: Read<number>;
  };
  /** The out-of-region canary alarm of each region: the region that watches the other. */
  readonly peerProbe: Readonly<Partial<Record<RegionRole, Read<AlarmTiming>>>>;
  readonly aurora: {
    /** Whether the secondary cluster is a member of a global cluster. */
    readonly globalMember: Read<boolean>;
    /** Instances of the secondary cluster: 0 is headless and must create one before promotion. */
    readonly secondaryInstances: Read<number>;
    /** `AuroraGlobalDBRPOLag` alarm threshold in seconds, in the secondary region. */
    readonly lagAlarm?: Read<number>;
    /** Longest gap between backup copies into the secondary region, in seconds. */
    readonly crossRegionCopyInterval?: Read<number>;
  };
  readonly cache: {
    /** Whether the secondary replication group is a member of a Global Datastore. */
    readonly globalDatastore: Read<boolean>;
    /** Largest `GlobalDatastoreReplicationLag` alarm threshold in seconds. */
    readonly lagAlarm?: Read<number>;
    /** Longest gap between Redis exports to S3, in seconds. */
    readonly exportInterval?: Read<number>;
    /** Whether the primary backup bucket replicates with Replication Time Control. */
    readonly backupReplicationTimeControl: Read<boolean>;
  };
  readonly docs: {
    /** How long CloudFront tries the primary origin before it uses the fallback, in seconds. */
    readonly originFailover?: Read<number>;
    /** Whether the primary docs bucket replicates with Replication Time Control. */
    readonly replicationTimeControl: Read<boolean>;
  };
}

/** Every CloudFormation resource of `type` under `scope`. */
export function resourcesOf<T extends CfnResource>(scope: IConstruct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.findAll().filter((child): child is T => child instanceof type);
}

function resolved(resource: CfnResource, value: unknown): unknown {
  return Stack.of(resource).resolve(value);
}

function where(resource: CfnResource, property: string): string {
  return `${resource.node.path} ${property}`;
}

/** The `source` and `path` of a value read from `property` of `resource`. */
function at(resource: CfnResource, property: string): { source: string; path: string } {
  return { source: where(resource, property), path: resource.node.path };
}

/** Metric names an alarm watches, whether through one metric or metric math. */
function alarmMetricNames(alarm: cloudwatch.CfnAlarm): string[] {
  const names = [resolved(alarm, alarm.metricName)];
  const metrics = resolved(alarm, alarm.metrics) as
    { metricStat?: { metric?: { metricName?: unknown } } }[] | undefined;
  for (const metric of metrics ?? []) names.push(metric.metricStat?.metric?.metricName);
  return names.filter((name): name is string => typeof name === 'string');
}

function alarmsOn(scope: IConstruct, metricName: string): cloudwatch.CfnAlarm[] {
  return resourcesOf(scope, cloudwatch.CfnAlarm).filter((alarm) => alarmMetricNames(alarm).includes(metricName));
}

/** Period of an alarm: of its metric, or of the metric math's inputs. */
function alarmPeriod(alarm: cloudwatch.CfnAlarm): number {
  const direct = resolved(alarm, alarm.period);
  if (typeof direct === 'number') return direct;
  const metrics = (resolved(alarm, alarm.metrics) ?? []) as { metricStat?: { period?: number }; period?: number }[];
  return Math.max(0, ...metrics.map((metric) => metric.metricStat?.period ?? metric.period ?? 0));
}

/** The timing of an alarm construct (an L2 `Alarm`), read from its CloudFormation resource. */
export function alarmTiming(alarm: IConstruct): Read<AlarmTiming> {
  const resource = alarm.node.defaultChild;
  if (!(resource instanceof cloudwatch.CfnAlarm)) throw new Error(`${alarm.node.path} is not a CloudWatch alarm`);
  const evaluationPeriods = resolved(resource, resource.evaluationPeriods) as number;
  const datapoints = (resolved(resource, resource.datapointsToAlarm) as number | undefined) ?? evaluationPeriods;
  return {
    value: { period: alarmPeriod(resource), datapoints },
    ...at(resource, 'Period x DatapointsToAlarm'),
  };
}

/** The largest threshold of the alarms on `metricName`, scaled to seconds. */
function lagAlarm(scope: IConstruct, metricName: string, secondsPerUnit: number): Read<number> | undefined {
  const alarms = alarmsOn(scope, metricName);
  if (alarms.length === 0) return undefined;
  const loosest = alarms
    .map((alarm) => ({ alarm, threshold: resolved(alarm, alarm.threshold) as number }))
    .sort((a, b) => b.threshold - a.threshold)[0]!;
  return { value: loosest.threshold * secondsPerUnit, ...at(loosest.alarm, `Threshold (${metricName})`) };
}

function healthCheck(stacks: DrStacks): RecoveryEvidence['healthCheck'] {
  const checks = Object.values(stacks.dns.healthChecks).map(
    (check) => check.healthCheck.node.defaultChild as route53.CfnHealthCheck,
  );
  const read = checks.map((check) => {
    const config = resolved(check, check.healthCheckConfig) as { requestInterval?: number; failureThreshold?: number };
    // Route 53's defaults when a check leaves them out.
    return { check, interval: config.requestInterval ?? 30, failureThreshold: config.failureThreshold ?? 3 };
  });
  const slowest = read.sort((a, b) => b.interval * b.failureThreshold - a.interval * a.failureThreshold)[0];
  if (!slowest) return undefined;
  return {
    value: { interval: slowest.interval, failureThreshold: slowest.failureThreshold },
    ...at(slowest.check, 'HealthCheckConfig.RequestInterval x FailureThreshold'),
  };
}

function failoverRecordTtl(stacks: DrStacks): RecoveryEvidence['failoverRecordTtl'] {
  const records = resourcesOf(stacks.dns, route53.CfnRecordSet).filter((record) => resolved(record, record.failover));
  if (records.length === 0) return undefined;
  const ttls = records.map((record) => {
    if (resolved(record, record.aliasTarget)) {
      return { value: SERVICE_TIMINGS.aliasRecordTtl.duration.toSeconds(), ...at(record, 'AliasTarget') };
    }
    return { value: Number(resolved(record, record.ttl) ?? 0), ...at(record, 'TTL') };
  });
  return ttls.sort((a, b) => b.value - a.value)[0];
}

/** Whether any replication rule of the bucket has Replication Time Control enabled. */
function replicationTimeControl(bucket: s3.CfnBucket): Read<boolean> {
  const configuration = resolved(bucket, bucket.replicationConfiguration) as
    { rules?: { status?: string; destination?: { replicationTime?: { status?: string } } }[] } | undefined;
  const enabled = (configuration?.rules ?? []).some(
    (rule) => rule.status === 'Enabled' && rule.destination?.replicationTime?.status === 'Enabled',
  );
  return { value: enabled, ...at(bucket, 'ReplicationConfiguration.Rules[].Destination.ReplicationTime') };
}

function cfnBucket(bucket: s3.IBucket): s3.CfnBucket {
  return bucket.node.defaultChild as s3.CfnBucket;
}

function aurora(stacks: DrStacks): RecoveryEvidence['aurora'] {
  const secondary = stacks.secondary.data;
  const cluster = secondary.database.cluster.node.defaultChild as rds.CfnDBCluster;
  const instances = resourcesOf(secondary, rds.CfnDBInstance);
  const copyRules = resourcesOf(stacks.primary.data, backup.CfnBackupPlan).flatMap((plan) => {
    const document = resolved(plan, plan.backupPlan) as {
      backupPlanRule?: { scheduleExpression?: string; copyActions?: unknown[] }[];
    };
    return (document.backupPlanRule ?? [])
      .filter((rule) => (rule.copyActions ?? []).length > 0 && rule.scheduleExpression)
      .map((rule) => ({ plan, cron: rule.scheduleExpression! }));
  });
  return {
    globalMember: {
      value: Boolean(resolved(cluster, cluster.globalClusterIdentifier)),
      ...at(cluster, 'GlobalClusterIdentifier'),
    },
    secondaryInstances: {
      value: instances.length,
      source: `${secondary.node.path} AWS::RDS::DBInstance count`,
    },
    lagAlarm: lagAlarm(secondary, 'AuroraGlobalDBRPOLag', 1 / 1000),
    crossRegionCopyInterval:
      copyRules.length === 0
        ? undefined
        : {
            value: longestGap(copyRules.map((rule) => rule.cron)),
            ...at(copyRules[0]!.plan, 'BackupPlan.BackupPlanRule[].ScheduleExpression (rules with CopyActions)'),
          },
  };
}

function cache(stacks: DrStacks, exportScheduleIds: readonly string[]): RecoveryEvidence['cache'] {
  const group = stacks.secondary.cache.replicationGroup.resource;
  const exports = exportScheduleIds
    .map((id) => stacks.primary.automation.schedules.get(id)?.node.defaultChild)
    .filter((resource): resource is scheduler.CfnSchedule => resource instanceof scheduler.CfnSchedule);
  return {
    globalDatastore: {
      value:
        stacks.primary.cache.globalDatastore !== undefined && Boolean(resolved(group, group.globalReplicationGroupId)),
      ...at(group, 'GlobalReplicationGroupId'),
    },
    lagAlarm:
      lagAlarm(stacks.secondary.cache, 'GlobalDatastoreReplicationLag', 1) ??
      lagAlarm(stacks.primary.cache, 'GlobalDatastoreReplicationLag', 1),
    exportInterval:
      exports.length === 0
        ? undefined
        : {
            value: longestGap(exports.map((schedule) => resolved(schedule, schedule.scheduleExpression) as string)),
            source: exports.map((schedule) => where(schedule, 'ScheduleExpression')).join(' + '),
            path: exports[0]!.node.path,
          },
    backupReplicationTimeControl: replicationTimeControl(cfnBucket(stacks.primary.cacheBackup.backup.bucket)),
  };
}

function docs(stacks: DrStacks): RecoveryEvidence['docs'] {
  const distributions = resourcesOf(stacks.primary.docs, cloudfront.CfnDistribution);
  let originFailover: Read<number> | undefined;
  for (const distribution of distributions) {
    const config = resolved(distribution, distribution.distributionConfig) as {
      originGroups?: { items?: { members?: { items?: { originId: string }[] } }[] };
      origins?: { id: string; connectionAttempts?: number; connectionTimeout?: number }[];
    };
    for (const group of config.originGroups?.items ?? []) {
      const primaryId = group.members?.items?.[0]?.originId;
      const origin = config.origins?.find((candidate) => candidate.id === primaryId);
      if (!origin) continue;
      const attempts = origin.connectionAttempts ?? CLOUDFRONT_DEFAULT_CONNECTION_ATTEMPTS;
      const timeout =
        origin.connectionTimeout ?? SERVICE_TIMINGS.cloudFrontDefaultConnectionTimeout.duration.toSeconds();
      originFailover = {
        value: attempts * timeout,
        ...at(distribution, 'DistributionConfig.Origins[primary].ConnectionAttempts x ConnectionTimeout'),
      };
    }
  }
  return {
    ...(originFailover ? { originFailover } : {}),
    replicationTimeControl: replicationTimeControl(cfnBucket(stacks.primary.docs.bucket)),
  };
}

/** Options of {@link readEvidence}: where the app keeps what is not a plain resource property. */
export interface EvidenceOptions {
  /** Ids of the automation schedules that export Redis to S3. */
  readonly redisExportScheduleIds: readonly string[];
  /** The automated failover decision into the secondary, if any: its two signals' alarms. */
  readonly failoverDecision?: {
    readonly probe: IConstruct;
    readonly route53View: IConstruct;
    /** Seconds, and the construct path it is a prop of. */
    readonly cacheActivateDeadline?: { readonly seconds: number; readonly path: string };
  };
}

/** Reads the recovery evidence of one stage from its synthesized stacks. */
export function readEvidence(stacks: DrStacks, options: EvidenceOptions): RecoveryEvidence {
  const peerProbe: Partial<Record<RegionRole, Read<AlarmTiming>>> = {};
  for (const role of ['primary', 'secondary'] as const) {
    peerProbe[role] = alarmTiming(stacks[role].compute.peerProbe.alarm);
  }
  const healthCheckRead = healthCheck(stacks);
  const ttl = failoverRecordTtl(stacks);
  return {
    ...(healthCheckRead ? { healthCheck: healthCheckRead } : {}),
    ...(ttl ? { failoverRecordTtl: ttl } : {}),
    ...(options.failoverDecision
      ? {
          failoverTrigger: alarmTiming(options.failoverDecision.probe),
          failoverDecision: {
            probe: alarmTiming(options.failoverDecision.probe),
            route53View: alarmTiming(options.failoverDecision.route53View),
            ...(options.failoverDecision.cacheActivateDeadline
              ? {
                  cacheActivateDeadline: {
                    value: options.failoverDecision.cacheActivateDeadline.seconds,
                    source: `${options.failoverDecision.cacheActivateDeadline.path} (RegionFailover cache.activateDeadline)`,
                    path: options.failoverDecision.cacheActivateDeadline.path,
                  },
                }
              : {}),
          },
        }
      : {}),
    peerProbe,
    aurora: aurora(stacks),
    cache: cache(stacks, options.redisExportScheduleIds),
    docs: docs(stacks),
  };
}
