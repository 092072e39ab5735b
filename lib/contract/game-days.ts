// The plan's monthly DR tests (Testing and Validation) as game days: which runs on which Monday, the checklist each result holds, where results go and the recorder's contract.
import type { FunctionContract } from './functions';
import { parameterName } from './names';

/** The four game days, in the plan's order: the n-th Monday of each month runs the n-th. */
export const GAME_DAYS = [
  { id: 'database', week: 1, title: 'Database failover test' },
  { id: 'region', week: 2, title: 'Full region failover test' },
  { id: 'application', week: 3, title: 'Application recovery test' },
  { id: 'communication', week: 4, title: 'Communication plan test' },
] as const;

export type GameDayId = (typeof GAME_DAYS)[number]['id'];
export const GAME_DAY_IDS: readonly GameDayId[] = GAME_DAYS.map((day) => day.id);

/** Step names of each game day, as its state machine records them and the checklist reads them. */
export const GAME_DAY_STEPS = {
  approval: 'approval',
  monitoringCheck: 'monitoring-check',
  database: { switchover: 'switchover-to-secondary', switchback: 'switchback-to-primary' },
  region: { switchover: 'region-switchover', failback: 'region-failback' },
  application: {
    restart: 'rollout-restart',
    restore: 'cache-restore',
    warmUp: 'cache-warm-up',
    health: 'health-verification',
  },
  communication: { page: 'page-test-contact', acknowledgement: 'acknowledgement', render: 'render-notices' },
} as const;

/**
 * The recovery model's terms (lib/recovery/service-timings.ts ids) a game day measures, and the step
 * whose duration is the sample. Only steps that time the same thing the term stands for are here;
 * the other terms stay modeled until a game day measures them. Not `clientReconnect`: the application
 * test's health step times how long Route 53 takes to see the endpoint healthy after the recovery
 * steps, which a rolling restart never takes down, so its near-zero samples would replace the
 * connection pools' 30 s with nothing they measured. Not `scaleToPeak` either: it stands for HPA
 * adding pods and EKS launching nodes until the secondary reaches the primary's floor, while the
 * application test's rollout restart replaces pods on nodes already running, so its samples would
 * replace the 3 minutes with a shorter time that never launched a node.
 */
export const MEASURED_TERMS = {
  auroraGlobalFailover: {
    gameDay: 'database',
    step: GAME_DAY_STEPS.database.switchover,
    how: 'SwitchoverGlobalCluster to the secondary until DescribeGlobalClusters shows it the writer (planned; the model counts the unplanned failover)',
  },
} as const satisfies Record<string, { gameDay: GameDayId; step: string; how: string }>;

export type MeasuredTermId = keyof typeof MEASURED_TERMS;

/** The plan's DR Test Checklist, item by item, in its order. */
export const CHECKLIST = [
  { id: 'backup-restoration', title: 'Backup restoration successful' },
  { id: 'service-functionality', title: 'Service functionality verified' },
  { id: 'performance-sla', title: 'Performance meets SLA requirements' },
  { id: 'monitoring-alerting', title: 'Monitoring and alerting operational' },
  { id: 'communication-plan', title: 'Communication plan executed' },
  { id: 'recovery-time-documented', title: 'Recovery time documented' },
  { id: 'issues-noted', title: 'Issues and improvements noted' },
] as const;

export type ChecklistItemId = (typeof CHECKLIST)[number]['id'];

/**
 * A checklist item's verdict. `not-exercised`: this game day does not test the item (another one of
 * the month does, named in the evidence); it never counts as a pass or a failure.
 */
export type CheckStatus = 'pass' | 'fail' | 'not-exercised';

/** One step of a game day as its state machine timed it: epoch milliseconds at its start and end. */
export interface GameDayStep {
  readonly name: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly succeeded: boolean;
  /** What the step saw or the error that ended it. */
  readonly detail?: string;
}

/** The `cron(...)` of a game day at `hour`:`minute` UTC on the `week`-th Monday of every month. */
export function gameDayCron(week: number, hour: number, minute: number): string {
  return `cron(${minute} ${hour} ? * MON#${week} *)`;
}

/** Object keys of the results bucket. */
export const GAME_DAY_RESULTS = {
  /** Prefix of every result: `results/<game day>/<started at ISO>-<execution name>/`. */
  prefix: 'results/',
  json: 'result.json',
  markdown: 'report.md',
  /** The communication game day's renderings, sent to nobody. */
  statusPageTest: 'status-page-test.html',
  customerNotice: 'customer-notice.txt',
} as const;

/** Where one run's objects go. */
export function resultPrefix(gameDay: GameDayId, startedAt: string, execution: string): string {
  return `${GAME_DAY_RESULTS.prefix}${gameDay}/${startedAt}-${execution}/`;
}

/** Environment keys of the recorder. */
export const GAME_DAY_ENV = {
  bucket: 'RESULTS_BUCKET',
  /** JSON `{ "<game day>": "<state machine ARN>" }` of the game days this region runs. */
  stateMachines: 'GAME_DAY_STATE_MACHINES',
  /** JSON `{ "<game day>": { "hour", "minute", "week" } }`: when each is due, for the audit. */
  schedule: 'GAME_DAY_SCHEDULE',
  /** Hours after its scheduled start a run must have written its result. */
  resultGraceHours: 'RESULT_GRACE_HOURS',
  /** Seconds a recovery may take before `performance-sla` fails: the stage's strictest critical RTO. */
  objectiveSeconds: 'RECOVERY_OBJECTIVE_SECONDS',
  /** JSON `[{ id, name }]` of the status page components; the status page's own renderer names them. */
  components: 'STATUS_COMPONENTS',
  /** `status.<zone>` of the stage, which the rendered notice names. */
  statusHost: 'STATUS_DOMAIN_NAME',
} as const;

type GameDayEnvKey = (typeof GAME_DAY_ENV)[keyof typeof GAME_DAY_ENV];

/** The recorder's contract: records a run's result, audits missing ones, renders the communication test. */
export const GAME_DAY_RECORDER: FunctionContract<GameDayEnvKey> = {
  entry: 'lambda/game-day/handler.ts',
  service: 'game-day-recorder',
  environment: Object.values(GAME_DAY_ENV),
};

/** The output an approver sends with SendTaskSuccess to let a prod game day run. */
export interface GameDayApproval {
  readonly approvedBy: string;
}

/** Every result's JSON, as the recorder writes it and `measurements:pull` reads it. */
export interface GameDayResult {
  readonly gameDay: GameDayId;
  readonly stage: string;
  readonly region: string;
  readonly execution: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** Whether every exercised checklist item passed. */
  readonly passed: boolean;
  readonly steps: readonly (GameDayStep & { readonly seconds: number })[];
  readonly checklist: readonly {
    readonly id: ChecklistItemId;
    readonly title: string;
    readonly status: CheckStatus;
    /** What was measured and from where. */
    readonly evidence: string;
  }[];
  /** Failed steps and checks, each with its reason: the plan's "issues and improvements". */
  readonly issues: readonly string[];
}

/** The SSM parameter that names the results bucket of a stage (in the region that runs the game days). */
export function gameDayResultsParameter(stage: string): string {
  return parameterName(stage, 'game-days', 'results-bucket');
}
