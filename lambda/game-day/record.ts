// Records a game day's run: judges the checklist, writes result.json and report.md to the results bucket, and returns what the metrics report.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GAME_DAY_RESULTS, resultPrefix, type GameDayResult } from '../../lib/contract/game-days';
import { evaluate, type ChecklistSettings } from './checklist';
import type { RecordRequest } from './events';
import { renderReport } from './report';

export interface RecordDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly settings: ChecklistSettings;
  readonly now: () => Date;
}

export interface Recorded {
  readonly result: GameDayResult;
  /** Keys written, JSON first. */
  readonly keys: readonly string[];
}

/**
 * Writes the JSON first: it is what `measurements:pull` and the audit read, so a run whose report
 * could not be written still counts as recorded, and the error still fails the step.
 */
export async function record(deps: RecordDeps, request: RecordRequest): Promise<Recorded> {
  const result = evaluate(request, deps.settings, deps.now());
  const prefix = resultPrefix(request.gameDay, request.startedAt, request.execution);
  const json = `${prefix}${GAME_DAY_RESULTS.json}`;
  const markdown = `${prefix}${GAME_DAY_RESULTS.markdown}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: json,
      Body: `${JSON.stringify(result, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: markdown,
      Body: renderReport(result),
      ContentType: 'text/markdown',
    }),
  );
  return { result, keys: [json, markdown] };
}
