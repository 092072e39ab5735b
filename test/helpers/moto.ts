// Starts a real moto server (the AWS API emulator from .venv) on a free loopback port for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const MOTO_SERVER = join(resolve(__dirname, '../..'), '.venv', 'bin', 'moto_server');
const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 30_000;

/** A running moto server and what an SDK client needs to reach it. */
export interface MotoServer {
  readonly endpoint: string;
  /** Client settings for any AWS SDK v3 client: endpoint, region and dummy credentials. */
  clientConfig(region?: string): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  stop(): Promise<void>;
}

/** A port the OS reports free on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * Starts `.venv/bin/moto_server` on 127.0.0.1 and a free port. A missing moto is an error, never a
 * skip: without it the integration tests would pass without testing anything.
 */
export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(
      `moto is not installed at ${MOTO_SERVER}: run "npm run setup:python". These tests cannot pass without it.`,
    );
  }
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(MOTO_SERVER, ['-H', HOST, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitUntilReady(endpoint, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    clientConfig: (region = 'us-east-1') => ({
      endpoint,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
