// The execution input of the region failover state machine: what the trigger, the operator's command and the drill send.

/** What a run does. */
export const FAILOVER_ACTIONS = ['activate', 'switchover', 'failback'] as const;
export type FailoverAction = (typeof FAILOVER_ACTIONS)[number];

/** Who started a run: the activation alarm's rule, or a human (failover-region.sh, the console, a drill). */
export const FAILOVER_REQUESTERS = ['alarm', 'operator'] as const;
export type FailoverRequester = (typeof FAILOVER_REQUESTERS)[number];

/**
 * Input of the state machine.
 * - `activate`: unplanned, run in the region to activate; Aurora `FailoverGlobalCluster` with
 *   `AllowDataLoss`; the cache fails over, or is detached when the primary region does not answer;
 *   in the secondary, raises the DNS fence.
 * - `switchover`: planned, no data loss, to the region of the machine; both regions must answer.
 * - `failback`: run in the secondary only; planned switchover of Aurora and the cache back to the
 *   primary region, then lifts the DNS fence.
 */
export interface FailoverInput {
  readonly action: FailoverAction;
  readonly requestedBy: FailoverRequester;
  /** Why, for the history and the notices. */
  readonly reason?: string;
  /** Who, when `requestedBy` is `operator`. */
  readonly operator?: string;
}

/** The input the activation rule sends (EventBridge fills in the alarm's reason). */
export const ALARM_ACTIVATION_INPUT = { action: 'activate', requestedBy: 'alarm' } as const satisfies FailoverInput;

/**
 * The problems of `input` as the state machine's `ValidateInput` state reports them; empty when
 * valid. The state machine checks the same rules in JSONata (tested against this function).
 */
export function failoverInputProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['input must be a JSON object'];
  const { action, requestedBy, reason, operator } = input as Record<string, unknown>;
  const problems: string[] = [];
  if (!FAILOVER_ACTIONS.includes(action as FailoverAction)) {
    problems.push(`action must be one of ${FAILOVER_ACTIONS.join(', ')}, got: ${JSON.stringify(action)}`);
  }
  if (!FAILOVER_REQUESTERS.includes(requestedBy as FailoverRequester)) {
    problems.push(`requestedBy must be one of ${FAILOVER_REQUESTERS.join(', ')}, got: ${JSON.stringify(requestedBy)}`);
  }
  if (reason !== undefined && typeof reason !== 'string') problems.push('reason must be a string when given');
  if (operator !== undefined && typeof operator !== 'string') problems.push('operator must be a string when given');
  if (requestedBy === 'alarm' && action !== undefined && action !== 'activate') {
    problems.push(`an alarm may only activate; ${JSON.stringify(action)} needs requestedBy "operator"`);
  }
  return problems;
}

/** Values of the fence metric: 1 holds DNS on the secondary, 0 lets the primary record answer again. */
export const FENCE_VALUE = { raised: 1, lifted: 0 } as const;

/**
 * Period of the fence alarm, which takes the Maximum of each period: a lift published in the same
 * period as a raise is masked by it, so the failback waits longer than this before it lifts.
 */
export const FENCE_PERIOD_SECONDS = 60;

/** Item key of the lock table: one item per stage holds the run lock, one the last activation. */
export const LOCK_KEYS = { run: 'run', lastActivation: 'last-activation' } as const;
