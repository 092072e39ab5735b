// Starts a moto server process (moto_server, or the drill's launcher) on a loopback port, waits until it answers, and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The project root: the `.venv` with moto lives there (scripts/setup-python-tools.sh). */
export const PROJECT_ROOT = resolve(__dirname, '../..');
export const VENV_BIN = join(PROJECT_ROOT, '.venv', 'bin');
export const LOOPBACK = '127.0.0.1';
/** The fix for every missing Python tool, named in each error that meets one. */
export const SETUP_HINT = 'run "npm run setup:python"';

const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

/** A running server process. */
export interface MotoProcess {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** SIGTERM to its pid, then waits for it to exit. */
  stop(): Promise<void>;
}

/** How to start one. */
export interface MotoProcessOptions {
  /** Executable, for example `.venv/bin/moto_server`. */
  readonly command: string;
  /** Arguments before `-H <host> -p <port>`. */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** A fixed port; a free one when not given. */
  readonly port?: number;
  /** What the server is called in errors. */
  readonly name: string;
  readonly startupTimeoutMs?: number;
}

/** A port the OS reports free on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something already listens on `port` of the loopback interface. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(true));
    server.listen(port, LOOPBACK, () => server.close(() => answer(false)));
  });
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
  name: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`${name} did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

/** How many free ports a start tries: another process may take a port between freePort() and the bind. */
const FREE_PORT_ATTEMPTS = 3;

/**
 * Starts `command` on 127.0.0.1 and a free (or the given) port and resolves once `/moto-api/`
 * answers. A missing executable is an error naming the fix, never a skip. A free port that is taken
 * before the server binds it (by a client socket's ephemeral port, or another server started beside
 * it) is replaced by another, up to {@link FREE_PORT_ATTEMPTS} times; a given port is never replaced.
 */
export async function startMotoProcess(options: MotoProcessOptions): Promise<MotoProcess> {
  const { command, name } = options;
  if (!existsSync(command)) {
    throw new Error(`${name} needs ${command}, which is not installed: ${SETUP_HINT}.`);
  }
  if (options.port !== undefined && (await portInUse(options.port))) {
    throw new Error(
      `port ${options.port} is in use: stop what listens there, or leave the port out to use a free one.`,
    );
  }
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(options, port);
    } catch (error) {
      const taken = error instanceof PortTakenError;
      if (!taken || options.port !== undefined || attempt >= FREE_PORT_ATTEMPTS) {
        throw taken
          ? new Error(`port ${port} is in use: stop what listens there, or leave the port out to use a free one.`)
          : error;
      }
    }
  }
}

/** The server could not bind its port: something else took it. */
class PortTakenError extends Error {}

async function launch(options: MotoProcessOptions, port: number): Promise<MotoProcess> {
  const { command, name } = options;
  const endpoint = `http://${LOOPBACK}:${port}`;
  const child = spawn(command, [...(options.args ?? []), '-H', LOOPBACK, '-p', String(port)], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitUntilReady(endpoint, child, () => log, name, options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw /Address already in use/.test(log) ? new PortTakenError(`port ${port} is in use`) : error;
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid ?? -1, 'SIGTERM');
      await exited;
    },
  };
}
