// Alarms on a ReplicatedBucket's replication: any failed object, and latency past a threshold near Replication Time Control's 15 minutes.
import { Token, type Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ReplicatedBucket } from './replicated-bucket';

/** Props of {@link ReplicationAlarms}. */
export interface ReplicationAlarmsProps {
  /** The bucket whose replication to watch; it must replicate. */
  readonly bucket: ReplicatedBucket;
  /** Topic of both alarms, told when they fire and when they recover. */
  readonly topic: sns.ITopic;
  /**
   * `ReplicationLatency` above this raises an alert. Replication Time Control replicates 99.99 % of
   * objects within 15 minutes; a threshold just under that warns before the bound is missed.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
   */
  readonly latencyThreshold: Duration;
  /**
   * 5-minute periods the latency must stay above the threshold before the alarm fires.
   * @default 1
   */
  readonly latencyEvaluationPeriods?: number;
  /** What objects that did not replicate put at risk, for the alarm description. */
  readonly failureImpact: string;
  /**
   * Prefix of the alarm names: `<prefix>-failed-replication` and `<prefix>-replication-latency`.
   * @default - CloudFormation generates the names
   */
  readonly alarmNamePrefix?: string;
}

/** Failed replications and replication latency of one {@link ReplicatedBucket}. */
export class ReplicationAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ReplicationAlarmsProps) {
    super(scope, id);
    const { bucket, latencyThreshold, alarmNamePrefix } = props;
    const latencyEvaluationPeriods = props.latencyEvaluationPeriods ?? 1;
    const replication = bucket.replication;
    if (!replication) {
      throw new Error(
        `bucket ${bucket.node.path} does not replicate, so there is nothing to alarm on; give it replication or drop ${this.node.path}`,
      );
    }
    if (!Token.isUnresolved(latencyThreshold.toSeconds()) && latencyThreshold.toSeconds() <= 0) {
      throw new Error(`latencyThreshold must be longer than 0 seconds, got: ${latencyThreshold.toHumanString()}`);
    }
    if (!Number.isInteger(latencyEvaluationPeriods) || latencyEvaluationPeriods < 1) {
      throw new Error(
        `latencyEvaluationPeriods must be a whole number of at least 1, got: ${latencyEvaluationPeriods}`,
      );
    }
    const source = bucket.bucketName;
    const destination = `${replication.destination.bucketName} (${replication.destination.env.region})`;
    const name = (suffix: string) => (alarmNamePrefix ? { alarmName: `${alarmNamePrefix}-${suffix}` } : {});
    this.alarms = [
      new cloudwatch.Alarm(this, 'FailedReplication', {
        ...name('failed-replication'),
        alarmDescription: `Objects of ${source} failed to replicate to ${destination}: ${props.failureImpact}`,
        metric: bucket.metricReplication('OperationsFailedReplication'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ReplicationLatency', {
        ...name('replication-latency'),
        alarmDescription:
          `Replication of ${source} to ${destination} is over ${latencyThreshold.toHumanString()} behind; ` +
          'Replication Time Control promises 15 minutes',
        metric: bucket.metricReplication('ReplicationLatency'),
        threshold: latencyThreshold.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: latencyEvaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of this.alarms) {
      // OK actions too, so the alert resolves itself when replication recovers.
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
    }
  }
}
