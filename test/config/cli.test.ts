// Bad context through the real CLI, as users run it (`cdk synth -c ...`): a non-zero exit, the report, no stack trace, no output.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
/** Where scripts/run-app.mjs writes its per-process bundle of the app (app-<pid>.js). */
const APP_BUNDLES = join(ROOT, 'cdk.out.app');

/** Bundles whose process has ended: a refused synth used to leave its 1.6 MB bundle behind. */
function leftoverBundles(): string[] {
  if (!existsSync(APP_BUNDLES)) return [];
  return readdirSync(APP_BUNDLES).filter((file) => {
    const pid = /^app-(\d+)\.js$/.exec(file)?.[1];
    if (!pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  });
}

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly written: readonly string[];
}

/** `cdk synth` with `args` and `env` into a fresh output directory; what it printed and wrote there. */
function synth(args: readonly string[], env: Readonly<Record<string, string>>): Promise<Run> {
  const outdir = mkdtempSync(join(tmpdir(), 'dr-cli-'));
  const childEnv = { ...process.env, ...env };
  if (!('CDK_DEFAULT_ACCOUNT' in env)) delete childEnv.CDK_DEFAULT_ACCOUNT;
  return new Promise((resolve, reject) => {
    const child = spawn(CDK, ['synth', '--quiet', '-o', outdir, ...args], { cwd: ROOT, env: childEnv });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const written = readdirSync(outdir, { recursive: true }).map(String);
      rmSync(outdir, { recursive: true, force: true });
      resolve({ code, output, written });
    });
  });
}

/** What in `output` shows a crash rather than a report: stack frames, error dumps, minified library code. */
function crashSigns(output: string): string[] {
  const lines = output.split('\n');
  return [
    ...lines.filter((line) => /^\s+at /.test(line)),
    ...lines.filter((line) => /Error:|node:internal/.test(line)),
    ...lines.filter((line) => line.length > 300).map((line) => `${line.slice(0, 60)}...`),
  ];
}

// The check must be able to fail: this is how the unknown-region crash looked before validation caught it.
test('a crash as synth printed it before is recognised as one', () => {
  const crash = [
    'Error: "Annotation::AwsSolutions-IAM5[Resource::arn:${Token[AWS.Partition.9]}:secretsmanager:xx-fake-1:..." is used as the key in a map',
    `re("../errors");return errors_1=()=>tmp,tmp},${'x'.repeat(400)}`,
    '    at ChildProcess.<anonymous> (/work/main/scripts/drill/assembly.ts:108:23)',
  ].join('\n');
  expect(crashSigns(crash)).toHaveLength(3);
});

const ACCOUNT_FIX = 'must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT';
const STAGE_FIX = 'unknown stage; use one of prod, staging (-c stage=...)';

// Each case launches the app (about 5 s on a quiet machine); they run side by side.
test.concurrent.each([
  ['an unknown stage', ['-c', 'stage=dev'], {}, `stage = "dev": ${STAGE_FIX}`],
  ['an empty stage', ['-c', 'stage='], {}, `stage = "": ${STAGE_FIX}`],
  ['a non-numeric account', ['-c', 'account=abc'], {}, `account = "abc": ${ACCOUNT_FIX}`],
  [
    'a 13-digit account for staging',
    ['-c', 'stage=staging', '-c', 'account=1234567890123'],
    {},
    `account = "1234567890123": ${ACCOUNT_FIX}`,
  ],
  [
    'a malformed CDK_DEFAULT_ACCOUNT',
    [],
    { CDK_DEFAULT_ACCOUNT: 'not-an-account' },
    `account = "not-an-account": ${ACCOUNT_FIX}`,
  ],
])(
  'cdk synth fails when given %s: exits non-zero with the report, no stack trace and no output',
  async (_, args, env, line) => {
    const run = await synth(args, env);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`Invalid DR configuration (1 problem):\n  - ${line}\n`);
    expect(crashSigns(run.output)).toEqual([]);
    // Nothing a later deploy could mistake for a good synth, and no bundle of the app left behind.
    expect(run.written).toEqual([]);
    expect(leftoverBundles()).toEqual([]);
  },
  120_000,
);
