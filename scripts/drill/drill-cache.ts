// A real redis-server with TLS and an AUTH token standing for the world's cache nodes: the backup writes its sentinel into it, over the network, as into ElastiCache.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { FUNCTIONS } from '../../lib/contract';
import { functionEnvironment } from './jobs';
import { LOOPBACK, freePort } from './moto-process';
import type { World } from './world';

/** Where setup installs it (scripts/setup-redis-server.sh); a missing server is an error naming the fix. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A running TLS redis-server. */
export interface TlsRedisServer {
  readonly port: number;
  readonly password: string;
  /** PEM of its self-signed certificate, and the file holding it (for NODE_EXTRA_CA_CERTS). */
  readonly ca: string;
  readonly caFile: string;
  stop(): Promise<void>;
}

/**
 * Starts redis-server on 127.0.0.1 and a free port, TLS only, with `password`, no persistence. Its
 * certificate names `hostnames` (and localhost): a client verifies it as it would ElastiCache's.
 */
export async function startTlsRedis(password: string, hostnames: readonly string[] = []): Promise<TlsRedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is not installed: run "npm run setup:redis" (apt-get install redis-server)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'drill-redis-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const names = ['DNS:localhost', 'IP:127.0.0.1', ...hostnames.map((name) => `DNS:${name}`)];
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', `subjectAltName=${names.join(',')}`, '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  // A free port can be taken before redis binds it (a client socket's ephemeral port): try another.
  let started: { port: number; child: ChildProcess; exited: Promise<void> } | undefined;
  for (let attempt = 1; !started; attempt += 1) {
    try {
      started = await launchRedis(await freePort(), dir, cert, key, password);
    } catch (error) {
      if (!(error instanceof Error && /Address already in use/.test(error.message)) || attempt >= 3) throw error;
    }
  }
  const { port, child, exited } = started;
  return {
    port,
    password,
    ca: readFileSync(cert, 'utf8'),
    caFile: cert,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid ?? -1, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns redis-server on `port` and resolves once it accepts connections; rejects with its log if it exits first. */
async function launchRedis(
  port: number,
  dir: string,
  cert: string,
  key: string,
  password: string,
): Promise<{ port: number; child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(
    REDIS_SERVER,
    [
      ...['--port', '0', '--bind', LOOPBACK, '--tls-port', String(port), '--tls-auth-clients', 'no'],
      ...['--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert],
      ...['--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir],
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
  return { port, child, exited };
}

/** The drill's cache: the server, and what a job's process needs to reach it as the group's primary. */
export interface DrillCache {
  readonly server: TlsRedisServer;
  /** Environment of a job's process: trust the server's certificate, route cache addresses to it. */
  readonly env: Readonly<Record<string, string>>;
}

const caches = new WeakMap<World, Promise<DrillCache>>();

/** The password the drill's cache and the world's AUTH token secret share. */
const DRILL_AUTH_TOKEN = 'drillCacheAuthToken0123456789abcdef';

async function startDrillCache(world: World): Promise<DrillCache> {
  const regions = [...new Set(world.assembly.stacks.map((stack) => stack.region))];
  // The addresses the world's groups answer with: the certificate must name them, as ElastiCache's does.
  const hostnames: string[] = [];
  for (const region of regions) {
    const { ReplicationGroups = [] } = await world.client.call<{
      ReplicationGroups?: { NodeGroups?: { PrimaryEndpoint?: { Address?: string } }[] }[];
    }>('elasticache', region, 'DescribeReplicationGroups', {});
    for (const group of ReplicationGroups) {
      for (const node of group.NodeGroups ?? [])
        if (node.PrimaryEndpoint?.Address) hostnames.push(node.PrimaryEndpoint.Address);
    }
  }
  const server = await startTlsRedis(DRILL_AUTH_TOKEN, hostnames);
  // The cache stack's AUTH token secret (the world seeds no secrets): the same value in each region, as its replica.
  for (const region of regions) {
    const secretName = functionEnvironment(world, FUNCTIONS.redisBackup, region).CACHE_AUTH_SECRET_NAME!;
    await world.client.call('secretsmanager', region, 'CreateSecret', {
      Name: secretName,
      SecretString: DRILL_AUTH_TOKEN,
    });
  }
  return {
    server,
    env: { NODE_EXTRA_CA_CERTS: server.caFile, DRILL_CACHE_ROUTE: `${LOOPBACK}:${server.port}` },
  };
}

/** The world's cache, started on first use; {@link stopDrillCache} ends it with the scenario. */
export function drillCacheFor(world: World): Promise<DrillCache> {
  let cache = caches.get(world);
  if (!cache) {
    cache = startDrillCache(world);
    caches.set(world, cache);
  }
  return cache;
}

/** Runs `read` on a client of the world's cache, as an operator at its address would connect, and disconnects. */
export async function readDrillCache<T>(world: World, read: (client: Redis) => Promise<T>): Promise<T> {
  const { server } = await drillCacheFor(world);
  const client = new Redis({
    host: 'localhost',
    port: server.port,
    tls: { ca: server.ca },
    password: server.password,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  await client.connect();
  try {
    return await read(client);
  } finally {
    client.disconnect();
  }
}

/** Stops the world's cache, if one was started. */
export async function stopDrillCache(world: World): Promise<void> {
  const cache = caches.get(world);
  if (!cache) return;
  caches.delete(world);
  await (await cache.catch(() => undefined))?.server.stop();
}
