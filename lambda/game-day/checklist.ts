// The plan's DR Test Checklist judged from what a game day's state machine timed and read: each item pass, fail or not exercised, with its evidence.
import {
  CHECKLIST,
  GAME_DAY_STEPS,
  type ChecklistItemId,
  type CheckStatus,
  type GameDayId,
  type GameDayResult,
  type GameDayStep,
} from '../../lib/contract/game-days';
import { ESCALATION_LEVELS } from '../../lib/contract/paging';
import type { RecordRequest } from './events';

/** What the checklist is judged against besides the run. */
export interface ChecklistSettings {
  /** A recovery step slower than this fails `performance-sla`: the stage's strictest critical RTO. */
  readonly objectiveSeconds: number;
  readonly stage: string;
  readonly region: string;
}

type Verdict = { readonly status: CheckStatus; readonly evidence: string };

const seconds = (step: GameDayStep) => Math.round((step.endedAt - step.startedAt) / 100) / 10;
const { database, region, application, communication } = GAME_DAY_STEPS;

/** The game day that exercises an item another one does not, for the evidence of a `not-exercised`. */
const EXERCISED_BY: Readonly<Partial<Record<ChecklistItemId, string>>> = {
  'backup-restoration':
    'the application recovery test (third Monday) restores the cache; the weekly restore tests restore Aurora',
  'service-functionality': 'the database, region and application tests verify it',
  'communication-plan': 'the communication plan test (fourth Monday) exercises it',
};

function notExercised(item: ChecklistItemId, gameDay: GameDayId): Verdict {
  return { status: 'not-exercised', evidence: `the ${gameDay} game day does not test this; ${EXERCISED_BY[item]}` };
}

function stepVerdict(steps: readonly GameDayStep[], name: string, what: string): Verdict {
  const step = steps.find((candidate) => candidate.name === name);
  if (!step) return { status: 'fail', evidence: `${what}: the run never reached the ${name} step` };
  return {
    status: step.succeeded ? 'pass' : 'fail',
    evidence: `${what}: step ${name} ${step.succeeded ? 'succeeded' : 'FAILED'} in ${seconds(step)} s (${step.detail ?? 'no detail'}), timed by the game day's state machine`,
  };
}

/** The steps whose duration is held to the objective, by game day. */
const RECOVERY_STEPS: Readonly<Record<Exclude<GameDayId, 'communication'>, readonly string[]>> = {
  database: [database.switchover, database.switchback],
  region: [region.switchover, region.failback],
  application: [application.restart, application.restore, application.warmUp, application.health],
};

/** The cache warm-up is not run where the secondary's group is a read-only Global Datastore member: said, never silently left out. */
function warmUpNote(request: RecordRequest): string {
  const reason = request.facts.warmUpNotExercised;
  return reason === undefined ? '' : `; the cache warm-up was not exercised: ${reason}`;
}

/** The application test's restore, and its warm-up where the stage can run one. */
function cacheRestoration(request: RecordRequest): Verdict {
  const restored = stepVerdict(request.steps, application.restore, 'the newest cache export was restored and checked');
  if (request.facts.warmUpNotExercised !== undefined)
    return { status: restored.status, evidence: `${restored.evidence}${warmUpNote(request)}` };
  const warmed = stepVerdict(request.steps, application.warmUp, 'the cache was warmed up from its manifest');
  return {
    status: restored.status === 'pass' && warmed.status === 'pass' ? 'pass' : 'fail',
    evidence: `${restored.evidence}; ${warmed.evidence}`,
  };
}

function performance(request: RecordRequest, settings: ChecklistSettings): Verdict {
  const { steps } = request;
  if (request.gameDay === 'communication') {
    // The plan's escalation pages level 2 when level 1 has not acknowledged in this time.
    const limit = ESCALATION_LEVELS[1].afterMinutes * 60;
    const ack = steps.find((step) => step.name === communication.acknowledgement);
    const ok = ack !== undefined && ack.succeeded && seconds(ack) <= limit;
    return {
      status: ok ? 'pass' : 'fail',
      evidence: ack
        ? `the test page was ${ack.succeeded ? `acknowledged after ${seconds(ack)} s` : 'not acknowledged'}; the plan escalates after ${limit} s (incident table read by the state machine)`
        : 'the run never reached the acknowledgement step',
    };
  }
  const names = RECOVERY_STEPS[request.gameDay].filter(
    (name) => name !== application.warmUp || request.facts.warmUpNotExercised === undefined,
  );
  const timed = names.map((name) => steps.find((step) => step.name === name));
  const missing = names.filter((_, index) => timed[index] === undefined);
  if (missing.length > 0)
    return { status: 'fail', evidence: `no timing for ${missing.join(', ')}: the run stopped before` };
  const slow = timed.filter((step) => !step!.succeeded || seconds(step!) > settings.objectiveSeconds);
  return {
    status: slow.length === 0 ? 'pass' : 'fail',
    evidence: `${timed.map((step) => `${step!.name} ${seconds(step!)} s${step!.succeeded ? '' : ' (failed)'}`).join(', ')}; each within the objective of ${settings.objectiveSeconds} s (the stage's strictest critical RTO) ${slow.length === 0 ? 'holds' : `does NOT hold for ${slow.map((step) => step!.name).join(', ')}`}${request.gameDay === 'application' ? warmUpNote(request) : ''}`,
  };
}

