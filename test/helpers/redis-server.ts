// Starts a real redis-server (Debian's, installed by scripts/setup-redis-server.sh) with TLS and a password on a free loopback port.
import Redis from 'ioredis';
import { startTlsRedis } from '../../scripts/drill/drill-cache';
import type { CacheEndpoint } from '../../lambda/shared/cache-session';

/** A running server, as the functions see an ElastiCache node: TLS, an AUTH token. */
export interface RedisServer {
  /** `localhost` and the TLS port: the certificate names localhost. */
  readonly endpoint: CacheEndpoint;
  readonly password: string;
  /** The certificate the server presents, for the client's `ca`. */
  readonly ca: string;
  /** Sends raw commands over one connection, for seeding and inspecting the data: `[['SET', 'k', 'v']]`. */
  send(...commands: string[][]): Promise<unknown[]>;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1, TLS only, no persistence; a missing server is an error naming the fix, never a skip. */
export async function startRedis(password = 'test-auth-token-0123456789'): Promise<RedisServer> {
  const server = await startTlsRedis(password);
  const endpoint = { host: 'localhost', port: server.port };
  return {
    endpoint,
    password,
    ca: server.ca,
    async send(...commands) {
      const client = new Redis({
        host: endpoint.host,
        port: endpoint.port,
        tls: { ca: server.ca },
        password,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      await client.connect();
      try {
        const replies: unknown[] = [];
        for (const [name, ...args] of commands) replies.push(await client.call(name!, ...args));
        return replies;
      } finally {
        client.disconnect();
      }
    },
    stop: () => server.stop(),
  };
}
