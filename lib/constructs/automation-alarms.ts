// Alarms of the DR automation: the plan's "Backup service degradation" and "Recovery procedure failures".
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DrFunction } from './dr-function';

/** Namespace of the metrics the DR functions emit (lambda/shared/observability.ts). */
export const DR_METRICS_NAMESPACE = 'AsyncToolformer/DR';

/** Dimensions Powertools puts on every metric of a function. */
export interface FunctionMetricDimensions {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
}

/** Props of {@link AutomationAlarms}. */
export interface AutomationAlarmsProps {
  readonly criticalTopic: sns.ITopic;
  readonly highTopic: sns.ITopic;
}

/** Alarms, each sent with its OK transition to the topic of its severity. */
export class AutomationAlarms extends Construct {
  private readonly critical: actions.SnsAction;
  private readonly high: actions.SnsAction;
  private readonly all: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AutomationAlarmsProps) {
    super(scope, id);
    this.critical = new actions.SnsAction(props.criticalTopic);
    this.high = new actions.SnsAction(props.highTopic);
  }

  /** Every alarm made so far. */
  public get alarms(): readonly cloudwatch.Alarm[] {
    return this.all;
  }

  private add(id: string, props: cloudwatch.AlarmProps, severity: 'critical' | 'high'): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = severity === 'critical' ? this.critical : this.high;
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.all.push(alarm);
    return alarm;
  }

  /**
   * Backup service degradation: the daily report's `backup_success_rate` under 100, or no report in
   * a day when `missingBreaches` (the check must run every day).
   */
  public backupSuccessRate(
    id: string,
    dimensions: FunctionMetricDimensions,
    missingBreaches: boolean,
  ): cloudwatch.Alarm {
    return this.add(
      id,
      {
        alarmDescription: `Backup service degradation: ${dimensions.service} found a backup missing, stale or unreadable${missingBreaches ? ', or did not report for a day' : ''}`,
        metric: new cloudwatch.Metric({
          namespace: DR_METRICS_NAMESPACE,
          metricName: 'backup_success_rate',
          dimensionsMap: { ...dimensions },
          statistic: 'Minimum',
          period: Duration.days(1),
        }),
        threshold: 100,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: missingBreaches
          ? cloudwatch.TreatMissingData.BREACHING
          : cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      'critical',
    );
  }

  /** Recovery procedure failures: any restore test that did not pass. */
  public recoveryTestResults(
    id: string,
    dimensions: FunctionMetricDimensions & { readonly component: string },
  ): cloudwatch.Alarm {
    return this.add(
      id,
      {
        alarmDescription: `Recovery procedure failure: the ${dimensions.component} restore test did not pass`,
        metric: new cloudwatch.Metric({
          namespace: DR_METRICS_NAMESPACE,
          metricName: 'recovery_test_results',
          dimensionsMap: { ...dimensions },
          statistic: 'Minimum',
          period: Duration.days(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      'critical',
    );
  }

  /** A job run that failed, timed out or was aborted: a backup or a restore test did not complete. */
  public jobFailures(id: string, stateMachine: sfn.StateMachine, what: string): cloudwatch.Alarm {
    const period = Duration.minutes(5);
    return this.add(
      id,
      {
        alarmDescription: `${what}: a run of ${stateMachine.stateMachineName} failed, timed out or was aborted`,
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: stateMachine.metricFailed({ period, statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
            aborted: stateMachine.metricAborted({ period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      'critical',
    );
  }

  /** Errors and throttles of a function, and events left in its dead-letter queue. */
  public functionHealth(id: string, fn: DrFunction): void {
    const period = Duration.minutes(5);
    const above = (metric: cloudwatch.IMetric, description: string, suffix: string) =>
      this.add(
        `${id}${suffix}`,
        {
          alarmDescription: description,
          metric,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
        'high',
      );
    above(fn.function.metricErrors({ period, statistic: 'Sum' }), `${id} raised errors`, 'Errors');
    above(fn.function.metricThrottles({ period, statistic: 'Sum' }), `${id} was throttled`, 'Throttles');
    this.deadLetters(`${id}DeadLetters`, fn.deadLetterQueue, `${id} dead-lettered an event`, 'high');
  }

  /** Messages in a dead-letter queue: an event that was never handled. */
  public deadLetters(
    id: string,
    queue: sqs.IQueue,
    description: string,
    severity: 'critical' | 'high',
  ): cloudwatch.Alarm {
    return this.add(
      id,
      {
        alarmDescription: description,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      severity,
    );
  }
}
