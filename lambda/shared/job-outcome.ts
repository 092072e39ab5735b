// What a job that follows the writer records about each run: where the writer was, and whether it acted.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../lib/contract';
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

/** A step's result as the stepped jobs return it: a skip carries its outcome, and a decision its placement. */
type StepResult = object & { readonly outcome?: JobOutcome; readonly placement?: Placement };

/**
 * For a stepped job (one state machine step per invocation): after the first step, which decides
 * where the run acts, records its outcome and publishes the metrics. Later steps record nothing.
 */
export function recordFirstStep(observability: Observability, phase: string, next: StepResult): void {
  if (phase !== 'start') return;
  recordOutcome(observability, next.outcome ?? 'acted', next.placement ? [next.placement] : []);
  observability.metrics.publishStoredMetrics();
}
