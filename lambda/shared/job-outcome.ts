// What a job records about each run: where the writer was, whether it acted, and whether its backup or restore test succeeded.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DIMENSION, METRIC, type RestoreTestComponent } from '../../lib/contract';
import type { Observability } from './observability';
import type { JobOutcome, Placement } from './writer-placement';

/**
 * Logs the run's outcome with the placement it found and adds `backup_job_skipped` (1 skipped, 0
 * acted) to the stored metrics; the caller publishes them. A skip is neither a success nor a
 * failure: it adds no `backup_success_rate`, which only checks that ran may move.
 */
export function recordOutcome(
  observability: Observability,
  outcome: JobOutcome,
  placements: readonly Placement[],
): void {
  const { logger, metrics } = observability;
  logger.info(outcome === 'acted' ? 'acting: this region holds what the job follows' : outcome, {
    outcome,
    placements: placements.map(({ follows, here, region, detail }) => ({ follows, here, region, detail })),
  });
  metrics.addMetric(METRIC.backupJobSkipped, MetricUnit.Count, outcome === 'acted' ? 0 : 1);
}

/**
 * Adds a backup run's `backup_success_rate`: 100 for a backup that completed, 0 for one that failed
 * (the alarms page under 100). A job without checks of its own succeeds or fails as a whole.
 */
export function recordBackupResult(observability: Observability, succeeded: boolean): void {
  observability.metrics.addMetric(METRIC.backupSuccessRate, MetricUnit.Percent, succeeded ? 100 : 0);
}

/** A restore test's verdict as the metrics see it. */
export interface RestoreTestResult {
  readonly passed: boolean;
  /** How long the restore took, when it got that far. */
  readonly restoreSeconds?: number | undefined;
}

/**
 * Adds a restore test's `recovery_test_results` (1 passed, 0 did not) and its restore duration,
 * both with the `component` dimension its alarm filters on; the caller publishes them.
 */
export function recordRestoreTest(
  observability: Observability,
  component: RestoreTestComponent,
  result: RestoreTestResult,
): void {
  const { metrics } = observability;
  metrics.addDimension(DIMENSION.component, component);
  metrics.addMetric(METRIC.recoveryTestResults, MetricUnit.Count, result.passed ? 1 : 0);
  if (result.restoreSeconds !== undefined) {
    metrics.addMetric(METRIC.restoreDurationSeconds, MetricUnit.Seconds, result.restoreSeconds);
  }
}

/** A step's result as the stepped jobs return it: a skip carries its outcome, and a decision its placement. */
type StepResult = object & { readonly outcome?: JobOutcome; readonly placement?: Placement };

/**
 * One step of a stepped backup job, with what the run records: the first step's outcome; a
 * `backup_success_rate` of 100 when the step finishes a run that acted; 0 when the step throws,
 * which also fails the state machine's run. A skipped run adds no rate. Metrics are published
 * whenever there are any, also when the step throws.
 */
export async function runBackupStep<Next extends StepResult & { readonly phase: string }>(
  observability: Observability,
  phase: string,
  step: () => Promise<Next>,
): Promise<Next> {
  const { metrics } = observability;
  try {
    const next = await step();
    if (phase === 'start')
      recordOutcome(observability, next.outcome ?? 'acted', next.placement ? [next.placement] : []);
    if (next.phase === 'done' && (next.outcome ?? 'acted') === 'acted') recordBackupResult(observability, true);
    return next;
  } catch (error) {
    observability.logger.error('backup step failed: the run fails', error as Error);
    recordBackupResult(observability, false);
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
