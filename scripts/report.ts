// `npm run report`: writes dr-readiness.md and dr-readiness.json for one stage and prints a short summary.
// Usage: npm run report -- [--stage prod|staging] [--out <directory>]
// Exits 1 when a modeled figure exceeds its objective or nag has unacknowledged findings, 2 on bad input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// Only types, node: modules and the argument parser load here, so bad input is answered before the
// app's modules load (about 1 s).
import { STAGES, type Stage } from '../lib/config/types';
import { UsageError, runCli, parseCli } from './lib/cli-args.cjs';
import { stageOption } from './lib/stage-options';

const ROOT = join(__dirname, '..');

export const USAGE = `usage: npm run report -- [--stage ${STAGES.join('|')}] [--out <directory>] [--measurements <file>]
Writes dr-readiness.md and dr-readiness.json for one stage (default prod) into --out (default: the
project root) and prints a short summary. Measured timings come from --measurements (default:
lib/recovery/measurements.json, when it holds the stage's), read offline.
Exit status: 0 every objective met and nag clean; 1 a modeled figure exceeds its objective or nag
has unacknowledged findings; 2 bad input, nothing written.`;

/** The command line as options; throws UsageError on bad input and HelpRequested on --help. */
export function parseReportArgs(args: readonly string[]): { stage: Stage; out: string; measurements?: string } {
  const { values } = parseCli({
    args,
    options: { stage: { type: 'string' }, out: { type: 'string' }, measurements: { type: 'string' } },
  });
  const stage = stageOption(values.stage);
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a directory');
  if (values.measurements !== undefined && values.measurements.trim() === '') {
    throw new UsageError('--measurements needs a file');
  }
  return {
    stage: stage as Stage,
    out: resolve(values.out ?? ROOT),
    ...(values.measurements !== undefined ? { measurements: resolve(values.measurements) } : {}),
  };
}

async function main(args: readonly string[]): Promise<number> {
  const { stage, out, measurements: measurementsFile } = parseReportArgs(args);
  const [
    { App },
    { ConfigValidationError, loadConfig },
    { buildDrApp },
    { buildReport, renderMarkdown, summaryLines },
    { loadMeasurements, MEASUREMENTS_FILE },
  ] = await Promise.all([
    import('aws-cdk-lib'),
    import('../lib/config/index.js'),
    import('../lib/dr-app.js'),
    import('../lib/readiness/report.js'),
    import('../lib/recovery/measurements.js'),
  ]);
  // cdk.json's feature flags, as `cdk synth` applies them; assets are neither bundled nor staged,
  // which changes no resource property the report reads.
  const { context } = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: object };
  const app = new App({
    outdir: join(ROOT, 'cdk.out.report'),
    // cfn-lint is the template gate (docs/performance.md); the report reads templates, it does not gate them.
    builtinCloudFormationValidation: false,
    context: { ...context, 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-asset-staging': true },
  });
  let config;
  try {
    config = loadConfig({ stage });
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new UsageError(error.message);
    throw error;
  }
  if (measurementsFile !== undefined && !existsSync(measurementsFile)) {
    throw new UsageError(`--measurements ${measurementsFile}: no such file`);
  }
  let measurements;
  try {
    measurements = loadMeasurements(stage, measurementsFile ?? MEASUREMENTS_FILE);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stacks = buildDrApp(app, config);
  const report = buildReport(app, config, stacks, measurements);
  // The report describes the app as synthesized: a synth failure stops it before anything is written.
  app.synth();

  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'dr-readiness.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'dr-readiness.md'), renderMarkdown(report));
  for (const line of summaryLines(report)) console.log(line);
  console.log(`wrote ${join(out, 'dr-readiness.md')} and dr-readiness.json`);

  const unacknowledged = report.nag.packs.reduce((total, pack) => total + pack.unacknowledged, 0);
  return !report.objectivesMet || unacknowledged > 0 ? 1 : 0;
}

if (require.main === module) {
  void runCli({ name: 'report', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
