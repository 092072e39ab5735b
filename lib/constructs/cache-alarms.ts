// Alarms of the cache tier: metric definitions first, then the alarms on them, each wired to a severity topic.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

const ONE_MINUTE = Duration.minutes(1);

/** One ElastiCache metric per node cluster, then the maximum across them: the worst node decides. */
export function worstNodeMetric(
  metricName: string,
  nodeClusterIds: readonly string[],
  label: string,
): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  nodeClusterIds.forEach((cacheClusterId, index) => {
    usingMetrics[`n${index}`] = new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache',
      metricName,
      dimensionsMap: { CacheClusterId: cacheClusterId },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: ONE_MINUTE,
    });
  });
  return new cloudwatch.MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(',')}])`,
    usingMetrics,
    label,
    period: ONE_MINUTE,
  });
}

function notify(alarm: cloudwatch.Alarm, topic: sns.ITopic): cloudwatch.Alarm {
  // OK actions too, so the page resolves itself when the metric recovers.
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
  return alarm;
}

/** Props of {@link CacheAlarms}. */
export interface CacheAlarmsProps {
  /** Prefix of alarm names, for example `async-toolformer-prod-use1-cache`. */
  readonly alarmNamePrefix: string;
  /** Node clusters of the replication group (`<group>-001` ...). */
  readonly nodeClusterIds: readonly string[];
  /** `ReplicationLag` of any replica above this pages critical: an in-region failover would lose that much. */
  readonly replicationLagThreshold: Duration;
  /**
   * `GlobalDatastoreReplicationLag` above this pages critical. Only the secondary region emits it.
   * @default - no Global Datastore lag alarm (primary region, or no Global Datastore)
   */
  readonly globalReplicationLagThreshold?: Duration;
  /** `EngineCPUUtilization` percentage of any node that raises a high alert. */
  readonly engineCpuPercent: number;
  /** `DatabaseMemoryUsagePercentage` of any node that raises a high alert. */
  readonly memoryPercent: number;
  /** Topic of alarms that put the rate-limiting RPO at risk. */
  readonly criticalTopic: sns.ITopic;
  /** Topic of alarms that need attention within the hour. */
  readonly highTopic: sns.ITopic;
}

/** Replication lag (global and in-region), engine CPU and memory of one replication group. */
export class CacheAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: CacheAlarmsProps) {
    super(scope, id);
    const name = (suffix: string) => `${props.alarmNamePrefix}-${suffix}`;
    const nodes = props.nodeClusterIds;

    if (props.globalReplicationLagThreshold) {
      this.alarms.push(
        notify(
          new cloudwatch.Alarm(this, 'GlobalReplicationLag', {
            alarmName: name('global-replication-lag'),
            alarmDescription:
              'Global Datastore lag is eating into the 1 minute rate-limiting RPO; no data means replication stopped',
            metric: worstNodeMetric('GlobalDatastoreReplicationLag', nodes, 'Global Datastore lag (s)'),
            threshold: props.globalReplicationLagThreshold.toSeconds(),
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          }),
          props.criticalTopic,
        ),
      );
    }
    this.alarms.push(
      notify(
        new cloudwatch.Alarm(this, 'ReplicationLag', {
          alarmName: name('replication-lag'),
          alarmDescription: 'A replica lags its primary: an in-region failover now would lose that much',
          metric: worstNodeMetric('ReplicationLag', nodes, 'Replica lag (s)'),
          threshold: props.replicationLagThreshold.toSeconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        props.criticalTopic,
      ),
      notify(
        new cloudwatch.Alarm(this, 'EngineCpu', {
          alarmName: name('engine-cpu'),
          alarmDescription: 'The Valkey engine thread of a node is saturated: latency of rate-limit checks rises',
          metric: worstNodeMetric('EngineCPUUtilization', nodes, 'Engine CPU (%)'),
          threshold: props.engineCpuPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.MISSING,
        }),
        props.highTopic,
      ),
      notify(
        new cloudwatch.Alarm(this, 'Memory', {
          alarmName: name('memory'),
          alarmDescription: 'A node is close to maxmemory: counters start being evicted early',
          metric: worstNodeMetric('DatabaseMemoryUsagePercentage', nodes, 'Memory used (%)'),
          threshold: props.memoryPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.MISSING,
        }),
        props.highTopic,
      ),
    );
  }
}
