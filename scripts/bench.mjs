// Benchmarks offline synth of each stage and `npm test` against our time targets (`npm run bench`).
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
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const STAGES = ['prod', 'staging'];
const SYNTH_RUNS = 3;
const REPORT_RUNS = 3;
const TARGETS = { synthSeconds: 15, reportSeconds: 15, testSeconds: 120 };
// Credentials are stripped so a synth that silently needs AWS (lookups, account resolution) fails here, not in CI.
const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const resultsFile = join(root, 'bench-results', 'latest.json');

const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const tail = (text, lines = 20) => text.trimEnd().split('\n').slice(-lines).join('\n');
const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

function pickTool() {
  if (run('hyperfine', ['--version']).status === 0) return 'hyperfine';
  // BSD/macOS time has no -f, so only GNU time will do.
  const time = run('/usr/bin/time', ['--version']);
  if (time.status === 0 && `${time.stdout}${time.stderr}`.includes('GNU')) return 'GNU time';
  throw new Error('neither hyperfine nor GNU time (/usr/bin/time) found; install one (e.g. apt-get install hyperfine)');
}

function failed(label, result, errFile) {
  const saved = errFile && existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
  const text = saved.trim() || result.stderr?.trim() || result.stdout?.trim() || String(result.error ?? '');
  return new Error(`${label} exited with ${result.status ?? result.signal}; stderr tail:\n${tail(text)}`);
}

// Times `argv` `runs` times; `fresh` dirs are emptied before every run so no run reuses another's output or cache.
function measure(tool, label, argv, runs, { env = process.env, fresh = [] } = {}) {
  console.error(`bench: ${label} (${runs} run${runs > 1 ? 's' : ''}, ${tool})`);
  const times = [];
  let maxRssKb = null;
  if (tool === 'hyperfine') {
    const json = join(work, 'hyperfine.json');
    const errFile = join(work, 'stderr.txt');
    const args = ['--runs', String(runs), '--style', 'none', '--export-json', json];
    const dirs = fresh.map(q).join(' ');
    if (fresh.length > 0) args.push('--prepare', `rm -rf ${dirs} && mkdir -p ${dirs}`);
    // hyperfine discards the command's output, so keep stderr to explain a failure.
    args.push(`${argv.map(q).join(' ')} >/dev/null 2>${q(errFile)}`);
    const result = spawnSync('hyperfine', args, { cwd: root, env, encoding: 'utf8' });
    if (result.status !== 0) throw failed(label, result, errFile);
    times.push(...JSON.parse(readFileSync(json, 'utf8')).results[0].times);
  } else {
    const timeFile = join(work, 'time.txt');
    for (let i = 0; i < runs; i++) {
      for (const dir of fresh) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
      }
      const argsWithTime = ['-f', '%e %M', '-o', timeFile, ...argv];
      const result = spawnSync('/usr/bin/time', argsWithTime, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (result.status !== 0) throw failed(label, result);
      const [seconds, rssKb] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
      times.push(seconds);
      maxRssKb = Math.max(maxRssKb ?? 0, rssKb);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs: times, median, min: sorted[0], max: sorted.at(-1), maxRssKb };
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

function offlineEnv(home) {
  // The update notifier and CLI telemetry would reach the network; they are not part of what we measure.
  const env = { ...process.env, HOME: home, npm_config_update_notifier: 'false', CDK_DISABLE_CLI_TELEMETRY: '1' };
  for (const name of AWS_VARS) delete env[name];
  return env;
}

function main() {
  const testRuns = Number(process.env.BENCH_TEST_RUNS ?? 1);
  if (!Number.isInteger(testRuns) || testRuns < 1) throw new Error('BENCH_TEST_RUNS must be a positive integer');
  // A failed run must not leave the previous run's figures looking current.
  rmSync(resultsFile, { force: true });
  const tool = pickTool();
  const secs = (x) => `${x.toFixed(2)} s`;
  const verdict = (pass) => (pass ? 'PASS' : 'FAIL');
  const timing = (m) =>
    `${secs(m.median)} (min ${secs(m.min)}, max ${secs(m.max)})` +
    (m.maxRssKb ? `, peak RSS ${((m.maxRssKb * 1024) / 1e6).toFixed(0)} MB` : '');
  const rows = [];
  const results = { date: new Date().toISOString(), tool, targets: TARGETS, synth: {}, report: {}, test: null };

  for (const stage of STAGES) {
    const out = join(work, stage, 'out');
    const home = join(work, stage, 'home');
    const argv = ['npx', 'cdk', 'synth', '--quiet', '-c', `stage=${stage}`, '-o', out];
    const m = measure(tool, `synth ${stage}`, argv, SYNTH_RUNS, { env: offlineEnv(home), fresh: [out, home] });
    const assembly = assemblyStats(out);
    if (assembly.templates === 0) throw new Error(`synth ${stage} succeeded but wrote no templates to ${out}`);
    const pass = m.median <= TARGETS.synthSeconds;
    results.synth[stage] = { ...m, assemblyBytes: assembly.bytes, templates: assembly.templates, pass };
    rows.push([`Synth ${stage} (median of ${SYNTH_RUNS})`, timing(m), `≤ ${TARGETS.synthSeconds} s`, verdict(pass)]);
    const size = `${(assembly.bytes / 1e6).toFixed(2)} MB, ${assembly.templates} templates`;
    rows.push([`Cloud assembly ${stage}`, size, '–', '–']);
  }

  for (const stage of STAGES) {
    const out = join(work, stage, 'report');
    const argv = ['npx', 'tsx', 'scripts/report.ts', '--stage', stage, '--out', out];
    const m = measure(tool, `report ${stage}`, argv, REPORT_RUNS, {
      env: offlineEnv(join(work, stage, 'home')),
      fresh: [out],
    });
    if (!existsSync(join(out, 'dr-readiness.json'))) throw new Error(`report ${stage} succeeded but wrote no report`);
    const pass = m.median <= TARGETS.reportSeconds;
    results.report[stage] = { ...m, pass };
    rows.push([
      `npm run report ${stage} (median of ${REPORT_RUNS})`,
      timing(m),
      `≤ ${TARGETS.reportSeconds} s`,
      verdict(pass),
    ]);
  }

  if (process.env.BENCH_SKIP_TEST === '1') {
    rows.push(['npm test', 'skipped (BENCH_SKIP_TEST=1)', `≤ ${TARGETS.testSeconds} s`, '–']);
  } else {
    const m = measure(tool, 'npm test', ['npm', 'test'], testRuns);
    const pass = m.median <= TARGETS.testSeconds;
    results.test = { ...m, pass };
    rows.push([`npm test (median of ${testRuns})`, timing(m), `≤ ${TARGETS.testSeconds} s`, verdict(pass)]);
  }

  results.nproc = run('nproc', []).stdout?.trim() || String(availableParallelism());
  results.node = process.version;
  rows.push(['Tool', tool, '', ''], ['nproc', results.nproc, '', ''], ['node --version', results.node, '', '']);
  const table = [['Measure', 'Value', 'Target', 'Result'], ['---', '---', '---', '---'], ...rows];
  console.log(table.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

try {
  main();
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
