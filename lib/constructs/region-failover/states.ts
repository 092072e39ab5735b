// What every state of the failover definition shares: where states are created, JSONata helpers, and retries.
import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailoverArns } from './arns';
import type { ResolvedFailoverProps } from './props';

/** What the step builders read. */
export interface StepContext {
  /** Scope of every state: a state's construct id is its name in the definition. */
  readonly scope: Construct;
  readonly props: ResolvedFailoverProps;
  /** The region of the machine. */
  readonly region: string;
  readonly arns: FailoverArns;
}

/** Retries of read-only calls: a throttled or briefly failing read must not end a failover. */
export const READ_RETRY: sfn.RetryProps = { maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 };

/**
 * Retries of the calls that change something (promote, switch over, detach, lock, fence): 2, 4
 * and 8 s apart. Each such step is preceded by a look at whether its effect already holds, so a
 * retry after a call that did land meets an error the next look absorbs, not a second change.
 */
export const MUTATE_RETRY: sfn.RetryProps = {
  errors: ['States.TaskFailed'],
  maxAttempts: 3,
  interval: Duration.seconds(2),
  backoffRate: 2,
};

/** A JSONata expression as Step Functions wants it in a string field. */
export const jsonata = (expression: string) => `{% ${expression} %}`;

/** A JSONata string literal of `text`. */
export const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Milliseconds since the run started, in JSONata. */
export const ELAPSED_MS = '($millis() - $toMillis($states.context.Execution.StartTime))';

/** Slack of the whole run over one promotion: guards, reads, retries and notifications. */
const RUN_SLACK = Duration.minutes(10);

/** The state machine's timeout, which the lock's expiry follows: one promotion and the slack. */
export function runTimeout(props: Pick<ResolvedFailoverProps, 'promotionTimeout'>): Duration {
  return Duration.seconds(props.promotionTimeout.toSeconds() + RUN_SLACK.toSeconds());
}

/** The promotion timeout in milliseconds, as the deadlines count it. */
export function timeoutMs(context: StepContext): number {
  return context.props.promotionTimeout.toMilliseconds();
}

/** What a branch of a Parallel ends with, whatever happened: the run reports every member's outcome. */
export interface BranchOutcome {
  readonly member: 'aurora' | 'cache';
  /** Whether this run changed the member (a no-op is not a failover). */
  readonly promoted: boolean;
  /** For the cache of an activation: whether it was detached from its Global Datastore. */
  readonly detached?: boolean;
  readonly failed?: boolean;
  readonly error?: string;
}
