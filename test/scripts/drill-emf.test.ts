// The drill's reading of a job's EMF logs: the PutMetricData requests CloudWatch Logs would make of them.
import { emfMetricData } from '../../scripts/drill/emf';

test('one metric with one dimension set becomes one datum with its unit, resolution and time', () => {
  // Prepare
  const emf = {
    _aws: {
      Timestamp: Date.UTC(2026, 10, 28, 12, 0, 0),
      CloudWatchMetrics: [
        {
          Namespace: 'AsyncToolformer/DR',
          Dimensions: [['service', 'stage']],
          Metrics: [{ Name: 'route53_primary_answered', Unit: 'Count', StorageResolution: 1 }],
        },
      ],
    },
    service: 'dns-view',
    stage: 'prod',
    route53_primary_answered: 0,
  };

  // Act
  const requests = emfMetricData(emf);

  // Assess
  expect(requests).toEqual([
    {
      Namespace: 'AsyncToolformer/DR',
      MetricData: [
        {
          MetricName: 'route53_primary_answered',
          Dimensions: [
            { Name: 'service', Value: 'dns-view' },
            { Name: 'stage', Value: 'prod' },
          ],
          Values: [0],
          Unit: 'Count',
          StorageResolution: 1,
          Timestamp: '2026-11-28T12:00:00.000Z',
        },
      ],
    },
  ]);
});

test.each([
  ['no dimension sets: one datum without dimensions', undefined, [[]]],
  ['two dimension sets: one datum for each', [['stage'], ['service', 'stage']], [['stage'], ['service', 'stage']]],
])('%s', (_name, dimensions, expected) => {
  // Prepare
  const emf = {
    _aws: {
      CloudWatchMetrics: [
        { Namespace: 'N', ...(dimensions ? { Dimensions: dimensions } : {}), Metrics: [{ Name: 'm' }] },
      ],
    },
    service: 's',
    stage: 'prod',
    m: [1, 2],
  };

  // Act
  const [request] = emfMetricData(emf);

  // Assess
  expect(request!.MetricData.map((datum) => datum.Dimensions.map((dimension) => dimension.Name))).toEqual(expected);
  expect(request!.MetricData.every((datum) => datum.Values.join() === '1,2')).toBe(true);
});

test('an object without metric directives gives no request', () => {
  expect(emfMetricData({ message: 'a log line' })).toEqual([]);
});
