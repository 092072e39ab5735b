// Benchmarks synth, the readiness report, one focused unit test and `npm test` against our time targets
// (`npm run bench`), optionally side by side with an older checkout (`npm run bench -- --baseline <dir>`).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { UsageError, parseCli, runCli, wholeNumber } from './lib/cli-args.cjs';

const STAGES = ['prod', 'staging'];
const FOCUSED_TEST = 'lambda/shared/env.test.ts';
/** Targets of issue 11: absolute, and as a share of the baseline's median when one is given. */
const TARGETS = {
  synth: { seconds: 5, ratio: 0.35 },
  report: { seconds: 15 },
  focused: { seconds: 2 },
  test: { seconds: 120, ratio: 0.5 },
};
// Credentials are stripped so a synth that silently needs AWS (lookups, account resolution) fails here, not in CI.
const AWS_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'CDK_DEFAULT_ACCOUNT',
];
const root = fileURLToPath(new URL('..', import.meta.url));
/** Scratch directory of one run, made once the input has been checked. */
let work;
const resultsFile = join(root, 'bench-results', 'latest.json');

const tail = (text, lines = 20) => text.trimEnd().split('\n').slice(-lines).join('\n');
const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

const USAGE = `usage: npm run bench -- [--baseline <checkout>]
Times synth and the readiness report of each stage, one focused unit test and npm test against the
targets of issue 11, optionally side by side with an older checkout of this project (node_modules
installed). Writes bench-results/latest.json and prints a table.
Environment: BENCH_BASELINE (as --baseline), BENCH_RUNS (runs per measure, default 3),
BENCH_TEST_RUNS (runs of npm test, default 1; 0 or BENCH_SKIP_TEST=1 skips it).
Exit status: 0 every target met; 1 a target missed or a run failed; 2 bad input, nothing run.`;

/** The options of a run, from the command line and the environment; throws UsageError or HelpRequested. */
function options(args) {
  const { values } = parseCli({ args, options: { baseline: { type: 'string' } } });
  const baseline = values.baseline ?? process.env.BENCH_BASELINE;
  if (baseline !== undefined && !existsSync(join(baseline, 'package.json'))) {
    throw new UsageError(`--baseline must be a checkout of this project with node_modules installed, got: ${baseline}`);
  }
  const count = (name, fallback) => wholeNumber(name, process.env[name] ?? String(fallback));
  const testRuns = process.env.BENCH_SKIP_TEST === '1' ? 0 : count('BENCH_TEST_RUNS', 1);
  return { baseline: baseline && resolve(baseline), runs: count('BENCH_RUNS', 3) || 1, testRuns };
}

function requireGnuTime() {
  // BSD/macOS time has no -f, so only GNU time will do.
  const time = run('/usr/bin/time', ['--version']);
  if (time.status !== 0 || !`${time.stdout}${time.stderr}`.includes('GNU')) {
    throw new Error('GNU time (/usr/bin/time) not found; install it (e.g. apt-get install time)');
  }
}

/** The environment of a machine with no AWS credentials and no CDK or npm settings of its own. */
function offlineEnv(home) {
  mkdirSync(home, { recursive: true });
  // The update notifier and CLI telemetry would reach the network; they are not part of what we measure.
  const env = { ...process.env, HOME: home, npm_config_update_notifier: 'false', CDK_DISABLE_CLI_TELEMETRY: '1' };
  for (const name of AWS_VARS) delete env[name];
  return env;
}

/** One timed run of `argv` in `cwd`, in seconds and peak RSS; `fresh` dirs are emptied first. */
function timeOnce(label, cwd, argv, { env, fresh = [] }) {
  for (const dir of fresh) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const timeFile = join(work, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, ...argv], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) {
    const text = result.stderr?.trim() || result.stdout?.trim() || String(result.error ?? '');
    throw new Error(`${label} in ${cwd} exited with ${result.status ?? result.signal}; output tail:\n${tail(text)}`);
  }
  const [seconds, rssKb] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  return { seconds, rssKb };
}

function summary(samples) {
  const times = samples.map((s) => s.seconds);
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    runs: times,
    median,
    min: sorted[0],
    max: sorted.at(-1),
    maxRssKb: Math.max(...samples.map((s) => s.rssKb)),
  };
}

/**
 * Times a measure `runs` times in this checkout and, when given, in the baseline, alternating the two
 * run by run so that a busy machine slows both alike. `make(tree)` returns the argv and run options.
 */
function measure(label, runs, trees, make) {
  console.error(
    `bench: ${label} (${runs} run${runs > 1 ? 's' : ''} in ${trees.length} tree${trees.length > 1 ? 's' : ''})`,
  );
  const samples = trees.map(() => []);
  for (let i = 0; i < runs; i++) {
    trees.forEach((tree, t) => {
      const { argv, ...opts } = make(tree);
      samples[t].push(timeOnce(label, tree.dir, argv, opts));
    });
  }
  return samples.map(summary);
}

