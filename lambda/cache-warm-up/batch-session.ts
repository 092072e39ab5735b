// Batched writes to a Valkey/Redis node over TLS with its AUTH token: one pipeline per batch, each key's reply kept.
import {
  CacheUnreachableError,
  withRedisClient,
  type CacheEndpoint,
  type RedisConnectorOptions,
} from '../shared/cache-session';

/** One SET of a batch. */
export interface BatchWrite {
  readonly key: string;
  readonly value: string;
  readonly ttlSeconds?: number;
  /** SET NX: leave a key that exists as it is. */
  readonly onlyIfMissing: boolean;
}

/** What a batch did: keys written, keys left as they were (NX), and each key the node refused. */
export interface BatchResult {
  readonly written: number;
  readonly kept: number;
  readonly failed: readonly { readonly key: string; readonly error: string }[];
}

export interface BatchSession {
  write(batch: readonly BatchWrite[]): Promise<BatchResult>;
}

/** Opens a session, runs `use` in it and always closes it. */
export type BatchConnector = <T>(
  endpoint: CacheEndpoint,
  password: string | undefined,
  use: (session: BatchSession) => Promise<T>,
) => Promise<T>;

/**
 * Connects as every job does ({@link withRedisClient}; a 10 s timeout, since a batch is up to 500
 * keys), with one pipeline per batch: a round trip per batch instead of per key. A pipeline is not
 * a transaction: a key the node refuses (OOM, READONLY) is reported with its error and the others
 * stand, which the warm-up turns into a failed run naming the keys.
 */
export function redisBatchConnector(options: RedisConnectorOptions = {}): BatchConnector {
  return (endpoint, password, use) =>
    withRedisClient(endpoint, password, options, 10_000, (client) =>
      use({
        async write(batch) {
          const pipeline = client.pipeline();
          for (const item of batch) {
            const args: (string | number)[] = [item.key, item.value];
            if (item.ttlSeconds !== undefined) args.push('EX', item.ttlSeconds);
            if (item.onlyIfMissing) args.push('NX');
            pipeline.call('SET', ...args);
          }
          let replies: [Error | null, unknown][] | null;
          try {
            replies = await pipeline.exec();
          } catch (error) {
            throw new CacheUnreachableError(endpoint, error);
          }
          if (!replies || replies.length !== batch.length)
            throw new CacheUnreachableError(endpoint, new Error('the pipeline returned no replies'));
          let written = 0;
          let kept = 0;
          const failed: { key: string; error: string }[] = [];
          replies.forEach(([error, reply], index) => {
            if (error) failed.push({ key: batch[index]!.key, error: error.message });
            else if (reply === null) kept += 1;
            else written += 1;
          });
          return { written, kept, failed };
        },
      }),
    );
}
