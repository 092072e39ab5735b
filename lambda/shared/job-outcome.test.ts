// The stepped jobs' first-step bookkeeping: one backup_job_skipped per run, from the step that decides.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import { recordFirstStep } from './job-outcome';
import { createObservability } from './observability';
import type { Placement } from './writer-placement';

const placement: Placement = { follows: 'aurora-writer', here: false, region: 'us-east-1', detail: 'writer elsewhere' };

function run(phase: string, next: Parameters<typeof recordFirstStep>[2]) {
  const observability = createObservability(FUNCTIONS.weeklyAuroraBackup, {
    STAGE: 'prod',
    AWS_REGION: 'us-west-2',
  });
  jest.spyOn(observability.logger, 'info').mockImplementation(() => undefined);
  const added = jest.spyOn(Metrics.prototype, 'addMetric');
  const published = jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockReturnThis();
  recordFirstStep(observability, phase, next);
  const result = {
    added: added.mock.calls.map(([name, , value]) => [name, value]),
    published: published.mock.calls.length,
  };
  jest.restoreAllMocks();
  return result;
}

test.each([
  ['a skip', { phase: 'done', outcome: 'skipped: writer is in us-east-1' as const, placement }, 1],
  ['a run that acts', { phase: 'copying' }, 0],
])('the first step of %s records backup_job_skipped and publishes', (_label, next, skipped) => {
  expect(run('start', next)).toEqual({ added: [[METRIC.backupJobSkipped, skipped]], published: 1 });
});

test('later steps record nothing', () => {
  const done = { phase: 'done' };
  expect(run('copying', done)).toEqual({ added: [], published: 0 });
});
