// Game days in the synthesized stages: staging schedules each on its Monday in the secondary region, prod has none unless enabled, and each result's alarms page high.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { GAME_DAYS, METRIC } from '../../lib/contract';
import { BUILT_GAME_DAYS } from '../../lib/constructs/game-day';
import { synthStage } from '../helpers/synth';

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];

const staging = synthStage('staging');
const secondary = staging.template(staging.stack('secondary', 'Automation').stackName);
const built = GAME_DAYS.filter((day) => BUILT_GAME_DAYS.includes(day.id));

test.each(built)('staging runs the $id game day on Monday $week of each month at the configured time (UTC)', (day) => {
  const { hour, minute } = staging.config.gameDays;
  secondary.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: `async-toolformer-staging-game-day-${day.id}`,
    ScheduleExpression: `cron(${minute} ${hour} ? * MON#${day.week} *)`,
    ScheduleExpressionTimezone: 'Etc/UTC',
    State: 'ENABLED',
    Target: Match.objectLike({
      Arn: Match.anyValue(),
      Input: JSON.stringify({ gameDay: day.id }),
      DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
      // The jobs' retry policy: a blip must not lose a game day, a dead one must show.
      RetryPolicy: {
        MaximumRetryAttempts: staging.config.automation.scheduleRetryAttempts,
        MaximumEventAgeInSeconds: staging.config.automation.scheduleMaxEventAge.toSeconds(),
      },
    }),
  });
});

test('the daily audit of missing results is scheduled too', () => {
  secondary.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: 'async-toolformer-staging-game-day-audit',
    Target: Match.objectLike({ Input: JSON.stringify({ action: 'audit' }) }),
  });
});

test('game days run in the secondary region only, and prod runs none while config leaves them off', () => {
  const names = (template: Template) =>
    resources(template, 'AWS::Scheduler::Schedule').map((r) => r.Properties.Name as string);
  const primary = staging.template(staging.stack('primary', 'Automation').stackName);
  expect(names(primary).filter((name) => name.includes('game-day'))).toEqual([]);
  const prod = synthStage('prod');
  expect(prod.config.gameDays.enabled).toBe(false);
  for (const role of ['primary', 'secondary'] as const) {
    const template = prod.template(prod.stack(role, 'Automation').stackName);
    expect(names(template).filter((name) => name.includes('game-day'))).toEqual([]);
  }
});

test('staging runs start without an approval step', () => {
  const definitions = resources(secondary, 'AWS::StepFunctions::StateMachine')
    .filter((r) => String(r.Properties.StateMachineName).includes('game-day'))
    .map((r) => JSON.stringify(r.Properties.DefinitionString));
  expect(definitions).toHaveLength(built.length);
  for (const definition of definitions) expect(definition).not.toContain('waitForTaskToken');
});

test('the region game day runs the region failover machine as nested executions (startExecution.sync): switchover, then failback', () => {
  const region = resources(secondary, 'AWS::StepFunctions::StateMachine').find((r) =>
    String(r.Properties.StateMachineName).endsWith('game-day-region'),
  )!;
  const text = JSON.stringify(region.Properties.DefinitionString);
  expect(text).toContain(':states:::states:startExecution.sync:2');
  // RegionSwitchover's next state is RegionFailback, each starting the machine with its action.
  expect(text).toMatch(/RegionSwitchover[^{]*\{[^{]*"Next[^,]*RegionFailback/);
  expect(text).toMatch(/action[^,]*switchover/);
  expect(text).toMatch(/action[^,]*failback/);
});

test('results go to a versioned, KMS-encrypted, retained bucket', () => {
  const buckets = Object.entries(secondary.findResources('AWS::S3::Bucket')).filter(([id]) =>
    id.startsWith('GameDaysResults'),
  );
  expect(buckets).toHaveLength(1);
  const [, bucket] = buckets[0]!;
  expect(bucket).toMatchObject({
    DeletionPolicy: 'Retain',
    Properties: {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
    },
  });
});

test.each(built)('a failed item and a missing result of the $id game day page the high topic', (day) => {
  const alarms = resources(secondary, 'AWS::CloudWatch::Alarm').filter((r) =>
    (r.Properties.Dimensions as { Name: string; Value: string }[] | undefined)?.some(
      (dimension) => dimension.Name === 'game_day' && dimension.Value === day.id,
    ),
  );
  const byMetric = Object.fromEntries(alarms.map((r) => [r.Properties.MetricName, r.Properties]));
  expect(byMetric[METRIC.gameDayChecksFailed]).toMatchObject({
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
  // A day without the audit's datapoint is a day nobody checked: it breaches.
  expect(byMetric[METRIC.gameDayResultOverdue]).toMatchObject({ Period: 86400, TreatMissingData: 'breaching' });
  for (const alarm of [byMetric[METRIC.gameDayChecksFailed], byMetric[METRIC.gameDayResultOverdue]]) {
    expect(JSON.stringify(alarm!.AlarmActions)).toMatch(/AlertshighTopic|high/i);
  }
});
