// cfn-lint over every template of the real CLI synth of each stage, which the jest global setup ran
// offline (no credentials, empty HOME) as a user would.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STAGES } from '../../lib/config';
import { testAssemblyDir } from '../helpers/synth';

const root = resolve(__dirname, '../..');
const cfnLint = join(root, '.venv', 'bin', 'cfn-lint');

interface LintResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs cfn-lint on `files`; a missing cfn-lint is a failure, never a pass. */
function runCfnLint(files: string[]): Promise<LintResult> {
  if (!existsSync(cfnLint)) {
    return Promise.reject(
      new Error(
        `cfn-lint is not installed at ${cfnLint}: run "npm run setup:python". This check cannot pass without it.`,
      ),
    );
  }
  return new Promise((done, fail) => {
    const child = spawn(cfnLint, ['--format', 'parseable', '--', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, output: output.trim() }));
  });
}

/** The template files of a stage's assembly. */
function templatesOf(stage: (typeof STAGES)[number]): string[] {
  const outdir = testAssemblyDir(stage);
  return readdirSync(outdir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join(outdir, file));
}

// Both stages are linted side by side from the start (about 20 s each): one cfn-lint process per
// stage, so the file's wall time is the slower stage's, not their sum.
const linted = new Map<string, Promise<LintResult>>();
beforeAll(() => {
  for (const stage of STAGES) {
    const result = runCfnLint(templatesOf(stage));
    result.catch(() => undefined); // awaited by the stage's test; never an unhandled rejection meanwhile
    linted.set(stage, result);
  }
});

/** Purposes of the stacks in each region, and of the global stacks in us-east-1. */
const REGIONAL_PURPOSES = [
  'Alerting',
  'Automation',
  'Cache',
  'CacheBackup',
  'Compute',
  'Dashboard',
  'Data',
  'Docs',
  'Network',
  'Protection',
  'StatusPage',
];
const GLOBAL_PURPOSES = ['Dns'];

const workdirs: string[] = [];
afterAll(() => workdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe.each(STAGES)('%s', (stage) => {
  let outdir: string;
  let templates: string[];

  beforeAll(() => {
    outdir = testAssemblyDir(stage);
    templates = templatesOf(stage);
  });

  test('the CLI synthesizes both regions offline, with stage and region in every stack name', () => {
    const names = templates.map((file) => file.slice(outdir.length + 1, -'.template.json'.length)).sort();
    // Regional stacks in both regions, global ones (DNS) in us-east-1 only.
    const regional = REGIONAL_PURPOSES.flatMap((purpose) => [`use1-${purpose}`, `usw2-${purpose}`]);
    const global = GLOBAL_PURPOSES.map((purpose) => `use1-${purpose}`);
    expect(names).toEqual([...regional, ...global].sort().map((suffix) => `AsyncToolformer-${stage}-${suffix}`));
    expect(existsSync(join(root, 'cdk.context.json'))).toBe(false);
  });

  test('cfn-lint reports nothing on any template', async () => {
    await expect(linted.get(stage)).resolves.toEqual({ status: 0, output: '' });
  }, 120_000);
});

test('the gate can fail: cfn-lint reports a template with an invalid property', async () => {
  const work = mkdtempSync(join(tmpdir(), 'dr-cfn-lint-'));
  workdirs.push(work);
  const bad = join(work, 'bad.template.json');
  const template = { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicNmae: 'typo' } } } };
  writeFileSync(bad, JSON.stringify(template));
  const result = await runCfnLint([bad]);
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(/E3002/);
}, 60_000);