function serviceFunctionality(request: RecordRequest): Verdict {
  const { gameDay, facts, steps } = request;
  if (gameDay === 'application')
    return stepVerdict(steps, application.health, "Route 53's health checkers of the region's endpoint");
  if (gameDay === 'communication') return notExercised('service-functionality', gameDay);
  const back = facts.writerRegionAfter !== undefined && facts.writerRegionAfter === facts.primaryRegion;
  const moved = steps.filter((step) => step.name !== GAME_DAY_STEPS.monitoringCheck).every((step) => step.succeeded);
  return {
    status: back && moved ? 'pass' : 'fail',
    evidence: `DescribeGlobalClusters after the game day: the writer is in ${facts.writerRegionAfter ?? 'an unknown region'} (expected the primary, ${facts.primaryRegion ?? 'unknown'}); ${moved ? 'every move succeeded' : 'a move FAILED'}`,
  };
}

function monitoring(request: RecordRequest, settings: ChecklistSettings): Verdict {
  const silent = request.facts.alarmsWithoutData;
  if (silent === undefined) {
    return { status: 'fail', evidence: `the alarm check did not run: no DescribeAlarms result in ${settings.region}` };
  }
  return {
    status: silent.length === 0 ? 'pass' : 'fail',
    evidence:
      silent.length === 0
        ? `DescribeAlarms (StateValue INSUFFICIENT_DATA) in ${settings.region} at the end of the run: none, every alarm has data`
        : `DescribeAlarms in ${settings.region}: ${silent.length} alarm(s) without data: ${silent.slice(0, 10).join(', ')}`,
  };
}

function communicationPlan(request: RecordRequest): Verdict {
  if (request.gameDay !== 'communication') return notExercised('communication-plan', request.gameDay);
  const verdicts = [
    stepVerdict(request.steps, communication.page, 'the test contact was paged'),
    stepVerdict(
      request.steps,
      communication.acknowledgement,
      `acknowledged by ${request.facts.acknowledgedBy ?? 'nobody'}`,
    ),
    stepVerdict(
      request.steps,
      communication.render,
      'status page test notice and customer notice rendered, sent to nobody',
    ),
  ];
  return {
    status: verdicts.every((verdict) => verdict.status === 'pass') ? 'pass' : 'fail',
    evidence: verdicts.map((verdict) => verdict.evidence).join('; '),
  };
}

function documented(steps: readonly GameDayStep[]): Verdict {
  const total = steps.reduce((sum, step) => sum + seconds(step), 0);
  return {
    status: steps.length > 0 ? 'pass' : 'fail',
    evidence:
      steps.length > 0
        ? `${steps.length} steps timed by the state machine ($millis() at each step's end), ${Math.round(total)} s in all; in this result and as game_day_step_seconds`
        : 'no step was timed',
  };
}

function issuesNoted(steps: readonly GameDayStep[]): Verdict {
  const failed = steps.filter((step) => !step.succeeded);
  const unexplained = failed.filter((step) => (step.detail ?? '').trim() === '');
  return {
    status: unexplained.length === 0 ? 'pass' : 'fail',
    evidence:
      failed.length === 0
        ? 'no step failed; the report lists the failed checklist items, if any, under Issues'
        : `${failed.length} failed step(s), ${unexplained.length === 0 ? 'each with its error' : `${unexplained.length} without an error recorded`}, listed under Issues`,
  };
}

function judge(item: ChecklistItemId, request: RecordRequest, settings: ChecklistSettings): Verdict {
  switch (item) {
    case 'backup-restoration':
      return request.gameDay === 'application' ? cacheRestoration(request) : notExercised(item, request.gameDay);
    case 'service-functionality':
      return serviceFunctionality(request);
    case 'performance-sla':
      return performance(request, settings);
    case 'monitoring-alerting':
      return monitoring(request, settings);
    case 'communication-plan':
      return communicationPlan(request);
    case 'recovery-time-documented':
      return documented(request.steps);
    case 'issues-noted':
      return issuesNoted(request.steps);
  }
}

/** The result of a run: every checklist item judged, the steps with their seconds, and the issues. */
export function evaluate(request: RecordRequest, settings: ChecklistSettings, endedAt: Date): GameDayResult {
  const checklist = CHECKLIST.map(({ id, title }) => ({ id, title, ...judge(id, request, settings) }));
  const issues = [
    ...request.steps
      .filter((step) => !step.succeeded)
      .map((step) => `step ${step.name} failed: ${step.detail ?? 'no error recorded'}`),
    ...checklist.filter((item) => item.status === 'fail').map((item) => `${item.title}: ${item.evidence}`),
  ];
  return {
    gameDay: request.gameDay,
    stage: settings.stage,
    region: settings.region,
    execution: request.execution,
    startedAt: request.startedAt,
    endedAt: endedAt.toISOString(),
    passed: checklist.every((item) => item.status !== 'fail'),
    steps: request.steps.map((step) => ({ ...step, seconds: seconds(step) })),
    checklist,
    issues,
  };
}
