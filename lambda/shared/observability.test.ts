// The shared Powertools setup: one namespace, stage and region on every metric, fail fast without them.
import { METRICS_NAMESPACE } from '../../lib/contract';
import { createObservability } from './observability';

test('metrics go to AsyncToolformer/DR with stage and region as default dimensions', () => {
  const { metrics, logger } = createObservability({ service: 'unit' }, { STAGE: 'staging', AWS_REGION: 'us-west-2' });
  expect(METRICS_NAMESPACE).toBe('AsyncToolformer/DR');
  metrics.addMetric('Probe', 'Count', 1);
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
  };
  expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'AsyncToolformer/DR' });
  expect(emf._aws.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(expect.arrayContaining(['stage', 'region']));
  expect(emf).toMatchObject({ stage: 'staging', region: 'us-west-2', Probe: 1 });
  expect(logger.getPersistentLogAttributes()).toMatchObject({ stage: 'staging', region: 'us-west-2' });
  metrics.clearMetrics();
});

test.each(['STAGE', 'AWS_REGION'])('fails when %s is missing', (variable) => {
  const env: NodeJS.ProcessEnv = { STAGE: 'prod', AWS_REGION: 'us-east-1' };
  delete env[variable];
  expect(() => createObservability({ service: 'unit' }, env)).toThrow(`environment variable ${variable} is not set`);
});
