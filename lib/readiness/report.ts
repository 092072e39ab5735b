// The DR readiness report of a built stage: objectives beside the model, diagram, schedules, alarms, nag.
import type { IConstruct } from 'constructs';
import type { DrConfig } from '../config';
import type { DrStacks } from '../dr-app';
import { nagPacks } from '../nag';
import {
  SERVICE_TIMINGS,
  largestTerms,
  measured,
  formatSeconds,
  modelStage,
  seconds,
  type Assessment,
  type ComponentModel,
  type Estimate,
  type Measurements,
  type ServiceTimingId,
  type Verdict,
} from '../recovery';
import { readinessDiagram } from './diagram';
import { alarmRows, scheduleRows, type AlarmRow, type ScheduleRow } from './inventory';
import { summarizeNag, type NagSummary } from './nag-summary';

/** An estimate as JSON: seconds are `null` when unbounded, since JSON has no Infinity. */
export interface EstimateJson {
  readonly kind: Estimate['kind'];
  readonly name: string;
  readonly seconds: number | null;
  readonly source?: string;
  readonly parts?: readonly EstimateJson[];
}

export interface FigureJson {
  readonly objectiveSeconds: number;
  readonly modeledSeconds: number | null;
  readonly verdict: Verdict;
  /** Names of the terms on the critical path, largest first. */
  readonly criticalPath: readonly string[];
  readonly estimate: EstimateJson;
}

export interface ComponentJson {
  readonly component: string;
  readonly name: string;
  readonly priority: string;
  readonly rto: FigureJson;
  readonly rpo: FigureJson;
}

