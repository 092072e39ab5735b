// Shared by the dr tests: the CLI bundled once per test file, as operators run it (plain node, no tsx).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/cli-harness';

/** Builds dist/dr.cjs's twin in a scratch directory before the file's tests, and removes it after. */
export function useBundle(): { readonly path: string } {
  let dir = '';
  const state = { path: '' };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dr-bundle-'));
    state.path = join(dir, 'dr.cjs');
    execFileSync(process.execPath, [join(ROOT, 'scripts/dr/build.mjs'), '--outfile', state.path], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return state;
}
