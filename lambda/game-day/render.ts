// The communication game day's renderings: the status page with a test incident and the plan's Initial Incident Report, written as files and sent to nobody.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GAME_DAY_RESULTS, resultPrefix } from '../../lib/contract/game-days';
import { applyChange, emptyFeed, type Component } from '../status-page/incidents';
import { renderPage } from '../status-page/page';
import type { RenderRequest } from './events';

export interface RenderDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly components: readonly Component[];
  readonly statusHost: string;
  readonly now: () => Date;
}

/** Every rendering says it is a test before anything else a reader sees. */
export const TEST_MARK = '[TEST - game day, no action needed]';

export interface Rendered {
  readonly keys: readonly string[];
  readonly subject: string;
}

/**
 * Renders with the status page publisher's own model and templates, so the game day tests the words
 * customers would get; writes them to the results bucket only: no status page bucket, no notice topic.
 */
export async function renderNotices(deps: RenderDeps, request: RenderRequest): Promise<Rendered> {
  const now = deps.now();
  const settings = { components: deps.components, statusHost: deps.statusHost };
  const applied = applyChange(
    emptyFeed(deps.components, now),
    {
      kind: 'open',
      source: `game-day:${request.execution}`,
      title: `${TEST_MARK} communication plan test`,
      impact: 'degraded',
      affected: deps.components.slice(0, 1).map((component) => component.id),
      status: 'investigating',
      message: `${TEST_MARK} This notice tests our communication plan; the service is not affected.`,
    },
    now,
    settings,
  );
  if (!applied.notice) throw new Error('the status page model opened no incident, so it rendered no notice');
  const prefix = resultPrefix(request.gameDay, request.startedAt, request.execution);
  const page = `${prefix}${GAME_DAY_RESULTS.statusPageTest}`;
  const notice = `${prefix}${GAME_DAY_RESULTS.customerNotice}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: page,
      Body: renderPage(applied.feed, { statusHost: deps.statusHost }),
      ContentType: 'text/html',
    }),
  );
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: notice,
      Body: `Subject: ${applied.notice.subject}\n\n${applied.notice.text}\n`,
      ContentType: 'text/plain',
    }),
  );
  return { keys: [page, notice], subject: applied.notice.subject };
}
