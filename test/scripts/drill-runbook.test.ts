// The drill reads a runbook's shell blocks as the operator follows them: the sections asked for, in order, with the settings put where the runbook assigns them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATEST_PATH, RUNBOOK } from '../../scripts/drill/scenarios/restore-database';
import { runbookScript } from '../../scripts/drill/scenarios/restore-operator';

const RUNBOOK_TEXT = [
  '# Runbook',
  '## 1. Settings',
  '```bash',
  'region=us-east-1',
  'echo "$region"',
  '```',
  '## 2. Pick',
  '### The first way',
  '```bash',
  'snapshot=first',
  '```',
  '### The other way',
  '```bash',
  'snapshot=other',
  '```',
  '```json',
  '{"not": "shell"}',
  '```',
  '## 3. Act',
  '```bash',
  'restore "$snapshot"',
  '```',
].join('\n');

let dir: string;
let runbook: string;

beforeEach(() => {
  // Prepare
  dir = mkdtempSync(join(tmpdir(), 'drill-runbook-'));
  runbook = join(dir, 'runbook.md');
  writeFileSync(runbook, RUNBOOK_TEXT);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('takes the bash blocks of the sections asked for, in the runbook order, with the settings where the runbook assigns them', () => {
  // Act
  const script = runbookScript(runbook, ['3. ', '1. ', 'The first way'], { region: 'us-west-2' });

  // Assess
  expect(script.split('\n')).toEqual(['region=us-west-2', 'echo "$region"', 'snapshot=first', 'restore "$snapshot"']);
});

test('fails when a section has no bash block', () => {
  expect(() => runbookScript(runbook, ['1. ', 'A way that is gone'], {})).toThrow(
    /has no bash block under a heading "A way that is gone…"/,
  );
});

test('fails when the blocks never assign a setting', () => {
  expect(() => runbookScript(runbook, ['3. '], { region: 'us-west-2' })).toThrow(/never assign region/);
});

test("the Aurora restore runbook's -latest path sets stage, region and snapshot, restores and adds an instance, and takes no other source", () => {
  // Act
  const script = runbookScript(RUNBOOK, LATEST_PATH, { stage: 'staging', region: 'us-west-2' });

  // Assess
  expect(script).toMatch(/^stage=staging$/m);
  expect(script).toMatch(/^region=us-west-2$/m);
  // The weekly job rotates -latest copy-first; its SSM record names the copy that is current.
  expect(script).toContain('/async-toolformer/$stage/backups/aurora/latest');
  expect(script).toMatch(/^snapshot=\$\(jq -r \.latestSnapshotIdentifier <<<"\$record"\)$/m);
  expect(script).toContain('aws rds restore-db-cluster-from-snapshot');
  expect(script).toContain('aws rds create-db-instance');
  expect(script).not.toContain('list-recovery-points-by-backup-vault');
  expect(script).not.toContain('restore-db-cluster-to-point-in-time');
});
