// The DR Test Checklist as each game day judges it: every item pass, fail or not exercised, with evidence naming what was measured.
import { CHECKLIST, GAME_DAY_STEPS, type GameDayStep } from '../../lib/contract/game-days';
import { evaluate } from './checklist';
import { parseRequest, MalformedEventError, type RecordRequest } from './events';
import { lastDue } from './audit';
import { renderReport } from './report';

const settings = { objectiveSeconds: 1800, stage: 'staging', region: 'us-west-2' };
const T0 = Date.parse('2026-12-07T15:00:00Z');
const END = new Date(T0 + 3_600_000);

/** Steps back to back from T0, each `seconds` long. */
function steps(...spec: [name: string, seconds: number, succeeded?: boolean, detail?: string][]): GameDayStep[] {
  let at = T0;
  return spec.map(([name, seconds, succeeded = true, detail]) => {
    const step = { name, startedAt: at, endedAt: at + seconds * 1000, succeeded, ...(detail ? { detail } : {}) };
    at = step.endedAt;
    return step;
  });
}

const request = (overrides: Partial<RecordRequest>): RecordRequest => ({
  action: 'record',
  gameDay: 'database',
  execution: 'run-1',
  startedAt: new Date(T0).toISOString(),
  steps: [],
  facts: {},
  ...overrides,
});
const status = (result: ReturnType<typeof evaluate>) =>
  Object.fromEntries(result.checklist.map((item) => [item.id, item.status]));

const { database, communication, monitoringCheck } = GAME_DAY_STEPS;
const healthyDatabase = request({
  steps: steps(
    [database.switchover, 95, true, 'moved'],
    [database.switchback, 88, true, 'moved'],
    [monitoringCheck, 1],
  ),
  facts: { writerRegionAfter: 'us-east-1', primaryRegion: 'us-east-1', alarmsWithoutData: [] },
});

test('a database game day that moved the writer out and back within the objective passes every item it exercises', () => {
  const result = evaluate(healthyDatabase, settings, END);
  expect(status(result)).toEqual({
    'backup-restoration': 'not-exercised',
    'service-functionality': 'pass',
    'performance-sla': 'pass',
    'monitoring-alerting': 'pass',
    'communication-plan': 'not-exercised',
    'recovery-time-documented': 'pass',
    'issues-noted': 'pass',
  });
  expect(result.passed).toBe(true);
  expect(result.checklist.map((item) => item.title)).toEqual(CHECKLIST.map((item) => item.title));
  expect(result.steps.map((step) => step.seconds)).toEqual([95, 88, 1]);
  expect(result.checklist.find((item) => item.id === 'performance-sla')!.evidence).toMatch(
    /switchover-to-secondary 95 s, switchback-to-primary 88 s; .*1800 s/,
  );
});

test.each([
  [
    'fails when the writer did not come back to the primary',
    { facts: { ...healthyDatabase.facts, writerRegionAfter: 'us-west-2' } },
    'service-functionality',
  ],
  [
    'fails when a move took longer than the objective',
    { steps: steps([database.switchover, 1900], [database.switchback, 60]) },
    'performance-sla',
  ],
  [
    'fails when the alarm check never ran',
    { facts: { writerRegionAfter: 'us-east-1', primaryRegion: 'us-east-1' } },
    'monitoring-alerting',
  ],
  [
    'fails when alarms have no data',
    { facts: { ...healthyDatabase.facts, alarmsWithoutData: ['a', 'b'] } },
    'monitoring-alerting',
  ],
  [
    'fails when a failed step has no error recorded',
    { steps: steps([database.switchover, 10, false]) },
    'issues-noted',
  ],
  ['fails when nothing was timed', { steps: [] }, 'recovery-time-documented'],
] as const)('%s', (_name, overrides, item) => {
  const result = evaluate({ ...healthyDatabase, ...overrides } as RecordRequest, settings, END);
  expect(result.checklist.find((check) => check.id === item)!.status).toBe('fail');
  expect(result.passed).toBe(false);
  expect(result.issues.some((issue) => issue.startsWith(CHECKLIST.find((check) => check.id === item)!.title))).toBe(
    true,
  );
});

