// What the jobs record per run: backup_job_skipped from the deciding step, backup_success_rate and recovery_test_results, also on failure.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSION, FUNCTIONS, METRIC, RESTORE_TEST_COMPONENTS } from '../../lib/contract';
import { recordRestoreTest, runBackupStep } from './job-outcome';
import { createObservability } from './observability';
import type { Placement } from './writer-placement';

const placement: Placement = { follows: 'aurora-writer', here: false, region: 'us-east-1', detail: 'writer elsewhere' };

/** An observability whose metrics are recorded instead of written. */
function observed() {
  const observability = createObservability(FUNCTIONS.weeklyAuroraBackup, { STAGE: 'prod', AWS_REGION: 'us-west-2' });
  jest.spyOn(observability.logger, 'info').mockImplementation(() => undefined);
  jest.spyOn(observability.logger, 'error').mockImplementation(() => undefined);
  const added = jest.spyOn(Metrics.prototype, 'addMetric');
  const dimensions = jest.spyOn(Metrics.prototype, 'addDimension');
  const published = jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
    this.clearMetrics();
    return this;
  });
  return {
    observability,
    recorded: () => ({
      added: added.mock.calls.map(([name, , value]) => [name, value]),
      dimensions: dimensions.mock.calls,
      published: published.mock.calls.length,
    }),
  };
}

afterEach(() => jest.restoreAllMocks());

describe('runBackupStep', () => {
  test.each([
    [
      'a skip records backup_job_skipped 1 and no rate',
      'start',
      { phase: 'done', outcome: 'skipped: writer is in us-east-1' as const, placement },
      [[METRIC.backupJobSkipped, 1]],
    ],
    [
      'a first step that acts records backup_job_skipped 0',
      'start',
      { phase: 'snapshotting' },
      [[METRIC.backupJobSkipped, 0]],
    ],
    [
      'the step that finishes an acted run records backup_success_rate 100',
      'naming-latest',
      { phase: 'done' },
      [[METRIC.backupSuccessRate, 100]],
    ],
  ])('%s, and publishes', async (_label, phase, next, added) => {
    const { observability, recorded } = observed();
    // Prepare / Act
    await expect(runBackupStep(observability, phase, async () => next)).resolves.toBe(next);
    // Assess
    expect(recorded()).toMatchObject({ added, published: 1 });
  });

  test('a step in the middle records nothing and publishes nothing', async () => {
    const { observability, recorded } = observed();
    await runBackupStep(observability, 'snapshotting', async () => ({ phase: 'naming-latest' }));
    expect(recorded()).toMatchObject({ added: [], published: 0 });
  });

  test('fails the run when a step throws, with backup_success_rate 0', async () => {
    const { observability, recorded } = observed();
    const failure = new Error('snapshot is failed');
    await expect(runBackupStep(observability, 'snapshotting', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(recorded()).toMatchObject({ added: [[METRIC.backupSuccessRate, 0]], published: 1 });
  });
});

describe('recordRestoreTest', () => {
  test.each([
    [
      { passed: true, restoreSeconds: 600 },
      [
        [METRIC.recoveryTestResults, 1],
        [METRIC.restoreDurationSeconds, 600],
      ],
    ],
    [{ passed: false }, [[METRIC.recoveryTestResults, 0]]],
  ])('records %j with the component dimension', (result, added) => {
    const { observability, recorded } = observed();
    recordRestoreTest(observability, RESTORE_TEST_COMPONENTS.redis, result);
    expect(recorded()).toMatchObject({ added, dimensions: [[DIMENSION.component, RESTORE_TEST_COMPONENTS.redis]] });
  });
});
