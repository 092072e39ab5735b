// The docs' generated blocks, rendered from the code: the architecture diagram, objectives, schedules, degraded-mode events.
import type { App } from 'aws-cdk-lib';
import { loadConfig, type DrConfig, type Stage } from '../../lib/config';
import { buildDrApp, type DrStacks } from '../../lib/dr-app';
import { buildReport, objectivesTable, type ReadinessReport } from '../../lib/readiness/report';
import { formatSeconds } from '../../lib/recovery';
import { EVENT_RULES, targetMode } from '../../lambda/degraded-mode/events';
import { socialMediaPosts } from '../../lambda/status-page/social';
import { newApp } from '../helpers/synth';

/** A stage's construct tree, built as `npm run report` builds it: no bundling, no synth. */
export interface BuiltStage {
  readonly config: DrConfig;
  readonly app: App;
  readonly stacks: DrStacks;
}

const built = new Map<Stage, BuiltStage>();

export function builtStage(stage: Stage): BuiltStage {
  let result = built.get(stage);
  if (!result) {
    const config = loadConfig({ stage });
    const app = newApp();
    result = { config, app, stacks: buildDrApp(app, config) };
    built.set(stage, result);
  }
  return result;
}

let prodReport: ReadinessReport | undefined;

/** `npm run report`'s report of prod, built once per test file. */
export function prodReadinessReport(): ReadinessReport {
  if (!prodReport) {
    const { app, config, stacks } = builtStage('prod');
    prodReport = buildReport(app, config, stacks);
  }
  return prodReport;
}

/** Which files must hold each generated block. */
export const BLOCK_FILES: Readonly<Record<string, readonly string[]>> = {
  diagram: ['README.md', 'docs/architecture.md'],
  objectives: ['README.md', 'docs/recovery-objectives.md'],
  'stage-objectives': ['docs/recovery-objectives.md'],
  schedules: ['docs/automation.md'],
  'degraded-mode-events': ['docs/runbooks/cache-degraded-mode.md'],
  'status-page-social-posts': ['docs/runbooks/status-page.md'],
};

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `|${cells.map((cell) => cell.replace(/\|/g, '\\|')).join('|')}|`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The objectives each stage holds the model to: the plan's table in prod, staging's own. */
function stageObjectives(): string {
  const prod = loadConfig({ stage: 'prod' });
  const staging = loadConfig({ stage: 'staging' });
  return table(
    ['Component', 'Priority', 'prod RTO', 'prod RPO', 'staging RTO', 'staging RPO'],
    prod.objectives.map((objective) => {
      const other = staging.objectives.find((candidate) => candidate.component === objective.component);
      const figure = (value: { toSeconds(): number } | undefined) =>
        value ? formatSeconds(value.toSeconds()) : 'none';
      return [
        objective.name,
        objective.priority,
        figure(objective.rto),
        figure(objective.rpo),
        figure(other?.rto),
        figure(other?.rpo),
      ];
    }),
  );
}

function schedules(): string {
  const config = loadConfig({ stage: 'prod' });
  return table(
    ['Id', 'Cron (UTC)', 'From the plan', 'What runs'],
    config.schedules.map((schedule) => [
      `\`${schedule.id}\``,
      `\`${schedule.cron}\``,
      schedule.planReference,
      schedule.purpose,
    ]),
  );
}

function degradedModeEvents(): string {
  const order = { degrade: 0, recover: 1, none: 2 } as const;
  const rows = Object.entries(EVENT_RULES)
    .sort(([a, ruleA], [b, ruleB]) => order[ruleA.action] - order[ruleB.action] || a.localeCompare(b))
    .map(([event, rule]) => {
      const mode = targetMode(rule.action);
      return [`\`${event}\``, mode ? `**${mode}**` : 'unchanged, logged', rule.why];
    });
  return table(['Event', 'Mode', 'Why'], rows);
}

/** The content of every generated block, as it must stand in the docs (each ends with a newline). */
export function expectedBlocks(): Record<string, string> {
  const report = prodReadinessReport();
  return {
    diagram: `\`\`\`mermaid\n${report.diagram}\n\`\`\`\n`,
    objectives: `${objectivesTable(report)}\n`,
    'stage-objectives': `${stageObjectives()}\n`,
    schedules: `${schedules()}\n`,
    'degraded-mode-events': `${degradedModeEvents()}\n`,
    'status-page-social-posts': socialMediaPosts(),
  };
}