test('the communication game day passes when the page was acknowledged within the escalation step and the notices rendered', () => {
  const result = evaluate(
    request({
      gameDay: 'communication',
      steps: steps(
        [communication.page, 1],
        [communication.acknowledgement, 240],
        [communication.render, 2],
        [monitoringCheck, 1],
      ),
      facts: { acknowledgedBy: 'oncall@example.com', alarmsWithoutData: [] },
    }),
    settings,
    END,
  );
  expect(status(result)).toMatchObject({
    'communication-plan': 'pass',
    'performance-sla': 'pass',
    'service-functionality': 'not-exercised',
  });
  expect(result.checklist.find((item) => item.id === 'communication-plan')!.evidence).toMatch(/oncall@example.com/);
});

test('fails the communication plan when nobody acknowledged: the step failed with its reason', () => {
  const result = evaluate(
    request({
      gameDay: 'communication',
      steps: steps(
        [communication.page, 1],
        [communication.acknowledgement, 900, false, 'nobody acknowledged'],
        [communication.render, 2],
      ),
      facts: { alarmsWithoutData: [] },
    }),
    settings,
    END,
  );
  expect(status(result)).toMatchObject({
    'communication-plan': 'fail',
    'performance-sla': 'fail',
    'issues-noted': 'pass',
  });
  expect(result.issues[0]).toBe('step acknowledgement failed: nobody acknowledged');
});

describe('the application game day', () => {
  const { application } = GAME_DAY_STEPS;
  const healthy = request({
    gameDay: 'application',
    steps: steps(
      [application.restart, 240, true, 'nested execution arn:restart SUCCEEDED; 3 pods listed'],
      [application.restore, 900, true, 'nested execution arn:restore SUCCEEDED; sentinel and 1200 keys match'],
      [application.warmUp, 60, true, 'nested execution arn:warm SUCCEEDED; 500 keys loaded'],
      [application.health, 30, true, 'GetHealthCheckStatus of hc-1 (https://api-usw2.example.com/health): 1 of 1'],
      [monitoringCheck, 1],
    ),
    facts: { primaryRegion: 'us-east-1', alarmsWithoutData: [] },
  });

  test('passes backup restoration from the restore and warm-up, service functionality from the health check, and the objective from all four steps', () => {
    const result = evaluate(healthy, settings, END);
    expect(status(result)).toEqual({
      'backup-restoration': 'pass',
      'service-functionality': 'pass',
      'performance-sla': 'pass',
      'monitoring-alerting': 'pass',
      'communication-plan': 'not-exercised',
      'recovery-time-documented': 'pass',
      'issues-noted': 'pass',
    });
    const evidence = (id: string) => result.checklist.find((item) => item.id === id)!.evidence;
    expect(evidence('backup-restoration')).toMatch(
      /cache-restore succeeded in 900 s .*sentinel.*cache-warm-up succeeded/,
    );
    expect(evidence('service-functionality')).toMatch(/health-verification succeeded .*GetHealthCheckStatus of hc-1/);
    expect(evidence('performance-sla')).toMatch(
      /rollout-restart 240 s, cache-restore 900 s, cache-warm-up 60 s, health-verification 30 s; .*1800 s .*holds/,
    );
  });

  test.each([
    ['the health check never turned healthy', application.health, 'service-functionality'],
    ['the restore test failed its check', application.restore, 'backup-restoration'],
    ['the warm-up failed', application.warmUp, 'backup-restoration'],
    ['the rollout restart failed', application.restart, 'performance-sla'],
  ] as const)('fails when %s', (_name, failedStep, item) => {
    const result = evaluate(
      {
        ...healthy,
        steps: healthy.steps.map((step) =>
          step.name === failedStep ? { ...step, succeeded: false, detail: 'CheckFailed: it failed' } : step,
        ),
      },
      settings,
      END,
    );
    expect(status(result)[item]).toBe('fail');
    expect(result.passed).toBe(false);
    expect(result.issues).toContain(`step ${failedStep} failed: CheckFailed: it failed`);
  });

  test('fails performance when a step outlasts the objective, and backup restoration when the run never restored', () => {
    const slow = evaluate(
      {
        ...healthy,
        steps: steps(
          [application.restart, 60],
          [application.restore, 2000],
          [application.warmUp, 5],
          [application.health, 5],
        ),
      },
      settings,
      END,
    );
    expect(status(slow)['performance-sla']).toBe('fail');
    expect(slow.checklist.find((item) => item.id === 'performance-sla')!.evidence).toMatch(
      /does NOT hold for cache-restore/,
    );
    const stopped = evaluate({ ...healthy, steps: steps([application.restart, 60]) }, settings, END);
    expect(status(stopped)).toMatchObject({
      'backup-restoration': 'fail',
      'service-functionality': 'fail',
      'performance-sla': 'fail',
    });
  });

  test('with a read-only Global Datastore member the warm-up is not exercised: said in the evidence, not held against the run', () => {
    const reason = 'cache.globalDatastore is on: the group in us-west-2 is a read-only member';
    const result = evaluate(
      {
        ...healthy,
        steps: healthy.steps.filter((step) => step.name !== application.warmUp),
        facts: { ...healthy.facts, warmUpNotExercised: reason },
      },
      settings,
      END,
    );
    expect(status(result)).toMatchObject({ 'backup-restoration': 'pass', 'performance-sla': 'pass' });
    for (const id of ['backup-restoration', 'performance-sla'])
      expect(result.checklist.find((item) => item.id === id)!.evidence).toContain(
        `the cache warm-up was not exercised: ${reason}`,
      );
    // Without the fact, a missing warm-up is a failure, never a silent skip.
    const missing = evaluate(
      { ...healthy, steps: healthy.steps.filter((step) => step.name !== application.warmUp) },
      settings,
      END,
    );
    expect(status(missing)).toMatchObject({ 'backup-restoration': 'fail', 'performance-sla': 'fail' });
  });
});

