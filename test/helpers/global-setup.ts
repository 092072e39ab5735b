// Jest global setup of the synth project: the real CLI synth of every stage, once per run, offline and side by side.
// Stack tests read these templates and the cfn-lint gate lints them, so nothing synthesizes twice.
import { join, resolve } from 'node:path';
import { STAGES, type Stage } from '../../lib/config';
import { synthesize } from '../../scripts/drill/assembly';

const root = resolve(__dirname, '../..');

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

export default async function globalSetup(): Promise<void> {
  // `cdk synth` of each stage as `npm run synth` runs it, offline (scripts/drill/assembly.ts).
  await Promise.all(STAGES.map((stage) => synthesize(stage, testAssemblyDir(stage))));
  // Workers start after this and inherit it: synthStage refuses to read an assembly of an earlier run.
  process.env[ASSEMBLY_READY] = '1';
}
