// `npm run drill`: runs recovery scenarios against the synthesized state machines on a local AWS emulator and writes drill-report.md and .json.
// Usage: npm run drill -- [--scenario <name>]... [--list] [--stage prod|staging] [--json] [--assembly <dir>] [--port <n>] [--out <dir>]
// Exits 0 when every selected scenario passed, 1 when one failed or could not run, 2 on bad input (nothing started).
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { STAGES, type Stage } from '../../lib/config/types';
import { UsageError, cliStatus, parseCli } from '../lib/cli-args.cjs';
import { stageOption } from '../lib/stage-options';
import { loadAssembly } from './assembly';
import { missingTools } from './drill-server';
import { PROJECT_ROOT, portInUse } from './moto-process';
import { drillReport, writeReport } from './report';
import type { Scenario } from './scenario';
import { SCENARIOS, SCENARIO_NAMES, findScenario } from './scenarios';
import { runScenarios, type ScenarioResult } from './session';

export const USAGE = `usage: npm run drill -- [--scenario <name>]... [--list] [--stage ${STAGES.join('|')}] [--json] [--assembly <dir>] [--port <n>] [--out <dir>]
Runs recovery scenarios against the synthesized state machines on a local AWS emulator and writes
drill-report.md and drill-report.json (docs/drill.md).
  --scenario  one scenario to run, given once per scenario (all of them when none is given)
  --list      list the scenarios with what each proves, and run none
  --stage     ${STAGES.join(' or ')} (default prod)
  --json      print the report as JSON instead of a line per scenario
  --assembly  a cloud assembly to use instead of synthesizing one
  --port      the emulator's port, 1024 to 65535 (default: a free one)
  --out       the directory of the report (default: the project root)
Exit status: 0 every scenario passed; 1 one failed or could not run; 2 bad input, nothing started.
scenarios: ${SCENARIO_NAMES.join(', ')}`;

export interface DrillOptions {
  readonly scenarios: readonly Scenario[];
  readonly list: boolean;
  readonly stage: Stage;
  readonly json: boolean;
  readonly assembly?: string;
  readonly port?: number;
  readonly out: string;
}

export { UsageError };

/** The command line as options; throws UsageError on bad input and HelpRequested on --help. */
export function parseOptions(args: readonly string[]): DrillOptions {
  const { values } = parseCli({
    args,
    options: {
      scenario: { type: 'string', multiple: true },
      list: { type: 'boolean' },
      stage: { type: 'string' },
      json: { type: 'boolean' },
      assembly: { type: 'string' },
      port: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const names = values.scenario ?? [];
  const unknown = names.filter((name) => !findScenario(name));
  if (unknown.length) {
    throw new UsageError(
      `unknown scenario ${unknown.map((name) => `"${name}"`).join(', ')}; the scenarios are ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const stage = stageOption(values.stage);
  const assembly = values.assembly;
  if (assembly !== undefined && !existsSync(resolve(assembly, 'manifest.json'))) {
    throw new UsageError(`--assembly ${assembly} is not a cloud assembly (no manifest.json)`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1024 || port > 65_535)) {
    throw new UsageError(`--port must be a port from 1024 to 65535, got: ${String(values.port)}`);
  }
  return {
    scenarios: names.length ? names.map((name) => findScenario(name) as Scenario) : SCENARIOS,
    list: values.list === true,
    stage: stage as Stage,
    json: values.json === true,
    ...(assembly === undefined ? {} : { assembly: resolve(assembly) }),
    ...(port === undefined ? {} : { port }),
    out: resolve(values.out ?? PROJECT_ROOT),
  };
}

function summaryLine(result: ScenarioResult): string {
  const failed = result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);
  const why = result.error ?? failed.join('; ');
  return `${result.passed ? 'passed' : 'FAILED'}  ${result.name} (${result.wallSeconds.toFixed(1)} s)${why ? `\n    ${why}` : ''}`;
}

/** The drill's exit status: 0 with the usage for --help, 2 with the message and the usage for bad input. */
export function main(args: readonly string[]): Promise<number> {
  return cliStatus({ name: 'drill', usage: USAGE, main: () => drill(parseOptions(args)) });
}

async function drill(options: DrillOptions): Promise<number> {
  if (options.list) {
    if (options.json)
      console.log(
        JSON.stringify(
          SCENARIOS.map(({ name, summary }) => ({ name, summary })),
          null,
          2,
        ),
      );
    else for (const scenario of SCENARIOS) console.log(`${scenario.name}\n    ${scenario.summary}`);
    return 0;
  }
  const progress = (line: string) => console.error(`drill: ${line}`);
  // What would stop the server is said before a synth that can take a minute.
  const missing = missingTools();
  if (missing) {
    console.error(`drill: ${missing}`);
    return 1;
  }
  if (options.port !== undefined && (await portInUse(options.port))) {
    console.error(
      `drill: port ${options.port} is in use: stop what listens there, or leave --port out to use a free one.`,
    );
    return 1;
  }
  let results: ScenarioResult[];
  let assemblyDir: string;
  try {
    const assembly = await loadAssembly(options.stage, options.assembly, progress);
    assemblyDir = assembly.dir;
    results = await runScenarios(options.scenarios, {
      stage: options.stage,
      assembly,
      ...(options.port === undefined ? {} : { port: options.port }),
      onResult: options.json ? undefined : (result) => console.log(summaryLine(result)),
    });
  } catch (error) {
    console.error(`drill: ${(error as Error).message}`);
    return 1;
  }
  const report = drillReport(options.stage, assemblyDir, results);
  mkdirSync(options.out, { recursive: true });
  const written = writeReport(report, options.out);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else console.log(`${report.passed ? 'every scenario passed' : 'the drill FAILED'}; report: ${written.markdown}`);
  return report.passed ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