/** Everything `dr-readiness.json` holds; `dr-readiness.md` renders the same. */
export interface ReadinessReport {
  readonly stage: string;
  readonly regions: readonly { readonly region: string; readonly role: string }[];
  readonly stacks: readonly string[];
  readonly components: readonly ComponentJson[];
  /** True when every figure is within its objective. */
  readonly objectivesMet: boolean;
  readonly diagram: string;
  readonly schedules: readonly ScheduleRow[];
  readonly alarms: readonly AlarmRow[];
  readonly nag: NagSummary;
  readonly serviceTimings: readonly {
    readonly id: string;
    readonly description: string;
    readonly seconds: number;
    readonly basis: string;
    readonly source: string;
    /** What the game days measured, when they measure this timing; its p95 is what the model counts. */
    readonly measured?: {
      readonly samples: number;
      readonly p50: number;
      readonly p95: number;
      readonly date: string;
      readonly sourceRuns: readonly string[];
    };
  }[];
  /** Where the measurements came from, when there were any for this stage. */
  readonly measurementsSource?: string;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function estimateJson(estimate: Estimate): EstimateJson {
  if (estimate.kind === 'term') {
    return { kind: 'term', name: estimate.name, seconds: finite(estimate.seconds), source: estimate.source };
  }
  return {
    kind: estimate.kind,
    name: estimate.name,
    seconds: finite(seconds(estimate)),
    parts: estimate.parts.map(estimateJson),
  };
}

function figureJson(assessment: Assessment): FigureJson {
  return {
    objectiveSeconds: assessment.objectiveSeconds,
    modeledSeconds: finite(assessment.seconds),
    verdict: assessment.verdict,
    criticalPath: largestTerms(assessment.estimate, Infinity).map(
      (part) => `${part.name} (${formatSeconds(part.seconds)})`,
    ),
    estimate: estimateJson(assessment.estimate),
  };
}

function componentJson(model: ComponentModel): ComponentJson {
  return {
    component: model.objective.component,
    name: model.objective.name,
    priority: model.objective.priority,
    rto: figureJson(model.rto),
    rpo: figureJson(model.rpo),
  };
}

/** The service timings table: each timing's modeled figure, and what the game days measured of it. */
export function serviceTimingRows(measurements?: Measurements): ReadinessReport['serviceTimings'] {
  return Object.entries(SERVICE_TIMINGS).map(([id, timing]) => {
    const found = measured(measurements, id as ServiceTimingId);
    return {
      id,
      description: timing.description,
      seconds: timing.duration.toSeconds(),
      basis: timing.basis,
      source: timing.source,
      ...(found
        ? {
            measured: {
              samples: found.samples.length,
              p50: found.p50,
              p95: found.p95,
              date: found.date,
              sourceRuns: found.sourceRuns,
            },
          }
        : {}),
    };
  });
}

/** Builds the report of a stage built into `app` by `buildDrApp`. */
export function buildReport(
  app: IConstruct,
  config: DrConfig,
  stacks: DrStacks,
  measurements?: Measurements,
): ReadinessReport {
  const recovery = modelStage(config, stacks, measurements);
  const allStacks = [stacks.primary, stacks.secondary].flatMap((regional) => Object.values(regional));
  return {
    stage: config.stage,
    regions: config.regions.map(({ region, role }) => ({ region, role })),
    stacks: [...allStacks, stacks.dns].map((stack) => stack.stackName).sort(),
    components: recovery.components.map(componentJson),
    objectivesMet: recovery.components.every(
      (component) => component.rto.verdict !== 'exceeded' && component.rpo.verdict !== 'exceeded',
    ),
    diagram: readinessDiagram(config, recovery.evidence),
    schedules: scheduleRows(app),
    alarms: alarmRows(app),
    nag: summarizeNag(app, nagPacks(app, config, stacks)),
    serviceTimings: serviceTimingRows(measurements),
    ...(measurements
      ? { measurementsSource: `${measurements.stage}, ${measurements.source}, pulled ${measurements.pulledAt}` }
      : {}),
  };
}

// --- Markdown --------------------------------------------------------------------------------------

const VERDICT_MARK: Readonly<Record<Verdict, string>> = {
  met: 'met',
  tight: 'TIGHT (over half)',
  exceeded: 'EXCEEDED',
};

function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function formatOrUnbounded(value: number | null): string {
  return value === null ? 'unbounded' : formatSeconds(value);
}

function figureCell(figure: FigureJson): string {
  return `${formatOrUnbounded(figure.modeledSeconds)} of ${formatSeconds(figure.objectiveSeconds)}: ${VERDICT_MARK[figure.verdict]}`;
}

function estimateLines(estimate: EstimateJson, depth = 0): string[] {
  const indent = '  '.repeat(depth);
  if (estimate.kind === 'term') {
    return [`${indent}- ${estimate.name}: **${formatOrUnbounded(estimate.seconds)}** (${estimate.source})`];
  }
  const how = estimate.kind === 'sum' ? 'sum of' : 'slowest of';
  return [
    `${indent}- ${estimate.name}: **${formatOrUnbounded(estimate.seconds)}**, ${how}:`,
    ...(estimate.parts ?? []).flatMap((part) => estimateLines(part, depth + 1)),
  ];
}

/** The objectives table alone: what the README's "Recovery objectives" section shows. */
export function objectivesTable(report: ReadinessReport): string {
  return [
    '| Component | Priority | RTO: modeled of objective | RPO: modeled of objective | Largest RTO term | Largest RPO term |',
    '|---|---|---|---|---|---|',
    ...report.components.map((component) =>
      [
        '',
        cell(component.name),
        component.priority,
        cell(figureCell(component.rto)),
        cell(figureCell(component.rpo)),
        cell(component.rto.criticalPath[0] ?? ''),
        cell(component.rpo.criticalPath[0] ?? ''),
        '',
      ].join('|'),
    ),
  ].join('\n');
}

/** The service timings section: modeled and measured side by side, and the figure the model counts. */
export function renderServiceTimings(rows: ReadinessReport['serviceTimings'], source: string | undefined): string {
  return [
    '## Service timings: modeled and measured',
    '',
    `Measured by the game days (docs/runbooks/game-days.md): ${source ?? 'no measurements for this stage'}. A measured p95 replaces the modeled figure in the model.`,
    '',
    '| Id | What | Modeled | Measured p50 | Measured p95 (samples, newest) | Counted | Basis | Source |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((timing) =>
      [
        '',
        `\`${timing.id}\``,
        cell(timing.description),
        formatSeconds(timing.seconds),
        timing.measured ? formatSeconds(timing.measured.p50) : 'not measured',
        timing.measured
          ? `${formatSeconds(timing.measured.p95)} (${timing.measured.samples}, ${timing.measured.date.slice(0, 10)})`
          : 'not measured',
        formatSeconds(timing.measured?.p95 ?? timing.seconds),
        timing.measured ? 'measured' : timing.basis,
        cell(timing.source),
        '',
      ].join('|'),
    ),
  ].join('\n');
}

