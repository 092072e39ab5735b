// The alarms on each game day's results: a failed checklist item, and a scheduled run that wrote no result.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { DIMENSION, METRIC, METRICS_NAMESPACE } from '../../contract';
import { GAME_DAY_RECORDER, type GameDayId } from '../../contract/game-days';
import type { GameDaysProps } from './index';

/** A failed checklist item, and a scheduled run without a result, each page high. */
export function resultAlarms(scope: Construct, gameDay: GameDayId, props: GameDaysProps): cloudwatch.Alarm[] {
  const region = Stack.of(scope).region;
  const dimensions = {
    [DIMENSION.service]: GAME_DAY_RECORDER.service,
    [DIMENSION.stage]: props.stage,
    [DIMENSION.region]: region,
    [DIMENSION.gameDay]: gameDay,
  };
  const name = pascal(gameDay);
  const failed = new cloudwatch.Alarm(scope, `${name}ChecksFailedAlarm`, {
    alarmDescription: `Recovery procedure failures: the ${gameDay} game day failed a DR Test Checklist item (or could not write its result); read report.md of the run`,
    metric: new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.gameDayChecksFailed,
      dimensionsMap: dimensions,
      statistic: 'Maximum',
      period: Duration.hours(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // One datapoint per run: the hours between runs are no failure.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const overdue = new cloudwatch.Alarm(scope, `${name}ResultOverdueAlarm`, {
    alarmDescription: `Recovery procedure failures: the ${gameDay} game day's scheduled run wrote no result within ${props.settings.resultGrace.toHumanString()}, or the daily audit did not run`,
    metric: new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.gameDayResultOverdue,
      dimensionsMap: dimensions,
      statistic: 'Maximum',
      period: Duration.days(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // The audit reports every day: a day without its datapoint is an audit that did not run, so nothing checked.
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  const action = new actions.SnsAction(props.highTopic);
  for (const alarm of [failed, overdue]) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return [failed, overdue];
}

/** `database` → `Database`, for construct ids. */
export function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
