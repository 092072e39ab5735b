// Measures every Lambda bundle (size, with DrFunction's esbuild options) and its module initialisation time.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { parseCli, runCli, wholeNumber } from './lib/cli-args.cjs';

const USAGE = `usage: npm run measure:lambdas
Bundles every Lambda function as DrFunction does and measures its size and its module
initialisation time (median of INIT_RUNS loads, default 10); it takes no arguments.
Exit status: 0 every function within 250 KB and 150 ms; 1 one is not, or one failed to bundle or
load; 2 bad input, nothing built.`;

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = { bundleKb: 250, initMs: 150 };
// Every setting any handler reads at cold start; values only need to be well-formed.
const ENV = {
  AWS_REGION: 'us-east-1',
  STAGE: 'prod',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
// Every key of every function's contract (lib/contract, the same list the function-environment gate
// checks), so a new setting cannot be missed here: a name by default, a number for counts and
// durations, and the few structured values in the shape their parsers accept.
const { FUNCTIONS } = await import('../lib/contract/index.ts');
const NUMBER = /(_SECONDS|_DAYS|_HOURS|_SIZE|_PER_STEP|_PER_RUN)$/;
const STRUCTURED = {
  STANDALONE_CACHE_FOLLOWS_WRITER: 'true',
  OBJECT_LOCK_MODE: 'governance',
  CACHE_MEMBERS: 'us-east-1:group-a,us-west-2:group-b',
  PROTECTED_CLUSTERS: 'cluster-a,cluster-b',
  CLUSTER_ENDPOINT: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com',
  CLUSTER_CA: Buffer.from('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n').toString('base64'),
  STATUS_COMPONENTS: JSON.stringify([{ id: 'core-api', name: 'Core API Service' }]),
  GAME_DAY_STATE_MACHINES: JSON.stringify({ database: 'arn:aws:states:us-west-2:123456789012:stateMachine:gd' }),
  GAME_DAY_SCHEDULE: JSON.stringify({ database: { week: 1, hour: 15, minute: 0 } }),
  PROVIDER_ALARMS: JSON.stringify([{ alarmName: 'openai-outage', provider: 'openai' }]),
};
for (const contract of Object.values(FUNCTIONS)) {
  for (const key of contract.environment) {
    ENV[key] ??= STRUCTURED[key] ?? (NUMBER.test(key) ? '100' : 'us-west-2');
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Builds and loads every function; returns the exit status. */
async function main(args) {
  parseCli({ args, options: {} });
  const RUNS = wholeNumber('INIT_RUNS', process.env.INIT_RUNS ?? '10', 1);
  // Loaded once the input is checked: aws-cdk-lib alone takes most of a second.
  const [{ Runtime }, { build }, { esbuildOptions }] = await Promise.all([
    import('aws-cdk-lib/aws-lambda'),
    import('esbuild'),
    import('../lib/constructs/lambda-bundle.ts'),
  ]);
  const out = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  const rows = [];
  let failed = false;
  try {
    const functions = readdirSync(join(root, 'lambda')).filter((name) =>
      existsSync(join(root, 'lambda', name, 'handler.ts')),
    );
    for (const name of functions) {
      const outfile = join(out, name, 'index.js');
      // DrFunction's bundle options (lib/constructs/lambda-bundle.ts) for its runtime, written to disk here.
      await build({
        ...esbuildOptions({ entry: join(root, 'lambda', name, 'handler.ts'), runtime: Runtime.NODEJS_22_X }),
        outfile,
        logLevel: 'error',
      });
      const kb = statSync(outfile).size / 1024;
      const times = [];
      // One discarded warm-up run, as hyperfine does: the first load pays for a cold file cache.
      for (let run = -1; run < RUNS; run += 1) {
        const script = `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
        // NODE_PATH stands in for the runtime's bundled AWS SDK, which the module loads at init.
        const result = spawnSync(process.execPath, ['-e', script], {
          env: { ...process.env, ...ENV, NODE_PATH: join(root, 'node_modules') },
          encoding: 'utf8',
        });
        if (result.status !== 0)
          throw new Error(`${name} failed to load:\n${result.stderr.split('\n').slice(-15).join('\n')}`);
        if (run >= 0) times.push(Number(result.stdout));
      }
      const initMs = median(times);
      const pass = kb <= TARGETS.bundleKb && initMs <= TARGETS.initMs;
      failed ||= !pass;
      rows.push(`| ${name} | ${kb.toFixed(1)} KB | ${initMs.toFixed(1)} ms | ${pass ? 'PASS' : 'FAIL'} |`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(
    `| Function | Bundle (minified) | Init, median of ${RUNS} | ≤ ${TARGETS.bundleKb} KB, ≤ ${TARGETS.initMs} ms |`,
  );
  console.log('| --- | --- | --- | --- |');
  console.log(rows.join('\n'));
  return failed ? 1 : 0;
}

await runCli({ name: 'measure-lambdas', usage: USAGE, main: () => main(process.argv.slice(2)) });
