// Batched writes to a Valkey/Redis node over TLS with its AUTH token: one pipeline per batch, each key's reply kept.
import Redis from 'ioredis';
import { CacheUnreachableError, type CacheEndpoint } from '../shared/cache-session';

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

/** Settings of {@link redisBatchConnector}. */
export interface BatchConnectorOptions {
  /** Extra CA certificates: tests trust their own; in AWS the default store holds ElastiCache's CA. */
  readonly ca?: string | Buffer;
  /** Connect and command timeout, in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * As lambda/shared/cache-session.ts connects (TLS verified, no reconnects or offline queue), with
 * one pipeline per batch: a round trip per batch instead of per key. A pipeline is not a
 * transaction: a key the node refuses (OOM, READONLY) is reported with its error and the others
 * stand, which the warm-up turns into a failed run naming the keys.
 */
export function redisBatchConnector(options: BatchConnectorOptions = {}): BatchConnector {
  const timeout = options.timeoutMs ?? 10_000;
  return async (endpoint, password, use) => {
    const client = new Redis({
      host: endpoint.host,
      port: endpoint.port,
      tls: { servername: endpoint.host, ...(options.ca ? { ca: options.ca } : {}) },
      ...(password ? { password } : {}),
      lazyConnect: true,
      connectTimeout: timeout,
      commandTimeout: timeout,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      enableReadyCheck: false,
    });
    client.on('error', () => undefined);
    try {
      try {
        await client.connect();
      } catch (error) {
        throw new CacheUnreachableError(endpoint, error);
      }
      return await use({
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
      });
    } finally {
      client.disconnect();
    }
  };
}
