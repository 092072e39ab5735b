// Alarms of one regional Aurora cluster: global replication lag against the RPO, and cluster health.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RegionRole } from '../config';

/**
 * Health thresholds, sized for r7g.large (2 vCPU, 16 GiB, about 1,800 connections). Kept as data so
 * a change of instance class changes one table.
 */
export const DATABASE_HEALTH_THRESHOLDS = {
  /** Average CPU over three 5-minute periods. */
  cpuPercent: 80,
  /** Less free memory than this on average means the buffer cache is being squeezed. */
  freeableMemoryBytes: 1024 ** 3,
  /** 80% of what r7g.large allows. */
  connections: 1_450,
  /** Readers in the region this far behind serve stale reads and slow an in-region failover. */
  replicaLag: Duration.seconds(30),
} as const;

/** Props of {@link DatabaseAlarms}. */
export interface DatabaseAlarmsProps {
  readonly cluster: rds.IDatabaseCluster;
  /** Role of the cluster's region. */
  readonly role: RegionRole;
  /** `AuroraGlobalDBRPOLag` above this pages the critical topic. */
  readonly globalLagThreshold: Duration;
  /** Topic of replication-lag alarms, which put the RPO at risk. */
  readonly criticalTopic: sns.ITopic;
  /** Topic of cluster health alarms. */
  readonly highTopic: sns.ITopic;
}

/** The alarms of one cluster, all wired to a topic with alarm and OK actions. */
export class DatabaseAlarms extends Construct {
  public readonly globalLag: cloudwatch.Alarm;
  public readonly health: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const { cluster } = props;
    const metric = (metricName: string, statistic: string, period = Duration.minutes(5)) =>
      cluster.metric(metricName, { statistic, period });

    // Emitted only where the cluster is a secondary. There, no data means replication is not
    // reporting and counts as a breach; in the primary region it appears only after a failover.
    this.globalLag = new cloudwatch.Alarm(this, 'GlobalReplicationLag', {
      alarmDescription: `Cross-region replication lag of ${cluster.clusterIdentifier} is over ${props.globalLagThreshold.toHumanString()}: the Core API RPO is at risk`,
      metric: metric('AuroraGlobalDBRPOLag', 'Maximum', Duration.minutes(1)),
      threshold: props.globalLagThreshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData:
        props.role === 'secondary' ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notify(this.globalLag, props.criticalTopic);

    const t = DATABASE_HEALTH_THRESHOLDS;
    const health = [
      new cloudwatch.Alarm(this, 'CpuHigh', {
        alarmDescription: `CPU of ${cluster.clusterIdentifier} above ${t.cpuPercent}% for 15 minutes`,
        metric: metric('CPUUtilization', 'Average'),
        threshold: t.cpuPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      }),
      new cloudwatch.Alarm(this, 'FreeableMemoryLow', {
        alarmDescription: `Freeable memory of ${cluster.clusterIdentifier} under 1 GiB for 15 minutes`,
        metric: metric('FreeableMemory', 'Average'),
        threshold: t.freeableMemoryBytes,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
      }),
      new cloudwatch.Alarm(this, 'ConnectionsHigh', {
        alarmDescription: `Connections to ${cluster.clusterIdentifier} above ${t.connections} for 10 minutes`,
        metric: metric('DatabaseConnections', 'Maximum'),
        threshold: t.connections,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      }),
      new cloudwatch.Alarm(this, 'ReplicaLagHigh', {
        alarmDescription: `In-region reader lag of ${cluster.clusterIdentifier} above ${t.replicaLag.toHumanString()}`,
        metric: metric('AuroraReplicaLagMaximum', 'Maximum', Duration.minutes(1)),
        threshold: t.replicaLag.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // A cluster without readers (staging) emits nothing here.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of health) this.notify(alarm, props.highTopic);
    this.health = health;
  }

  private notify(alarm: cloudwatch.Alarm, topic: sns.ITopic): void {
    const action = new actions.SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