test('the report holds every checklist item, every step and the issues', () => {
  const text = renderReport(evaluate(healthyDatabase, settings, END));
  expect(text).toMatch(/^# Game day: Database failover test \(staging, us-west-2\)/);
  for (const item of CHECKLIST) expect(text).toContain(`|${item.title}|`);
  expect(text).toContain('|switchover-to-secondary|succeeded|95|moved|');
  expect(text).toContain('None found by this run.');
});

describe('parseRequest', () => {
  test('reads a record request, a single step as Step Functions hands a one-item list over', () => {
    const parsed = parseRequest({ ...healthyDatabase, steps: healthyDatabase.steps[0] });
    expect(parsed).toMatchObject({ action: 'record', steps: [healthyDatabase.steps[0]] });
  });
  test.each([
    [null, /JSON object/],
    [{ action: 'dance' }, /action must be one of/],
    [{ action: 'record', gameDay: 'moon', execution: 'x', startedAt: 'y' }, /gameDay must be one of/],
    [{ ...healthyDatabase, steps: [{ name: 'x', startedAt: 2, endedAt: 1, succeeded: true }] }, /startedAt <= endedAt/],
    [{ ...healthyDatabase, facts: { alarmsWithoutData: 'all' } }, /list of alarm names/],
    [{ ...healthyDatabase, facts: { warmUpNotExercised: 7 } }, /facts\.warmUpNotExercised must be a string/],
  ])('fails when the event is malformed (%#)', (event, message) => {
    expect(() => parseRequest(event)).toThrow(MalformedEventError);
    expect(() => parseRequest(event)).toThrow(message);
  });
});

describe('lastDue', () => {
  const due = { week: 2, hour: 15, minute: 0 };
  test.each([
    // December 2026: Mondays 7, 14, 21, 28; November 2026: 2, 9, 16, 23, 30.
    ['2026-12-20T00:00:00Z', '2026-12-14T15:00:00.000Z'],
    ['2026-12-15T02:00:00Z', '2026-11-09T15:00:00.000Z'],
    ['2026-12-15T03:00:00Z', '2026-12-14T15:00:00.000Z'],
  ])('at %s with 12 h of grace, the run due last is %s', (now, expected) => {
    expect(lastDue(new Date(now), due, 12).toISOString()).toBe(expected);
  });
});
