// The alarm contract's matcher on small hand-written inputs: EMF parsing, alarm and state machine reading with tokens, matching.
import { DIMENSION, METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import {
  emittedByEmf,
  emittedByStateMachines,
  planCoverage,
  planKeyMetrics,
  unmatchedAlarms,
  unwatchedEmitters,
  watchedMetrics,
} from './metric-contract';

const stack = { stackName: 'AsyncToolformer-prod-usw2-Automation', region: 'us-west-2', account: '123456789012' };

/** One EMF line as Powertools writes it: one directive, one dimension set. */
const emf = (metric: string, value: number, service = 'integrity-check') =>
  JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[DIMENSION.service, DIMENSION.stage, DIMENSION.region]],
          Metrics: [{ Name: metric, Unit: 'Percent' }],
        },
      ],
    },
    [DIMENSION.service]: service,
    [DIMENSION.stage]: 'prod',
    [DIMENSION.region]: 'us-west-2',
    [metric]: value,
  });

const alarmOn = (dimensions: Record<string, unknown>) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Namespace: METRICS_NAMESPACE,
    MetricName: METRIC.backupSuccessRate,
    Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
  },
});

test('reads each metric of each EMF line with its full dimension set, and skips log lines', () => {
  const output = `{"level":"INFO","message":"report published"}\n${emf(METRIC.backupSuccessRate, 100)}\n`;
  expect(emittedByEmf(output, 'run')).toEqual([
    {
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.backupSuccessRate,
      dimensions: { service: 'integrity-check', stage: 'prod', region: 'us-west-2' },
      value: 100,
      source: 'run',
    },
  ]);
});

test('resolves an alarm dimension given as a token to the stack value, and reads metric-math alarms per MetricStat', () => {
  const template = {
    Resources: {
      Rate: alarmOn({ service: 'integrity-check', stage: 'prod', region: { Ref: 'AWS::Region' } }),
      Math: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Metrics: [
            { Id: 'expr', Expression: 'a + b' },
            {
              Id: 'a',
              MetricStat: {
                Metric: {
                  Namespace: METRICS_NAMESPACE,
                  MetricName: METRIC.failoverFence,
                  Dimensions: [{ Name: 'stage', Value: { 'Fn::Join': ['', ['pr', 'od']] } }],
                },
              },
            },
            { Id: 'b', MetricStat: { Metric: { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed' } } },
          ],
        },
      },
    },
  };
  expect(watchedMetrics(template, stack, METRICS_NAMESPACE)).toEqual([
    expect.objectContaining({
      alarm: `${stack.stackName}/Rate`,
      dimensions: expect.objectContaining({ region: 'us-west-2' }),
    }),
    expect.objectContaining({
      alarm: `${stack.stackName}/Math`,
      metricName: METRIC.failoverFence,
      dimensions: { stage: 'prod' },
    }),
  ]);
});

test('reads putMetricData tasks of a state machine, also inside a Parallel branch', () => {
  const definition = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'Fence',
            States: {
              Fence: {
                Type: 'Task',
                End: true,
                Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
                Arguments: {
                  Namespace: METRICS_NAMESPACE,
                  MetricData: [
                    { MetricName: METRIC.failoverFence, Value: 1, Dimensions: [{ Name: 'stage', Value: 'prod' }] },
                  ],
                },
              },
            },
          },
        ],
      },
    },
  };
  const template = {
    Resources: {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { DefinitionString: { 'Fn::Join': ['', [JSON.stringify(definition)]] } },
      },
    },
  };
  expect(emittedByStateMachines(template, stack)).toEqual([
    expect.objectContaining({ metricName: METRIC.failoverFence, dimensions: { stage: 'prod' }, value: 1 }),
  ]);
});

describe('unmatchedAlarms', () => {
  const emitted = emittedByEmf(emf(METRIC.backupSuccessRate, 0), 'prod us-west-2 integrity-check (failure)');
  const watched = (dimensions: Record<string, string>) =>
    watchedMetrics({ Resources: { Rate: alarmOn(dimensions) } }, stack, METRICS_NAMESPACE);

  test('passes when namespace, name and the full dimension set agree', () => {
    expect(
      unmatchedAlarms(watched({ service: 'integrity-check', stage: 'prod', region: 'us-west-2' }), emitted),
    ).toEqual([]);
  });

  test.each([
    [
      'a dimension value differs',
      { service: 'IntegrityCheck', stage: 'prod', region: 'us-west-2' },
      'service: alarm IntegrityCheck, emitted integrity-check',
    ],
    [
      'the alarm leaves a dimension out',
      { service: 'integrity-check', stage: 'prod' },
      'region: alarm (none), emitted us-west-2',
    ],
  ])('fails when %s, naming the difference', (_label, dimensions, difference) => {
    expect(unmatchedAlarms(watched(dimensions), emitted)).toEqual([
      expect.objectContaining({ alarm: `${stack.stackName}/Rate`, nearest: [expect.stringContaining(difference)] }),
    ]);
  });
});

test('reads the plan metrics and reports unwatched ones, stale pending ones and unwatched emitters', () => {
  const plan =
    '### Key Metrics to Monitor\n```yaml\n# comment\n- backup_success_rate\n- service_availability_percentage\n```\n';
  const names = planKeyMetrics(plan);
  expect(names).toEqual([METRIC.backupSuccessRate, 'service_availability_percentage']);
  const pending = [{ metricName: 'service_availability_percentage', issue: '16', why: 'not built' }];
  expect(planCoverage(names, [], pending)).toEqual({ unwatched: [METRIC.backupSuccessRate], stalePending: [] });
  const emitted = emittedByEmf(emf(METRIC.backupSuccessRate, 100, 'iac-backup'), 'iac-backup (success)');
  expect(unwatchedEmitters(emitted, [], names)).toEqual([expect.stringContaining('service=iac-backup')]);
});
