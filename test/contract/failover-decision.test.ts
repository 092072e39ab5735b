// The failover decision table: every combination of the two signals, and the input contract of the state machine.
import {
  ALARM_STATE_OF_SIGNAL,
  DECISION_TABLE,
  SIGNAL_OF_ALARM_STATE,
  decide,
  failoverInputProblems,
  rowsWith,
  type DecisionOutcome,
  type SignalState,
} from '../../lib/contract';

const STATES: SignalState[] = ['up', 'down', 'unknown'];

describe('decision table', () => {
  test.each<[SignalState, SignalState, DecisionOutcome]>([
    ['down', 'down', 'act'],
    // A partition between the regions, or a single failing probe: Route 53 still serves the primary.
    ['down', 'up', 'page'],
    // A bad deploy or a health check fault: Route 53 moved, the primary answers the probe.
    ['up', 'down', 'page'],
    ['up', 'up', 'wait'],
    ['down', 'unknown', 'page'],
    ['unknown', 'down', 'page'],
    ['up', 'unknown', 'wait'],
    ['unknown', 'up', 'wait'],
    ['unknown', 'unknown', 'page'],
  ])('probe %s, Route 53 %s: %s', (probe, route53, outcome) => {
    expect(decide(probe, route53)).toBe(outcome);
  });

  test('every combination has exactly one row, and only both signals down acts', () => {
    for (const probe of STATES) {
      for (const route53 of STATES) {
        expect(DECISION_TABLE.filter((row) => row.probe === probe && row.route53 === route53)).toHaveLength(1);
      }
    }
    expect(rowsWith('act')).toEqual([expect.objectContaining({ probe: 'down', route53: 'down' })]);
  });

  test('alarm states and signal states map both ways', () => {
    for (const signal of STATES) expect(SIGNAL_OF_ALARM_STATE[ALARM_STATE_OF_SIGNAL[signal]]).toBe(signal);
  });
});

describe('execution input', () => {
  test.each([
    { action: 'activate', requestedBy: 'alarm' },
    { action: 'activate', requestedBy: 'alarm', reason: 'Threshold Crossed' },
    { action: 'switchover', requestedBy: 'operator', operator: 'alice', reason: 'game day' },
    { action: 'failback', requestedBy: 'operator' },
  ])('accepts %p', (input) => {
    expect(failoverInputProblems(input)).toEqual([]);
  });

  test.each<[unknown, RegExp]>([
    [null, /must be a JSON object/],
    [[], /must be a JSON object/],
    [{ requestedBy: 'operator' }, /action must be one of activate, switchover, failback, got: undefined/],
    [{ action: 'promote', requestedBy: 'operator' }, /action must be one of .*got: "promote"/],
    [{ action: 'activate' }, /requestedBy must be one of alarm, operator/],
    [{ action: 'activate', requestedBy: 'alarm', reason: 3 }, /reason must be a string/],
    [{ action: 'failback', requestedBy: 'alarm' }, /an alarm may only activate/],
  ])('fails when the input is %p', (input, problem) => {
    expect(failoverInputProblems(input).join('\n')).toMatch(problem);
  });
});
