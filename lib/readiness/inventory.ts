// The schedules and alarms of a built stage, read off their CloudFormation resources for the readiness report.
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { resourcesOf } from '../recovery/evidence';

/** One EventBridge Scheduler schedule. */
export interface ScheduleRow {
  readonly name: string;
  readonly region: string;
  /** The schedule expression, for example `cron(0 2 * * ? *)`. */
  readonly expression: string;
  readonly timezone: string;
  /** The construct path of what it starts: a function or a state machine. */
  readonly target: string;
  readonly purpose: string;
  readonly retryAttempts?: number;
  readonly deadLetterQueue: boolean;
}

/** One CloudWatch alarm. */
export interface AlarmRow {
  /** Construct path of the alarm, without the trailing `/Resource`. */
  readonly alarm: string;
  readonly region: string;
  /** `Namespace MetricName`, or the metric math expression with the metrics it reads. */
  readonly metric: string;
  /** `> 60000`, `< 100`: comparison and threshold. */
  readonly threshold: string;
  /** `60 s x 2 of 2`: period, datapoints to alarm, evaluation periods. */
  readonly evaluation: string;
  /** Names of the SNS topics its ALARM state notifies. */
  readonly topics: readonly string[];
  readonly description: string;
}

const COMPARISONS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside band',
  GreaterThanUpperThreshold: '> band',
  LessThanLowerThreshold: '< band',
};

function resolve<T>(resource: CfnResource, value: unknown): T {
  return Stack.of(resource).resolve(value) as T;
}

/** A resolved value as report text: deploy-time parts (`Fn::Join` of names) stay as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function withoutResource(path: string): string {
  return path.replace(/\/Resource$/, '');
}

/** Logical ids of resources by stack region, so a `Ref` read in another stack of the region finds them. */
function indexByLogicalId<T extends CfnResource>(scope: IConstruct, type: abstract new (...args: never[]) => T) {
  const index = new Map<string, T>();
  for (const resource of resourcesOf(scope, type)) {
    const stack = Stack.of(resource);
    index.set(`${stack.region}:${stack.resolve(resource.logicalId) as string}`, resource);
  }
  return index;
}

/** What a `{ Ref }` or `{ Fn::GetAtt }` in `resource`'s stack points at, if it is a resource of the app. */
function referenced<T extends CfnResource>(
  resource: CfnResource,
  value: unknown,
  index: ReadonlyMap<string, T>,
): T | undefined {
  const reference = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  const logicalId = reference?.Ref ?? reference?.['Fn::GetAtt']?.[0];
  return logicalId ? index.get(`${Stack.of(resource).region}:${logicalId}`) : undefined;
}

/** Every schedule of the app under `scope`, in region then name order. */
export function scheduleRows(scope: IConstruct): ScheduleRow[] {
  const targets = indexByLogicalId(scope, CfnResource);
  return resourcesOf(scope, scheduler.CfnSchedule)
    .map((schedule) => {
      const target = resolve<{
        arn: unknown;
        retryPolicy?: { maximumRetryAttempts?: number };
        deadLetterConfig?: { arn?: unknown };
      }>(schedule, schedule.target);
      const targetResource = referenced(schedule, target.arn, targets);
      return {
        name: resolve<string>(schedule, schedule.name) ?? withoutResource(schedule.node.path),
        region: Stack.of(schedule).region,
        expression: resolve<string>(schedule, schedule.scheduleExpression),
        timezone: resolve<string | undefined>(schedule, schedule.scheduleExpressionTimezone) ?? 'UTC',
        target: targetResource ? withoutResource(targetResource.node.path) : JSON.stringify(target.arn),
        purpose: text(resolve(schedule, schedule.description)),
        ...(target.retryPolicy?.maximumRetryAttempts !== undefined
          ? { retryAttempts: target.retryPolicy.maximumRetryAttempts }
          : {}),
        deadLetterQueue: target.deadLetterConfig?.arn !== undefined,
      };
    })
    .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
}

/** The metric an alarm watches, in words. */
function metricOf(alarm: cloudwatch.CfnAlarm): string {
  const name = resolve<string | undefined>(alarm, alarm.metricName);
  if (name) return `${resolve<string>(alarm, alarm.namespace)} ${name}`;
  const metrics = resolve<
    { expression?: string; metricStat?: { metric?: { namespace?: string; metricName?: string } } }[] | undefined
  >(alarm, alarm.metrics);
  const expression = metrics?.find((metric) => metric.expression)?.expression;
  const inputs = [
    ...new Set(
      (metrics ?? [])
        .map((metric) => metric.metricStat?.metric)
        .filter((metric) => metric !== undefined)
        .map((metric) => `${metric.namespace} ${metric.metricName}`),
    ),
  ];
  return expression ? `${expression} over ${inputs.join(', ')}` : inputs.join(', ');
}

function periodOf(alarm: cloudwatch.CfnAlarm): number | undefined {
  const direct = resolve<number | undefined>(alarm, alarm.period);
  if (direct !== undefined) return direct;
  const metrics = resolve<{ metricStat?: { period?: number }; period?: number }[] | undefined>(alarm, alarm.metrics);
  return metrics?.map((metric) => metric.metricStat?.period ?? metric.period).find((period) => period !== undefined);
}

/** Every alarm of the app under `scope`, in region then path order. */
export function alarmRows(scope: IConstruct): AlarmRow[] {
  const topics = indexByLogicalId(scope, sns.CfnTopic);
  return resourcesOf(scope, cloudwatch.CfnAlarm)
    .map((alarm) => {
      const comparison = resolve<string>(alarm, alarm.comparisonOperator);
      const evaluationPeriods = resolve<number>(alarm, alarm.evaluationPeriods);
      const datapoints = resolve<number | undefined>(alarm, alarm.datapointsToAlarm) ?? evaluationPeriods;
      const actions = resolve<unknown[] | undefined>(alarm, alarm.alarmActions) ?? [];
      return {
        alarm: withoutResource(alarm.node.path),
        region: Stack.of(alarm).region,
        metric: metricOf(alarm),
        threshold: `${COMPARISONS[comparison] ?? comparison} ${resolve<number>(alarm, alarm.threshold)}`,
        evaluation: `${periodOf(alarm) ?? '?'} s x ${datapoints} of ${evaluationPeriods}`,
        topics: actions.map((action) => {
          const topic = referenced(alarm, action, topics);
          return topic ? resolve<string>(topic, topic.topicName) : JSON.stringify(action);
        }),
        description: text(resolve(alarm, alarm.alarmDescription)),
      };
    })
    .sort((a, b) => a.region.localeCompare(b.region) || a.alarm.localeCompare(b.alarm));
}
