// A short session with a Valkey/Redis node over TLS with its AUTH token: the sentinel's read and write and the key counts.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeReplicationGroupsCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import Redis from 'ioredis';

/** Where a node listens. */
export interface CacheEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Keys of all databases, from INFO keyspace. */
export interface KeyCounts {
  readonly keys: number;
  /** Keys with a TTL. */
  readonly expires: number;
  /** Keys without a TTL: `keys - expires`, what survives a restore of any age. */
  readonly persistent: number;
}

/** What the jobs do with a cache. */
export interface CacheSession {
  set(key: string, value: string): Promise<void>;
  get(key: string): Promise<string | null>;
  counts(): Promise<KeyCounts>;
}

/** Opens a session, runs `use` in it and always closes it. */
export type CacheConnector = <T>(
  endpoint: CacheEndpoint,
  password: string | undefined,
  use: (session: CacheSession) => Promise<T>,
) => Promise<T>;

/** Thrown when a cache cannot be reached, authenticated or read in time; a check that could not run fails. */
export class CacheUnreachableError extends Error {
  constructor(endpoint: CacheEndpoint, cause: unknown) {
    super(`cache ${endpoint.host}:${endpoint.port} could not be read: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'CacheUnreachableError';
  }
}

/** Sums `keys=` and `expires=` over every `dbN:` line of INFO keyspace. */
export function parseKeyspace(info: string): KeyCounts {
  let keys = 0;
  let expires = 0;
  for (const line of info.split(/\r?\n/)) {
    const match = /^db\d+:keys=(\d+),expires=(\d+)/.exec(line.trim());
    if (match) {
      keys += Number(match[1]);
      expires += Number(match[2]);
    }
  }
  return { keys, expires, persistent: keys - expires };
}

/** Settings of {@link redisConnector}. */
export interface RedisConnectorOptions {
  /** Extra CA certificates: tests trust their own; in AWS the default store holds ElastiCache's CA. */
  readonly ca?: string | Buffer;
  /** Connect and command timeout, in milliseconds. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Runs `use` with a connected client and always disconnects it. TLS (ElastiCache has in-transit
 * encryption on), certificates verified, no reconnects or retries: a node that does not answer
 * within the timeout is an error, never a retry loop that outlives the Lambda. A failed connect is a
 * {@link CacheUnreachableError}; what `use` throws passes through. Every connector of the jobs opens
 * its client here, so they connect alike. ioredis, not @redis/client: its bundle is about 150 KB against 440.
 */
export async function withRedisClient<T>(
  endpoint: CacheEndpoint,
  password: string | undefined,
  options: RedisConnectorOptions,
  defaultTimeoutMs: number,
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  const timeout = options.timeoutMs ?? defaultTimeoutMs;
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
  // Without a listener an 'error' event would be logged as unhandled; the failing call reports it.
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new CacheUnreachableError(endpoint, error);
    }
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** Sessions of the sentinel's read and write and the key counts, each command's failure the cache's. */
export function redisConnector(options: RedisConnectorOptions = {}): CacheConnector {
  return (endpoint, password, use) =>
    withRedisClient(endpoint, password, options, 5000, (client) => {
      // Errors of the client are the cache's; whatever `use` throws itself passes through unchanged.
      const guard = async <T>(call: () => Promise<T>): Promise<T> => {
        try {
          return await call();
        } catch (error) {
          throw new CacheUnreachableError(endpoint, error);
        }
      };
      return use({
        set: (key, value) => guard(async () => void (await client.set(key, value))),
        get: (key) => guard(() => client.get(key)),
        counts: () => guard(async () => parseKeyspace(await client.info('keyspace'))),
      });
    });
}

/** The cache tier's AUTH token, read at run time from its secret (a plain string). */
export async function cacheAuthToken(secrets: SecretsManagerClient, secretName: string): Promise<string> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretName }));
  if (!SecretString) throw new Error(`secret ${secretName} holds no AUTH token`);
  return SecretString;
}

/** The primary endpoint of a replication group (cluster mode disabled), or `undefined` while it has none. */
export async function primaryEndpoint(
  elasticache: ElastiCacheClient,
  replicationGroupId: string,
): Promise<CacheEndpoint | undefined> {
  const { ReplicationGroups } = await elasticache.send(
    new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }),
  );
  const endpoint = ReplicationGroups?.[0]?.NodeGroups?.[0]?.PrimaryEndpoint;
  return endpoint?.Address && endpoint.Port ? { host: endpoint.Address, port: endpoint.Port } : undefined;
}
