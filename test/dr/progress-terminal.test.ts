// The progress display under a pseudo-terminal (util-linux `script`): a live line redrawn with the clock, and plain lines without a terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/cli-harness';

/** A short run of the display, choosing its mode as the CLI does: waiting, two steps, a result. */
const DRIVER = `
const { createProgress, progressModeFor } = require(${JSON.stringify(join(ROOT, 'scripts/dr/progress.ts'))});
const progress = createProgress({ mode: progressModeFor(false, process.stderr.isTTY === true), stdout: process.stdout, stderr: process.stderr, tickMs: 50 });
progress.waiting('AuroraFailover');
setTimeout(() => { progress.step('ValidateInput'); progress.waiting('CacheFailover'); }, 200);
setTimeout(() => { progress.step('CacheFailover'); progress.result({}, 'done'); }, 400);
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dr-progress-'));
  writeFileSync(join(dir, 'driver.cjs'), DRIVER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function drive(underTerminal: boolean) {
  const node = `'${process.execPath}' --require tsx/cjs '${join(dir, 'driver.cjs')}'`;
  // script -q: no banner; -e: its exit status is the command's; -f: flush as it goes; the log goes to /dev/null.
  const [command, args] = underTerminal ? ['script', ['-qefc', node, '/dev/null']] : ['bash', ['-c', node]];
  return spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
}

test('on a terminal, the waiting line is redrawn in place with the elapsed time and completed steps stay as lines', () => {
  const run = drive(true);
  expect(run.status).toBe(0);
  // script merges stdout and stderr into the terminal's output.
  const redraws = run.stdout.split('\r\x1b[2K').filter((part) => part.includes('... AuroraFailover'));
  expect(redraws.length).toBeGreaterThanOrEqual(2);
  expect(run.stdout).toMatch(/\+ {2}0s {2}ValidateInput\r?\n/);
  expect(run.stdout).toMatch(/\.\.\. CacheFailover/);
  expect(run.stdout).toMatch(/done\r?\n/);
});

test('without a terminal, the same run is plain lines: no cursor control', () => {
  const run = drive(false);
  expect(run.status).toBe(0);
  expect(run.stderr).not.toContain('\x1b');
  expect(run.stderr.split('\n').filter(Boolean)).toEqual([
    '  +  0s  ... AuroraFailover',
    '  +  0s  ValidateInput',
    '  +  0s  ... CacheFailover',
    '  +  0s  CacheFailover',
  ]);
  expect(run.stdout).toBe('done\n');
});
