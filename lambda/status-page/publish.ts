// Publishes a change to the status page: reads the feed, applies the change, writes page and feed to both regions' buckets, and sends the notice.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { STATUS_PAGE_MAX_AGE_SECONDS, STATUS_PAGE_OBJECTS } from '../../lib/contract/status-page';
import {
  applyChange,
  emptyFeed,
  mergeFeeds,
  parseFeed,
  type Applied,
  type FeedSettings,
  type StatusChange,
  type StatusFeed,
} from './incidents';
import type { Notice } from './notice';
import { renderFeed, renderPage } from './page';

/** A region's status bucket and the client of its region. */
export interface StatusBucket {
  readonly region: string;
  readonly name: string;
  readonly s3: S3Client;
}

export interface PublishDeps extends FeedSettings {
  /** This region's bucket first: it is written first. */
  readonly buckets: readonly [StatusBucket, ...StatusBucket[]];
  /** The customers' notice topic; absent in a dry run. */
  readonly notices?: { readonly sns: SNSClient; readonly topicArn: string };
  readonly now: () => Date;
  /**
   * Longest wait for one bucket's read, and for its writes; a lost region's endpoint may hang instead of refusing.
   * @default 10_000
   */
  readonly regionTimeoutMs?: number;
}

export interface PublishInput {
  readonly changes: readonly StatusChange[];
  /** Render and report, but write and send nothing. */
  readonly dryRun?: boolean;
}

/** A bucket a write could not reach, and why. */
export interface FailedWrite {
  readonly region: string;
  readonly error: string;
}

export interface PublishResult {
  readonly outcomes: readonly Pick<Applied, 'outcome' | 'incidentId'>[];
  readonly notices: readonly Notice[];
  /** Regions whose bucket has the new page. */
  readonly written: readonly string[];
  readonly failedWrites: readonly FailedWrite[];
  /** Where the feed came from: the regions whose feeds were merged (`us-east-1+us-west-2`), or `empty` when no bucket had one. */
  readonly readFrom: string;
  readonly page: string;
  readonly feed: string;
}

/** Thrown when no bucket took the page: the publication failed and Lambda retries it. */
export class PublishFailed extends Error {}

/**
 * The current feed: the feeds of every bucket that answers, merged ({@link mergeFeeds}), so a region
 * back from a loss does not overwrite what the other published while it was gone. A bucket that has
 * none yet (NoSuchKey) counts as an answer only if no other bucket has one; a bucket that cannot be
 * reached, or does not answer within the timeout (the lost region), is skipped. If no bucket answers
 * at all, the publication fails: starting from an empty feed would erase the history.
 */
async function readFeed(deps: PublishDeps): Promise<{ feed: StatusFeed; from: string }> {
  const timeout = deps.regionTimeoutMs ?? 10_000;
  const reads = await Promise.allSettled(
    deps.buckets.map((bucket) =>
      withTimeout(
        (async () => {
          const response = await bucket.s3.send(
            new GetObjectCommand({ Bucket: bucket.name, Key: STATUS_PAGE_OBJECTS.feed }),
          );
          const body = await response.Body?.transformToString('utf8');
          if (body === undefined) throw new Error('empty body');
          return parseFeed(body);
        })(),
        timeout,
        `took longer than ${timeout} ms`,
      ),
    ),
  );
  const feeds: StatusFeed[] = [];
  const from: string[] = [];
  const errors: string[] = [];
  let empty = false;
  reads.forEach((read, index) => {
    const region = deps.buckets[index]!.region;
    if (read.status === 'fulfilled') {
      feeds.push(read.value);
      from.push(region);
    } else if (read.reason instanceof NoSuchKey || (read.reason as { name?: string }).name === 'NoSuchKey') {
      empty = true;
    } else {
      errors.push(`${region}: ${(read.reason as Error).message}`);
    }
  });
  const [first, ...rest] = feeds;
  if (first) return { feed: mergeFeeds([first, ...rest], deps), from: from.join('+') };
  if (empty) return { feed: emptyFeed(deps.components, deps.now()), from: 'empty' };
  throw new PublishFailed(`no status bucket could be read, so the history is unknown: ${errors.join('; ')}`);
}

async function write(bucket: StatusBucket, key: string, body: string, contentType: string): Promise<void> {
  await bucket.s3.send(
    new PutObjectCommand({
      Bucket: bucket.name,
      Key: key,
      Body: body,
      ContentType: contentType,
      // Short-lived in browsers and CloudFront alike: see STATUS_PAGE_MAX_AGE_SECONDS.
      CacheControl: `public, max-age=${STATUS_PAGE_MAX_AGE_SECONDS}`,
    }),
  );
}

/** `promise`, or a rejection with `message` after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(deps: PublishDeps, input: PublishInput): Promise<PublishResult> {
  const { feed: current, from } = await readFeed(deps);
  let feed = current;
  const outcomes: Pick<Applied, 'outcome' | 'incidentId'>[] = [];
  const notices: Notice[] = [];
  for (const change of input.changes) {
    const applied = applyChange(feed, change, deps.now(), deps);
    feed = applied.feed;
    outcomes.push({ outcome: applied.outcome, ...(applied.incidentId ? { incidentId: applied.incidentId } : {}) });
    if (applied.notice) notices.push(applied.notice);
  }
  const page = renderPage(feed, { statusHost: deps.statusHost });
  const json = renderFeed(feed);
  const base = { outcomes, notices, readFrom: from, page, feed: json };
  if (input.dryRun) return { ...base, written: [], failedWrites: [] };

  // Each region on its own: a write to the lost region fails or hangs without holding up the other.
  const timeout = deps.regionTimeoutMs ?? 10_000;
  const writes = deps.buckets.map((bucket) =>
    withTimeout(
      (async () => {
        // The feed last: a reader that sees the new feed finds the page of it too.
        await write(bucket, STATUS_PAGE_OBJECTS.page, page, 'text/html; charset=utf-8');
        await write(bucket, STATUS_PAGE_OBJECTS.feed, json, 'application/json; charset=utf-8');
        return bucket.region;
      })(),
      timeout,
      `${bucket.region} took longer than ${timeout} ms`,
    ),
  );
  // The notice goes out as soon as one region has the page, so a customer who follows its link
  // finds the incident, without waiting for the lost region to time out.
  const first = await Promise.any(writes).catch(() => undefined);
  if (first !== undefined && deps.notices) {
    for (const notice of notices) {
      await deps.notices.sns.send(
        new PublishCommand({ TopicArn: deps.notices.topicArn, Subject: notice.subject, Message: notice.text }),
      );
    }
  }
  const results = await Promise.allSettled(writes);
  const written = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failedWrites = results.flatMap((result, index) =>
    result.status === 'rejected'
      ? [{ region: deps.buckets[index]!.region, error: (result.reason as Error)?.message ?? String(result.reason) }]
      : [],
  );
  if (written.length === 0) {
    throw new PublishFailed(
      `the status page reached no bucket: ${failedWrites.map((failed) => `${failed.region}: ${failed.error}`).join('; ')}`,
    );
  }
  return { ...base, written, failedWrites };
}
