// Jest global setup of the synth project: the real CLI synth of every stage, once per run, offline and side by side.
// Stack tests read these templates and the cfn-lint gate lints them, so nothing synthesizes twice.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STAGES, type Stage } from '../../lib/config';

const root = resolve(__dirname, '../..');
const cdk = join(root, 'node_modules', '.bin', 'cdk');

/** Where each stage's cloud assembly is written (ignored by git, like every `cdk.out.*`). */
export const TEST_ASSEMBLY_ROOT = join(root, 'cdk.out.test');

export function testAssemblyDir(stage: Stage): string {
  return join(TEST_ASSEMBLY_ROOT, stage);
}

/**
 * Set by this setup for the test files of its run. Kept here rather than in synth.ts, so the setup
 * starts synthesizing without loading the app first.
 */
export const ASSEMBLY_READY = 'DR_TEST_ASSEMBLY_READY';

/** The environment of a machine with no AWS credentials and no CDK settings of its own. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'CDK_DEFAULT_ACCOUNT',
  ]) {
    delete env[key];
  }
  return env;
}

/**
 * `cdk synth` of `stage` into its test assembly directory, as `npm run synth` runs it; rejects with
 * the CLI's stderr. CDK's built-in template validation is off (`--no-validation`) because the
 * cfn-lint gate checks these same templates (docs/performance.md).
 */
function synth(stage: Stage): Promise<void> {
  const outdir = testAssemblyDir(stage);
  rmSync(outdir, { recursive: true, force: true });
  const home = mkdtempSync(join(tmpdir(), `dr-synth-${stage}-home-`));
  return new Promise((done, fail) => {
    const child = spawn(cdk, ['synth', '--quiet', '--no-validation', '-c', `stage=${stage}`, '-o', outdir], {
      cwd: root,
      env: offlineEnv(home),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      if (code === 0) done();
      else fail(new Error(`cdk synth -c stage=${stage} (offline) exited with ${code}:\n${stderr}`));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  await Promise.all(STAGES.map(synth));
  // Workers start after this and inherit it: synthStage refuses to read an assembly of an earlier run.
  process.env[ASSEMBLY_READY] = '1';
}
