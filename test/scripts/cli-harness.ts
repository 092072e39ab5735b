// Shared by the script tests: scripts run with a stand-in aws CLI or AWS endpoint that records every call, and the checks bad input must pass.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** What a script printed and how it ended; `calls` are the AWS calls it made (one per line of the stand-in's log). */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
}

/** A scratch directory whose `aws` (given as bash source) logs each call to $FAKE_AWS_LOG and answers as the test needs. */
export interface FakeAws {
  /** The scratch directory; on PATH before anything else. */
  readonly work: string;
  /** This test's call log, emptied before each test. */
  readonly log: string;
  /** `bash <script> <args>` with the stand-in first on PATH, HOME in the scratch directory, and `env`. */
  run(script: string, args: readonly string[], env?: Record<string, string>): ScriptRun;
}

/** Sets up a stand-in `aws` for the tests of one file (jest hooks: created before them, removed after). */
export function useFakeAws(prefix: string, source: string): FakeAws {
  let work = '';
  let log = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), prefix));
    writeFileSync(join(work, 'aws'), source);
    chmodSync(join(work, 'aws'), 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeEach(() => {
    log = join(work, `calls-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, '');
  });
  return {
    get work() {
      return work;
    },
    get log() {
      return log;
    },
    run(script, args, env = {}) {
      const result = spawnSync('bash', [script, ...args], {
        encoding: 'utf8',
        env: { PATH: `${work}:${process.env.PATH ?? ''}`, HOME: work, FAKE_AWS_LOG: log, ...env },
      });
      const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
    },
  };
}

/** An HTTP endpoint for AWS_ENDPOINT_URL that records every request and answers each with a 500. */
export interface RecordingEndpoint {
  readonly url: string;
  /** `<method> <path>` of every request received. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startRecordingEndpoint(): Promise<RecordingEndpoint> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(500).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the recording endpoint has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/**
 * `command args` as a child process, without blocking this one (a recording endpoint in this
 * process must answer while it runs); it never throws for a non-zero exit.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<ScriptRun> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ status, stdout, stderr, calls: [] });
      },
    );
  });
}

/** A node stack frame, a Python traceback or bash's complaint about an unset variable: never the answer to bad input. */
export const CRASH = /\n\s+at |Traceback \(most recent call last\)|unbound variable/;

/**
 * Bad input was answered as every script answers it: exit 2, nothing on stdout, `<name>: <problem>`
 * as the first line of stderr and the usage after it, no crash, no AWS call.
 */
export function expectBadInput(run: ScriptRun, name: string, problem: RegExp | string): void {
  const [first = '', second = ''] = run.stderr.split('\n');
  expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  expect(first.startsWith(`${name}: `)).toBe(true);
  if (typeof problem === 'string') expect(first).toContain(problem);
  else expect(first).toMatch(problem);
  expect(second).toMatch(/^usage: /);
  expect(run.stderr).not.toMatch(CRASH);
}

/** --help was answered: exit 0, the usage on stdout, nothing on stderr, no AWS call. */
export function expectHelp(run: ScriptRun, usage: string): void {
  expect({ status: run.status, stderr: run.stderr, calls: run.calls }).toEqual({ status: 0, stderr: '', calls: [] });
  expect(run.stdout.startsWith(`usage: ${usage}`)).toBe(true);
}
