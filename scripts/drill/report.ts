// drill-report.md and drill-report.json: per scenario its result, checks, the timeline of each run, and what was real and what simulated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from './session';

export interface DrillReport {
  readonly stage: string;
  readonly assembly: string;
  readonly generatedAt: string;
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioResult[];
}

export function drillReport(stage: string, assembly: string, scenarios: readonly ScenarioResult[]): DrillReport {
  return {
    stage,
    assembly,
    generatedAt: new Date().toISOString(),
    passed: scenarios.length > 0 && scenarios.every((scenario) => scenario.passed),
    scenarios,
  };
}

function scenarioMarkdown(result: ScenarioResult): string[] {
  const lines = [
    `## ${result.name}: ${result.passed ? 'passed' : 'FAILED'}`,
    '',
    result.summary,
    '',
    `Wall time: ${result.wallSeconds.toFixed(1)} s (seeding included).`,
    '',
  ];
  if (result.error) lines.push(`Could not run: ${result.error}`, '');
  if (result.checks.length) {
    lines.push('| Check | Result | Found |', '| --- | --- | --- |');
    for (const check of result.checks) {
      lines.push(
        `| ${check.name} | ${check.passed ? 'ok' : 'FAILED'} | ${check.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
    }
    lines.push('');
  }
  for (const run of result.runs) {
    lines.push(
      `### Run ${run.executionArn.split(':').pop()}: ${run.status}${run.error ? ` (${run.error})` : ''}`,
      '',
      `Started by \`${run.startedBy}\` in ${run.region}; ${run.durationSeconds.toFixed(1)} s of virtual time.`,
      '',
      '| +s (virtual) | Step |',
      '| ---: | --- |',
      ...run.timeline.map(
        (entry) => `| ${entry.elapsedSeconds.toFixed(1)} | ${entry.step}${entry.error ? ` (${entry.error})` : ''} |`,
      ),
      '',
    );
  }
  if (result.real.length) lines.push('Real:', '', ...result.real.map((item) => `- ${item}`), '');
  if (result.simulated.length) lines.push('Simulated:', '', ...result.simulated.map((item) => `- ${item}`), '');
  return lines;
}

export function reportMarkdown(report: DrillReport): string {
  const lines = [
    `# Drill report: stage ${report.stage}`,
    '',
    `${report.passed ? 'Every scenario passed.' : 'At least one scenario FAILED.'} Assembly: \`${report.assembly}\`; ${report.generatedAt}. What the drill proves and what it cannot: docs/drill.md.`,
    '',
    '| Scenario | Result | Wall s |',
    '| --- | --- | ---: |',
    ...report.scenarios.map((s) => `| ${s.name} | ${s.passed ? 'passed' : 'FAILED'} | ${s.wallSeconds.toFixed(1)} |`),
    '',
    ...report.scenarios.flatMap(scenarioMarkdown),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes both files into `dir`; returns their paths. */
export function writeReport(report: DrillReport, dir: string): { markdown: string; json: string } {
  const markdown = join(dir, 'drill-report.md');
  const json = join(dir, 'drill-report.json');
  writeFileSync(markdown, reportMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
