// Check results and reports shared by every validation function: a check that could not run is a failure.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { publishRecord } from './run-record';

/** The outcome of one check of one resource. */
export interface CheckResult {
  /** What was checked, for example `aurora-cross-region-copy`. */
  readonly check: string;
  /** What it was checked on: an ARN, a bucket/key, a cluster identifier. */
  readonly resource: string;
  readonly passed: boolean;
  /** Why it passed or failed, in one line a person can act on. */
  readonly detail: string;
}

/** Every result of one run, with the figures the alarms read. */
export interface CheckReport {
  readonly checkedAt: string;
  readonly results: readonly CheckResult[];
  /** Passed checks in percent, 0 to 100; 0 when nothing could be checked. */
  readonly successRate: number;
  readonly passed: boolean;
}

/** A check's verdict before it is tied to its name and resource. */
export interface Verdict {
  readonly passed: boolean;
  readonly detail: string;
}

export const pass = (detail: string): Verdict => ({ passed: true, detail });
export const fail = (detail: string): Verdict => ({ passed: false, detail });

/** How a check retries when AWS throttles it. */
export interface RetryPolicy {
  /** Runs of the whole check, the first included. */
  readonly attempts: number;
  /** Wait before the second run; doubled before each later one. */
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Three runs, 2 s then 4 s apart: longer than the SDK's own retries, which a burst of checks can outlast. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 2000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** What a check is about, and how it retries. */
export interface CheckSubject {
  readonly check: string;
  readonly resource: string;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy | undefined;
}

/** An error that outlasted the retries, with how many runs it took. */
export class AttemptsExhaustedError extends Error {
  constructor(
    public override readonly cause: Error,
    public readonly attempts: number,
  ) {
    super(cause.message);
    this.name = cause.name;
  }
}

/** Runs `operation`, again after a pause while AWS throttles it; any other error is thrown at once. */
export async function retrying<T>(operation: () => Promise<T>, retry: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // Already retried where it was thrown (a shared listing): pausing again would only misreport the attempts.
      if (failure instanceof AttemptsExhaustedError || !THROTTLING_ERRORS.has(failure.name)) throw failure;
      if (attempt >= retry.attempts) throw new AttemptsExhaustedError(failure, attempt);
      await retry.sleep(retry.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

/** The verdict of a check whose evaluation threw: it could not run, so it failed. */
export function couldNotRun(error: unknown): Verdict {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  const tries = error instanceof AttemptsExhaustedError ? ` (after ${error.attempts} attempts)` : '';
  return fail(`could not run: ${name}: ${message}${tries}`);
}

/**
 * Runs one check, again after a pause while AWS throttles it. Any error that remains (access
 * denied, a missing resource, throttling that outlasts the retries) fails the check with the
 * error's name and message: it never counts as a pass.
 */
export async function runCheck(subject: CheckSubject, evaluate: () => Promise<Verdict>): Promise<CheckResult> {
  const { check, resource, retry } = subject;
  try {
    return { check, resource, ...(await retrying(evaluate, retry)) };
  } catch (error) {
    return { check, resource, ...couldNotRun(error) };
  }
}

/** The report of `results`. An empty run is a failed run: nothing proves the backups are there. */
export function buildReport(results: readonly CheckResult[], now: Date): CheckReport {
  const passedCount = results.filter((result) => result.passed).length;
  const successRate = results.length === 0 ? 0 : Math.round((passedCount / results.length) * 10_000) / 100;
  return {
    checkedAt: now.toISOString(),
    results,
    successRate,
    passed: results.length > 0 && passedCount === results.length,
  };
}

/**
 * Writes `report` as JSON to the SSM parameter `name`. Each run is a new version, so the
 * parameter's history is the log of past runs.
 */
export async function publishReport(ssm: SSMClient, name: string, report: CheckReport): Promise<number> {
  return publishRecord(ssm, name, report);
}
