// What every validation function does with its report: SSM for the record, logs for people, metrics for alarms.
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DIMENSION, METRIC } from '../../lib/contract';
import { publishReport, type CheckReport } from './check-report';

/** Where a run's report goes. */
export interface RunRecorder {
  readonly ssm: SSMClient;
  /** SSM parameter whose versions are the log of runs. */
  readonly parameter: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Publishes `report`, logs each check, and emits `backup_check_passed` per check and
 * `backup_success_rate` for the run; returns the parameter version written.
 */
export async function recordCheckRun(report: CheckReport, recorder: RunRecorder): Promise<number> {
  const { ssm, parameter, logger, metrics } = recorder;
  const version = await publishReport(ssm, parameter, report);
  for (const result of report.results) {
    (result.passed ? logger.info : logger.error).call(logger, 'check', { ...result });
    const single = metrics.singleMetric();
    single.addDimension(DIMENSION.check, result.check);
    single.addMetric(METRIC.backupCheckPassed, MetricUnit.Count, result.passed ? 1 : 0);
  }
  metrics.addMetric(METRIC.backupSuccessRate, MetricUnit.Percent, report.successRate);
  logger.info('report published', { parameter, version, successRate: report.successRate });
  return version;
}
