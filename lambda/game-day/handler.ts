// Lambda entry of the game-day recorder: records a run's result, audits missing results daily, renders the communication test's notices.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GAME_DAY_RECORDER, type GameDayId } from '../../lib/contract/game-days';
import { DIMENSION, METRIC } from '../../lib/contract/metrics';
import { readEnvironment } from '../shared/env';
import { createObservability } from '../shared/observability';
import { audit, type AuditFinding } from './audit';
import { parseRequest, type GameDayRequest } from './events';
import { record, type Recorded } from './record';
import { renderNotices, type Rendered } from './render';
import { parseSettings } from './settings';

// Cold start: settings and clients once per container; a missing or bad setting fails here.
const env = readEnvironment(GAME_DAY_RECORDER);
const settings = parseSettings(env);
const { logger, metrics } = createObservability(GAME_DAY_RECORDER);
const s3 = new S3Client({});
const sfn = new SFNClient({});
const now = () => new Date();

function emit(
  gameDay: GameDayId,
  name: string,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit],
  step?: string,
): void {
  const single = metrics.singleMetric();
  single.addDimension(DIMENSION.gameDay, gameDay);
  if (step !== undefined) single.addDimension(DIMENSION.step, step);
  single.addMetric(name, unit, value);
}

async function recordRun(request: Extract<GameDayRequest, { action: 'record' }>): Promise<Recorded> {
  try {
    const recorded = await record(
      {
        s3,
        bucket: settings.bucket,
        now,
        settings: { objectiveSeconds: settings.objectiveSeconds, stage: env.STAGE, region: env.AWS_REGION },
      },
      request,
    );
    const failed = recorded.result.checklist.filter((item) => item.status === 'fail').length;
    emit(request.gameDay, METRIC.gameDayChecksFailed, failed, MetricUnit.Count);
    for (const step of recorded.result.steps) {
      emit(request.gameDay, METRIC.gameDayStepSeconds, step.seconds, MetricUnit.Seconds, step.name);
    }
    logger.info('game day recorded', { gameDay: request.gameDay, passed: recorded.result.passed, keys: recorded.keys });
    return recorded;
  } catch (error) {
    // A result that could not be written is a failed game day: it pages now, and the audit finds it missing.
    emit(request.gameDay, METRIC.gameDayChecksFailed, 1, MetricUnit.Count);
    throw error;
  }
}

async function auditRuns(): Promise<AuditFinding[]> {
  const findings = await audit({
    s3,
    sfn,
    bucket: settings.bucket,
    stateMachines: settings.stateMachines,
    schedule: settings.schedule,
    graceHours: settings.graceHours,
    now,
  });
  for (const finding of findings) {
    emit(finding.gameDay, METRIC.gameDayResultOverdue, finding.overdue ? 1 : 0, MetricUnit.Count);
    (finding.overdue ? logger.warn : logger.info).call(logger, 'game day audit', { ...finding });
  }
  return findings;
}

export async function handler(event: unknown): Promise<Recorded | AuditFinding[] | Rendered> {
  try {
    const request = parseRequest(event);
    switch (request.action) {
      case 'record':
        return await recordRun(request);
      case 'audit':
        return await auditRuns();
      case 'render-notices':
        return await renderNotices(
          { s3, bucket: settings.bucket, components: settings.components, statusHost: settings.statusHost, now },
          request,
        );
    }
  } catch (error) {
    logger.error('game day recorder failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