function assemblyStats(dir) {
  let bytes = 0;
  let templates = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = assemblyStats(path);
      bytes += sub.bytes;
      templates += sub.templates;
    } else if (entry.isFile()) {
      bytes += statSync(path).size;
      if (entry.name.endsWith('.template.json')) templates += 1;
    }
  }
  return { bytes, templates };
}

function main(args) {
  const { baseline, runs, testRuns } = options(args);
  requireGnuTime();
  work = mkdtempSync(join(tmpdir(), 'bench-'));
  // A failed run must not leave the previous run's figures looking current.
  rmSync(resultsFile, { force: true });
  const trees = [{ name: 'this', dir: root }, ...(baseline ? [{ name: 'baseline', dir: baseline }] : [])];
  const secs = (x) => `${x.toFixed(2)} s`;
  const timing = (m) =>
    `${secs(m.median)} (min ${secs(m.min)}, max ${secs(m.max)}), peak RSS ${((m.maxRssKb * 1024) / 1e6).toFixed(0)} MB`;
  const rows = [];
  const results = { date: new Date().toISOString(), tool: 'GNU time', runs, baseline, targets: TARGETS, measures: {} };

  /** Records a measure: one row per tree, and the verdict of this tree against its targets. */
  function record(key, label, target, [mine, old]) {
    const ratio = old ? mine.median / old.median : undefined;
    const pass = mine.median <= target.seconds && (ratio === undefined || !target.ratio || ratio <= target.ratio);
    results.measures[key] = { this: mine, baseline: old, ratio, pass };
    const goal = [`≤ ${target.seconds} s`, ...(old && target.ratio ? [`≤ ${target.ratio}× baseline`] : [])].join(', ');
    rows.push([label, timing(mine), goal, pass ? 'PASS' : 'FAIL']);
    if (old) rows.push([`${label}, baseline`, `${timing(old)}; ratio ${ratio.toFixed(2)}`, '', '']);
  }

  for (const stage of STAGES) {
    const m = measure(`npm run synth, ${stage}`, runs, trees, (tree) => {
      const out = join(work, tree.name, stage, 'out');
      const script = stage === 'prod' ? 'synth' : `synth:${stage}`;
      return {
        argv: ['npm', 'run', '-s', script, '--', '-o', out],
        env: offlineEnv(join(work, tree.name, stage, 'home')),
        fresh: [out],
      };
    });
    const assembly = assemblyStats(join(work, 'this', stage, 'out'));
    if (assembly.templates === 0) throw new Error(`synth ${stage} succeeded but wrote no templates`);
    record(`synth-${stage}`, `npm run synth ${stage} (median of ${runs})`, TARGETS.synth, m);
    const size = `${(assembly.bytes / 1e6).toFixed(2)} MB, ${assembly.templates} templates`;
    rows.push([`Cloud assembly ${stage}`, size, '–', '–']);
  }

  for (const stage of STAGES) {
    const m = measure(`npm run report, ${stage}`, runs, trees, (tree) => {
      const out = join(work, tree.name, stage, 'report');
      return {
        argv: ['npm', 'run', '-s', 'report', '--', '--stage', stage, '--out', out],
        env: offlineEnv(join(work, tree.name, stage, 'home')),
        fresh: [out],
      };
    });
    record(`report-${stage}`, `npm run report ${stage} (median of ${runs})`, TARGETS.report, m);
  }

  const focused = measure(`npx jest ${FOCUSED_TEST}`, runs, trees, () => ({
    argv: ['npx', 'jest', FOCUSED_TEST],
    env: process.env,
  }));
  record('focused-test', `npx jest ${FOCUSED_TEST} (median of ${runs})`, TARGETS.focused, focused);

  if (testRuns === 0) {
    rows.push(['npm test', 'skipped (BENCH_TEST_RUNS=0)', `≤ ${TARGETS.test.seconds} s`, '–']);
  } else {
    const m = measure('npm test', testRuns, trees, () => ({ argv: ['npm', 'test'], env: process.env }));
    record('test', `npm test (median of ${testRuns})`, TARGETS.test, m);
  }

  results.nproc = run('nproc', []).stdout?.trim() || String(availableParallelism());
  results.node = process.version;
  rows.push(['Tool', 'GNU time', '', ''], ['nproc', results.nproc, '', ''], ['node --version', results.node, '', '']);
  const table = [['Measure', 'Value', 'Target', 'Result'], ['---', '---', '---', '---'], ...rows];
  console.log(table.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  return Object.values(results.measures).some((m) => !m.pass) ? 1 : 0;
}

await runCli({
  name: 'bench',
  usage: USAGE,
  main: () => {
    try {
      return main(process.argv.slice(2));
    } finally {
      if (work) rmSync(work, { recursive: true, force: true });
    }
  },
});
