// Alarms of the DR automation: the plan's "Backup service degradation" and "Recovery procedure failures".
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RecoveryObjective } from '../config';
import { DIMENSION, METRIC, METRICS_NAMESPACE, type RestoreTestComponent } from '../contract';
import type { DrFunction } from './dr-function';

/** Dimensions Powertools puts on every metric of a function. */
export interface FunctionMetricDimensions {
  /** The function's service name (lib/contract `FUNCTIONS`). */
  readonly service: string;
  readonly stage: string;
  readonly region: string;
}

/** Severity of an alarm: the topic it is sent to. */
export type AutomationAlarmSeverity = 'critical' | 'high';

/** Props of {@link AutomationAlarms}. */
export interface AutomationAlarmsProps {
  readonly criticalTopic: sns.ITopic;
  readonly highTopic: sns.ITopic;
}

/** Props of {@link AutomationAlarms.backupSuccessRate}. */
export interface BackupSuccessRateAlarmProps {
  /** Dimensions of the function that reports the rate. */
  readonly dimensions: FunctionMetricDimensions;
  /**
   * Whether a day without a report breaches: true for a check that must run every day.
   * @default false
   */
  readonly missingReportBreaches?: boolean;
}

/** Props of {@link AutomationAlarms.recoveryTestResults}. */
export interface RecoveryTestResultsAlarmProps {
  /**
   * Dimensions of the function that reports the result, and what it restored: a restore test of one
   * component reports `component`, a verification of every copy (cross-region) reports none.
   */
  readonly dimensions: FunctionMetricDimensions & { readonly component?: RestoreTestComponent };
}

/** Props of {@link AutomationAlarms.failoverTime}. */
export interface FailoverTimeAlarmProps {
  /** The stage, the `stage` dimension the region failover state machine publishes with. */
  readonly stage: string;
  /** The region whose state machine publishes it. */
  readonly region: string;
  /**
   * A failover slower than this pages: the stage's recovery time objective of the API, which the
   * failover is one part of.
   */
  readonly objective: Duration;
}

/** Props of {@link AutomationAlarms.jobFailures}. */
export interface JobFailuresAlarmProps {
  /** The job's state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The plan's name of what a failed run means, for example `Backup service degradation`. */
  readonly what: string;
}

/** Props of {@link AutomationAlarms.deadLetters}. */
export interface DeadLettersAlarmProps {
  /** The dead-letter queue watched. */
  readonly queue: sqs.IQueue;
  /** What a message in it means. */
  readonly description: string;
  readonly severity: AutomationAlarmSeverity;
}

/**
 * The shortest recovery time objective of the critical components: a failover moves the writer and
 * the cache primary they all depend on, so it must end within the strictest of them.
 */
export function strictestCriticalRto(objectives: readonly RecoveryObjective[]): Duration {
  const critical = objectives.filter((objective) => objective.priority === 'critical');
  if (critical.length === 0) throw new Error('the stage has no critical recovery objective to hold a failover to');
  return critical.reduce((strictest, objective) =>
    objective.rto.toSeconds() < strictest.rto.toSeconds() ? objective : strictest,
  ).rto;
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

  private add(id: string, props: cloudwatch.AlarmProps, severity: AutomationAlarmSeverity): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = severity === 'critical' ? this.critical : this.high;
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.all.push(alarm);
    return alarm;
  }

  /**
   * Backup service degradation: a run's `backup_success_rate` under 100 (a check's report, or 0 for a
   * backup job that failed), or no report in a day when a missing report breaches.
   */
  public backupSuccessRate(id: string, props: BackupSuccessRateAlarmProps): cloudwatch.Alarm {
    const { dimensions } = props;
    const missingBreaches = props.missingReportBreaches ?? false;
    return this.add(
      id,
      {
        alarmDescription: `Backup service degradation: ${dimensions.service} reported under 100 % (a backup failed, or was missing, stale or unreadable)${missingBreaches ? ', or did not report for a day' : ''}`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.backupSuccessRate,
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

  /**
   * A job that follows the writer and did not run in a day: it records `backup_job_skipped` on every
   * run, 1 where it found the writer elsewhere and 0 where it acted, so a day without any datapoint
   * is a run that never decided, in either region. A skip keeps this alarm quiet but never moves
   * `backup_success_rate`, which only checks that ran may move.
   */
  public jobDidNotRun(id: string, props: { readonly dimensions: FunctionMetricDimensions }): cloudwatch.Alarm {
    const { dimensions } = props;
    return this.add(
      id,
      {
        alarmDescription: `Backup service degradation: ${dimensions.service} did not run for a day (neither checked nor found the writer in the other region)`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.backupJobSkipped,
          dimensionsMap: { ...dimensions },
          statistic: 'SampleCount',
          period: Duration.days(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
      'critical',
    );
  }

  /** Recovery procedure failures: any restore test that did not pass. */
  public recoveryTestResults(id: string, props: RecoveryTestResultsAlarmProps): cloudwatch.Alarm {
    const { dimensions } = props;
    const what = dimensions.component ? `the ${dimensions.component} restore test` : dimensions.service;
    return this.add(
      id,
      {
        alarmDescription: `Recovery procedure failure: ${what} did not pass`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.recoveryTestResults,
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

  /**
   * A region failover that took longer than the recovery time objective: the state machine records
   * `failover_time_seconds` once per run that promoted something, so no datapoint is no failover.
   */
  public failoverTime(id: string, props: FailoverTimeAlarmProps): cloudwatch.Alarm {
    return this.add(
      id,
      {
        alarmDescription: `Recovery procedure failure: a failover to ${props.region} took longer than the ${props.objective.toMinutes()}-minute recovery time objective`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.failoverTimeSeconds,
          dimensionsMap: { [DIMENSION.stage]: props.stage, [DIMENSION.region]: props.region },
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: props.objective.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      'critical',
    );
  }

  /** A job run that failed, timed out or was aborted: a backup or a restore test did not complete. */
  public jobFailures(id: string, props: JobFailuresAlarmProps): cloudwatch.Alarm {
    const { stateMachine, what } = props;
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

  /** Errors and throttles of a function, and events left in its dead-letter queue; `id` names the function. */
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
    this.deadLetters(`${id}DeadLetters`, {
      queue: fn.deadLetterQueue,
      description: `${id} dead-lettered an event`,
      severity: 'high',
    });
  }

  /** Messages in a dead-letter queue: an event that was never handled. */
  public deadLetters(id: string, props: DeadLettersAlarmProps): cloudwatch.Alarm {
    return this.add(
      id,
      {
        alarmDescription: props.description,
        metric: props.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      props.severity,
    );
  }
}
