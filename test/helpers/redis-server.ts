// Starts a real redis-server (Debian's, installed by scripts/setup-redis-server.sh) with TLS and a password on a free loopback port.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { freePort } from '../../scripts/drill/moto-process';
import type { CacheEndpoint } from '../../lambda/shared/cache-session';

/** Where setup installs it; a missing server is an error naming the fix, never a skip. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const SETUP_HINT = 'run "npm run setup:redis" (apt-get install redis-server)';

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

/** Starts redis-server on 127.0.0.1, TLS only, no persistence; resolves once it accepts connections. */
export async function startRedis(password = 'test-auth-token-0123456789'): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`these tests need ${REDIS_SERVER}, which is not installed: ${SETUP_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      cert,
      '--tls-key-file',
      key,
      '--tls-ca-cert-file',
      cert,
      '--tls-auth-clients',
      'no',
      '--requirepass',
      password,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${log}`)), 10_000);
    const collect = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  const ca = readFileSync(cert, 'utf8');
  const endpoint = { host: 'localhost', port };
  return {
    endpoint,
    password,
    ca,
    async send(...commands) {
      const client = createClient({
        socket: { host: endpoint.host, port, tls: true, ca, reconnectStrategy: false },
        password,
      });
      await client.connect();
      try {
        const replies: unknown[] = [];
        for (const command of commands) replies.push(await client.sendCommand(command));
        return replies;
      } finally {
        client.destroy();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid ?? -1, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
