// The failover decision: what each combination of the two signals seen from the secondary region means, as data and one function.

/**
 * What a signal says about the primary region's API.
 * - `down`: the signal's alarm is in ALARM (the primary is not serving, as this signal sees it);
 * - `up`: the alarm is OK;
 * - `unknown`: INSUFFICIENT_DATA, or the signal stopped reporting (its own heartbeat alarm pages).
 */
export type SignalState = 'up' | 'down' | 'unknown';

/** What the secondary region does about a combination of signals. */
export type DecisionOutcome = 'act' | 'wait' | 'page';

/** The two independent views, both observable in the secondary region with no us-east-1 control plane. */
export const FAILOVER_SIGNALS = {
  /** S1: the out-of-region canary in the secondary cannot reach `api-<primary>`. */
  probe: 'S1 probe',
  /** S2: Route 53's authoritative name servers no longer answer `api.<zone>` with the primary. */
  route53: 'S2 Route 53 view',
} as const;

/** One row of the decision table. */
export interface DecisionRow {
  readonly probe: SignalState;
  readonly route53: SignalState;
  readonly outcome: DecisionOutcome;
  /** What the combination most likely means, in the words of the runbook. */
  readonly meaning: string;
}

/**
 * Every combination of the two signals. Only `down`+`down` activates the secondary (with data loss
 * allowed): a partition between the regions, a single failing probe, a TLS/WAF fault seen only
 * from us-west-2, or a bad deploy that Route 53 still sees as healthy never promote. Disagreement
 * pages; so does a blind signal while the other says down.
 */
export const DECISION_TABLE: readonly DecisionRow[] = [
  {
    probe: 'down',
    route53: 'down',
    outcome: 'act',
    meaning: 'both views agree the primary is down: activate the secondary',
  },
  {
    probe: 'down',
    route53: 'up',
    outcome: 'page',
    meaning:
      'partition between the regions, a single failing probe, a TLS or WAF fault on the path from the secondary, or a bad deploy Route 53 still sees as healthy',
  },
  {
    probe: 'up',
    route53: 'down',
    outcome: 'page',
    meaning:
      "Route 53 moved traffic but the primary answers the secondary's probe: a health check or record fault, or a bad deploy in the primary",
  },
  { probe: 'up', route53: 'up', outcome: 'wait', meaning: 'the primary serves: nothing to do' },
  {
    probe: 'down',
    route53: 'unknown',
    outcome: 'page',
    meaning: 'the Route 53 view is blind (dns-view stopped reporting): a human decides',
  },
  {
    probe: 'unknown',
    route53: 'down',
    outcome: 'page',
    meaning: 'the probe is blind (the canary stopped reporting): a human decides',
  },
  {
    probe: 'up',
    route53: 'unknown',
    outcome: 'wait',
    meaning: 'the primary serves; the Route 53 view pages on its own',
  },
  {
    probe: 'unknown',
    route53: 'up',
    outcome: 'wait',
    meaning: 'Route 53 serves the primary; the canary pages on its own',
  },
  { probe: 'unknown', route53: 'unknown', outcome: 'page', meaning: 'both views are blind: a human decides' },
];

/** The outcome of a combination; every combination is in the table. */
export function decide(probe: SignalState, route53: SignalState): DecisionOutcome {
  const row = DECISION_TABLE.find((candidate) => candidate.probe === probe && candidate.route53 === route53);
  if (!row) throw new Error(`the failover decision table has no row for probe=${probe}, route53=${route53}`);
  return row.outcome;
}

/** A CloudWatch alarm state as DescribeAlarms and the alarm rules spell it. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The signal an alarm state stands for: ALARM means the primary is down as that view sees it. */
export const SIGNAL_OF_ALARM_STATE: Readonly<Record<AlarmStateValue, SignalState>> = {
  ALARM: 'down',
  OK: 'up',
  INSUFFICIENT_DATA: 'unknown',
};

/** The alarm state that stands for a signal state (the inverse of {@link SIGNAL_OF_ALARM_STATE}). */
export const ALARM_STATE_OF_SIGNAL: Readonly<Record<SignalState, AlarmStateValue>> = {
  down: 'ALARM',
  up: 'OK',
  unknown: 'INSUFFICIENT_DATA',
};

/** The rows with `outcome`: the composite alarms are built from these. */
export function rowsWith(outcome: DecisionOutcome): readonly DecisionRow[] {
  return DECISION_TABLE.filter((row) => row.outcome === outcome);
}

/** The decision table as the runbook shows it (docs/runbooks/failover-decision.md; a test keeps the copy current). */
export function decisionTableMarkdown(): string {
  const cell = (state: SignalState) => `${state} (${ALARM_STATE_OF_SIGNAL[state]})`;
  return [
    `| ${FAILOVER_SIGNALS.probe} | ${FAILOVER_SIGNALS.route53} | Outcome | What it most likely means |`,
    '| --- | --- | --- | --- |',
    ...DECISION_TABLE.map(
      (row) => `| ${cell(row.probe)} | ${cell(row.route53)} | **${row.outcome}** | ${row.meaning} |`,
    ),
  ].join('\n');
}