/** `dr-readiness.md`. */
export function renderMarkdown(report: ReadinessReport): string {
  const regions = report.regions.map(({ region, role }) => `${region} (${role})`).join(', ');
  const lines = [
    `# DR readiness: ${report.stage}`,
    '',
    `Generated by \`npm run report -- --stage ${report.stage}\` from the app as synthesized: ${report.stacks.length} stacks in ${regions}. ` +
      'Every modeled figure is a worst case: a sum along each recovery path, the slowest path of parallel ones. ' +
      'Values the stacks configure are read from their CloudFormation resources; AWS service timings come from the service timings table below.',
    '',
    `**Objectives: ${report.objectivesMet ? 'all met by the model' : 'NOT MET (see EXCEEDED rows)'}.**`,
    '',
    '## Objectives and the model',
    '',
    objectivesTable(report),
    '',
    ...report.components.flatMap((component) => [
      `### ${component.name} (\`${component.component}\`)`,
      '',
      `RTO ${figureCell(component.rto)}.`,
      '',
      ...estimateLines(component.rto.estimate),
      '',
      `RPO ${figureCell(component.rpo)}.`,
      '',
      ...estimateLines(component.rpo.estimate),
      '',
    ]),
    '## Regions, replication and failover',
    '',
    '```mermaid',
    report.diagram,
    '```',
    '',
    '## Schedules',
    '',
    '| Region | Schedule | Expression | Starts | Purpose | Retries | DLQ |',
    '|---|---|---|---|---|---|---|',
    ...report.schedules.map((row) =>
      [
        '',
        row.region,
        cell(row.name),
        `\`${row.expression}\` ${row.timezone}`,
        cell(row.target),
        cell(row.purpose),
        row.retryAttempts ?? 'default',
        row.deadLetterQueue ? 'yes' : 'no',
        '',
      ].join('|'),
    ),
    '',
    '## Alarms',
    '',
    '| Region | Alarm | Metric | Threshold | Period x datapoints of evaluations | Topic |',
    '|---|---|---|---|---|---|',
    ...report.alarms.map((row) =>
      [
        '',
        row.region,
        cell(row.alarm),
        cell(row.metric),
        cell(row.threshold),
        row.evaluation,
        cell(row.topics.join(', ') || 'none'),
        '',
      ].join('|'),
    ),
    '',
    ...renderServiceTimings(report.serviceTimings, report.measurementsSource).split('\n'),
    '',
    // Last: the longest section, which a size-capped pull-request comment cuts first.
    '## cdk-nag',
    '',
    '| Pack | Unacknowledged findings | Acknowledgements |',
    '|---|---|---|',
    ...report.nag.packs.map((pack) => `|${pack.pack}|${pack.unacknowledged}|${pack.acknowledged}|`),
    '',
    ...report.nag.packs.flatMap((pack) => pack.findings.map((finding) => `- **${pack.pack}**: ${finding}`)),
    '',
    '### Acknowledgements',
    '',
    '| Rule | Resource | Reason |',
    '|---|---|---|',
    ...report.nag.acknowledgements.map((ack) => `|${cell(ack.id)}|${cell(ack.path)}|${cell(ack.reason)}|`),
    '',
  ];
  return lines.join('\n');
}

/** The few lines `npm run report` prints. */
export function summaryLines(report: ReadinessReport): string[] {
  const nag = report.nag.packs.map((pack) => `${pack.pack} ${pack.unacknowledged}`).join(', ');
  return [
    `DR readiness (${report.stage}): objectives ${report.objectivesMet ? 'met' : 'NOT MET'}`,
    ...report.components.map(
      (component) =>
        `  ${component.component.padEnd(14)} RTO ${figureCell(component.rto).padEnd(32)} RPO ${figureCell(component.rpo)}`,
    ),
    `  ${report.schedules.length} schedules, ${report.alarms.length} alarms; unacknowledged nag findings: ${nag}; ${report.nag.acknowledgements.length} acknowledgements`,
  ];
}
