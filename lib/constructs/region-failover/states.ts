// What every state of the failover definition shares: where states are created, JSONata helpers, and read retries.
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
  /** The region being activated. */
  readonly region: string;
  readonly arns: FailoverArns;
}

/** Retries of read-only calls: a throttled or briefly failing read must not end a failover. */
export const READ_RETRY: sfn.RetryProps = { maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 };

/** A JSONata expression as Step Functions wants it in a string field. */
export const jsonata = (expression: string) => `{% ${expression} %}`;

/** Milliseconds since the run started, in JSONata. */
export const ELAPSED_MS = '($millis() - $toMillis($states.context.Execution.StartTime))';

/** The promotion timeout in milliseconds, as the deadlines count it. */
export function timeoutMs(context: StepContext): number {
  return context.props.promotionTimeout.toMilliseconds();
}
