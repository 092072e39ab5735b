// The incident model: opening, updating and resolving incidents, the notices they send, the components' states, and hostile input.
import { PLAN_OBJECTIVES } from '../../lib/config/plan';
import { STATUS_COMPONENT } from '../../lib/contract/status-page';
import { alarmChange, changesOf, failoverRunChange, MalformedEventError, type EventNames } from './events';
import { HOSTILE_INPUTS, SETTINGS } from './fixtures';
import { applyChange, emptyFeed, parseFeed, UpdateRefused, type StatusChange, type StatusFeed } from './incidents';
import { renderFeed, renderPage } from './page';
import { holdsInternalName, sanitizeText } from './sanitize';

const NAMES: EventNames = {
  failoverStateMachineName: 'async-toolformer-prod-usw2-region-failover',
  activateAlarmName: 'async-toolformer-prod-usw2-failover-activate',
  disagreementAlarmName: 'async-toolformer-prod-usw2-failover-disagreement',
};

const T0 = new Date('2026-11-28T13:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** Applies `changes` in turn, a minute apart, from an empty feed. */
function applyAll(changes: readonly StatusChange[]) {
  let feed: StatusFeed = emptyFeed(SETTINGS.components, T0);
  return changes.map((change, index) => {
    const applied = applyChange(feed, change, minutes(index), SETTINGS);
    feed = applied.feed;
    return applied;
  });
}

test('the contract names the plan components', () => {
  expect(Object.values(STATUS_COMPONENT).sort()).toEqual(PLAN_OBJECTIVES.map((o) => o.component).sort());
});

describe('a region loss, from the decision to the failback', () => {
  const changes = [
    alarmChange(NAMES, { name: NAMES.activateAlarmName, state: 'ALARM' })!,
    failoverRunChange('activate', 'RUNNING')!,
    failoverRunChange('activate', 'SUCCEEDED')!,
    alarmChange(NAMES, { name: NAMES.activateAlarmName, state: 'OK' })!,
    failoverRunChange('failback', 'RUNNING')!,
    failoverRunChange('failback', 'SUCCEEDED')!,
  ];
  const applied = applyAll(changes);

  test('is one incident that opens with the Initial Incident Report and ends with the Resolution Notice', () => {
    expect(applied.map((a) => a.outcome)).toEqual(['opened', 'updated', 'updated', 'unchanged', 'updated', 'resolved']);
    expect(new Set(applied.map((a) => a.incidentId)).size).toBe(1);
    expect(applied[0]!.notice?.text).toContain('Impact: Core API Service, Rate Limiting');
    expect(applied[0]!.notice?.text).toContain('Started: 2026-11-28 13:00 UTC');
    expect(applied[5]!.notice?.text).toContain('Resolution time: 5 minutes');
    expect(applied.slice(1, 5).every((a) => a.notice === undefined)).toBe(true);
  });

  test('shows an outage while the run moves the service, and degraded while monitoring', () => {
    const state = (index: number) =>
      applied[index]!.feed.components.find((c) => c.id === STATUS_COMPONENT.coreApi)!.state;
    expect([state(0), state(1), state(2), state(5)]).toEqual(['outage', 'outage', 'degraded', 'operational']);
    expect(applied[5]!.feed.components.find((c) => c.id === STATUS_COMPONENT.docs)!.state).toBe('operational');
  });

  test('keeps the resolved incident in the history with its root cause', () => {
    const [incident] = applied[5]!.feed.incidents;
    expect(incident).toMatchObject({ status: 'resolved', resolvedAt: minutes(5).toISOString() });
    expect(incident!.rootCause).toMatch(/primary region/);
    expect(incident!.updates.map((u) => u.status)).toEqual([
      'investigating',
      'identified',
      'monitoring',
      'monitoring',
      'resolved',
    ]);
  });
});

test('the decision recovering before any activation resolves the incident', () => {
  const applied = applyAll([
    alarmChange(NAMES, { name: NAMES.disagreementAlarmName, state: 'ALARM' })!,
    alarmChange(NAMES, { name: NAMES.disagreementAlarmName, state: 'OK' })!,
  ]);
  expect(applied.map((a) => a.outcome)).toEqual(['opened', 'resolved']);
  expect(applied[1]!.notice?.text).toContain('Resolution time: 1 minute');
});

test('a critical alarm is its own incident, named by the component its namespace belongs to', () => {
  const applied = applyAll([
    alarmChange(NAMES, {
      name: 'async-toolformer-prod-use1-cache-replication-lag',
      state: 'ALARM',
      namespace: 'AWS/ElastiCache',
    })!,
    alarmChange(NAMES, {
      name: 'async-toolformer-prod-use1-cache-replication-lag',
      state: 'ALARM',
      namespace: 'AWS/ElastiCache',
    })!,
    alarmChange(NAMES, { name: 'async-toolformer-prod-use1-cache-replication-lag', state: 'OK' })!,
  ]);
  expect(applied.map((a) => a.outcome)).toEqual(['opened', 'unchanged', 'resolved']);
  expect(applied[0]!.notice?.text).toContain('Impact: Rate Limiting');
  expect(JSON.stringify(applied[2]!.feed)).not.toMatch(/cache-replication-lag|async-toolformer-prod/);
});

test('an alarm recovering that had no open incident changes nothing', () => {
  const [applied] = applyAll([alarmChange(NAMES, { name: 'x', state: 'OK' })!]);
  expect(applied).toMatchObject({ outcome: 'unchanged' });
  expect(applied!.notice).toBeUndefined();
});

describe('operator updates', () => {
  test('investigating opens, identified and monitoring move, resolved closes with the message as root cause', () => {
    const applied = applyAll([
      { kind: 'operator', status: 'investigating', message: 'Slow responses from the API', affected: ['core-api'] },
      { kind: 'operator', status: 'identified', message: 'A bad deploy' },
      { kind: 'operator', status: 'monitoring', message: 'Rolled back' },
      { kind: 'operator', status: 'resolved', message: 'a faulty deploy, rolled back' },
    ]);
    expect(applied.map((a) => a.outcome)).toEqual(['opened', 'updated', 'updated', 'resolved']);
    expect(applied[3]!.notice?.text).toContain('Root cause: a faulty deploy, rolled back');
    expect(applied[3]!.notice?.text).toContain('The issue with Slow responses from the API has been resolved.');
  });

  test.each(['identified', 'monitoring', 'resolved'] as const)(
    'fails when %s is posted with no open incident',
    (status) => {
      expect(() => applyAll([{ kind: 'operator', status, message: 'x' }])).toThrow(UpdateRefused);
    },
  );

  test('fails when an incident names an unknown component', () => {
    expect(() =>
      applyAll([{ kind: 'operator', status: 'investigating', message: 'x', affected: ['database'] }]),
    ).toThrow(/unknown component database; the components are core-api/);
  });
});

describe('hostile input never reaches a visitor', () => {
  test.each(HOSTILE_INPUTS)('%s', (hostile, leak) => {
    // Prepare: the hostile text everywhere an operator or an event can put text.
    const applied = applyAll([
      { kind: 'operator', status: 'investigating', message: hostile },
      { kind: 'operator', status: 'identified', message: hostile },
      { kind: 'operator', status: 'resolved', message: hostile },
    ]);
    const feed = applied[2]!.feed;

    // Act
    const page = renderPage(feed, SETTINGS);
    const json = renderFeed(feed);

    // Assess
    for (const text of [page, json, applied[0]!.notice!.text, applied[2]!.notice!.text]) {
      expect(text).not.toMatch(leak);
      expect(holdsInternalName(text)).toBe(false);
    }
  });

  test('the service name and the status host stay readable', () => {
    expect(sanitizeText('async-toolformer-orchestrator at status.async-toolformer.example.com')).toBe(
      'async-toolformer-orchestrator at status.async-toolformer.example.com',
    );
  });
});

test("a feed that is not the publisher's fails to parse, naming the field", () => {
  expect(() =>
    parseFeed(JSON.stringify({ version: 1, updatedAt: 'yesterday', components: [], incidents: [] })),
  ).toThrow(/updatedAt/);
});

describe('events', () => {
  const alarmEvent = (alarmName: string, value: string) => ({
    'detail-type': 'CloudWatch Alarm State Change',
    detail: { alarmName, state: { value } },
  });
  const runEvent = (name: string, action: string, status: string) => ({
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      stateMachineArn: `arn:aws:states:us-west-2:123456789012:stateMachine:${name}`,
      status,
      input: JSON.stringify({ action, requestedBy: 'alarm' }),
    },
  });

  test.each([
    ['the decision alarm', alarmEvent(NAMES.activateAlarmName, 'ALARM'), 'open'],
    ['another alarm on EventBridge', alarmEvent('someone-else', 'ALARM'), undefined],
    ['the failover run', runEvent(NAMES.failoverStateMachineName, 'activate', 'SUCCEEDED'), 'update'],
    ['another state machine', runEvent('other', 'activate', 'SUCCEEDED'), undefined],
    ['a planned switchover', runEvent(NAMES.failoverStateMachineName, 'switchover', 'SUCCEEDED'), undefined],
    [
      'a critical alarm through its topic',
      { Records: [{ Sns: { Message: JSON.stringify({ AlarmName: 'a', NewStateValue: 'ALARM', Trigger: {} }) } }] },
      'open',
    ],
    ['an operator update', { kind: 'operator-update', status: 'investigating', message: 'm' }, 'operator'],
    ['a refresh (no change: the page is written again)', { kind: 'refresh' }, undefined],
  ])('%s', (_what, event, kind) => {
    expect(changesOf(event, NAMES)[0]?.kind).toBe(kind);
  });

  test.each([
    ['not an object', 'x'],
    ['an unknown detail type', { 'detail-type': 'EC2 Instance State-change Notification', detail: {} }],
    ['an SNS message that is not an alarm', { Records: [{ Sns: { Message: 'hello' } }] }],
    ['an operator update with an unknown status', { kind: 'operator-update', status: 'fixed', message: 'm' }],
    ['an operator update without a message', { kind: 'operator-update', status: 'resolved', message: ' ' }],
  ])('fails when the event is %s', (_what, event) => {
    expect(() => changesOf(event, NAMES)).toThrow(MalformedEventError);
  });
});
