// The pull-request comment of scripts/pr-comment.mjs: marker, skip message, diff summary, truncation, upsert.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'pr-comment.mjs');

/**
 * Runs `body` in a real Node.js ES module with the script imported as `m` and `input` parsed from JSON, and
 * returns its result. Jest runs tests as CommonJS and cannot load .mjs files on Node 20, and the workflow runs
 * the script in plain Node, so the tests do the same.
 */
function inNode<T>(body: string, input: unknown = null): T {
  const driver = [
    `import * as m from ${JSON.stringify(pathToFileURL(SCRIPT).href)};`,
    "import { readFileSync } from 'node:fs';",
    "const input = JSON.parse(readFileSync(0, 'utf8'));",
    `const result = await (async () => { ${body} })();`,
    'process.stdout.write(JSON.stringify(result ?? null));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', driver], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface CommentInput {
  readonly stage: string;
  readonly diff: { readonly skipped: string } | { readonly output: string; readonly failed?: boolean };
  readonly report: { readonly markdown?: string; readonly failed?: boolean };
  readonly runUrl?: string;
  readonly commit?: string;
  readonly limit?: number;
}

const buildCommentBody = (input: CommentInput): string => inNode<string>('return m.buildCommentBody(input);', input);

const SKIPPED = 'cdk diff SKIPPED: no AWS role configured (set repository variable AWS_DIFF_ROLE_ARN)';
const REPORT =
  '# DR readiness: prod\n\n| Component | RTO | Status |\n| --- | --- | --- |\n| Core API | 15 min | met |\n';
const ESC = String.fromCharCode(27);
const DIFF = [
  'Stack AsyncToolformer-prod-use1-Alerting',
  `${ESC}[32mThere were no differences${ESC}[39m`,
  '',
  'Stack AsyncToolformer-prod-use1-Data',
  'Resources',
  `${ESC}[33m[~]${ESC}[39m AWS::RDS::DBCluster Cluster/Resource ClusterEB0386A7 ${ESC}[31mreplace${ESC}[39m`,
  ' └─ [~] StorageEncrypted (requires replacement)',
  '[+] AWS::SNS::Topic Topic Topic198E71B3',
  '[-] AWS::S3::Bucket Old OldBucket1234 destroy',
  '[~] AWS::Lambda::Function Fn Fn1234 may be replaced',
  '',
  'Stack AsyncToolformer-prod-use1-Dns',
  'Outputs',
  '[+] Output Url Url: {"Value":"x"}',
  '',
  '✨  Number of stacks with differences: 2',
].join('\n');

describe('comment body', () => {
  test('starts with the hidden marker of its stage, so a rerun finds and edits it', () => {
    const body = buildCommentBody({ stage: 'staging', diff: { skipped: SKIPPED }, report: { markdown: REPORT } });
    expect(body.startsWith('<!-- dr-readiness:staging -->\n')).toBe(true);
    expect(inNode<string>("return m.commentMarker('prod');")).toBe('<!-- dr-readiness:prod -->');
  });

  test('says in plain words that cdk diff was skipped and why, and still carries the report', () => {
    const body = buildCommentBody({ stage: 'prod', diff: { skipped: SKIPPED }, report: { markdown: REPORT } });
    expect(body).toContain(`> [!WARNING]\n> ${SKIPPED}`);
    expect(body).not.toContain('<details>');
    expect(body).toContain('| Core API | 15 min | met |');
  });

  test('summarizes the stacks with differences and collapses the output, without colour codes', () => {
    // Act
    const body = buildCommentBody({
      stage: 'prod',
      diff: { output: DIFF },
      report: { markdown: REPORT },
      runUrl: 'https://github.com/o/r/actions/runs/1',
      commit: '0123456789abcdef0123',
    });
    // Assess
    expect(body).toContain('**2 stacks with differences**');
    expect(body).toContain('| `AsyncToolformer-prod-use1-Data` | 1 | 2 | 1 | **3** |');
    expect(body).toContain('| `AsyncToolformer-prod-use1-Dns` | 0 | 0 | 0 | 0 |');
    expect(body).toContain('1 other stack has no differences.');
    expect(body).toMatch(/<details><summary>cdk diff output for <code>prod<\/code><\/summary>\n\n```\nStack /);
    expect(body).toContain('[~] AWS::RDS::DBCluster Cluster/Resource ClusterEB0386A7 replace');
    expect(body).not.toContain(ESC);
    expect(body).toContain('for 0123456789ab by [this run](https://github.com/o/r/actions/runs/1)');
  });

  test('says so when no stack has differences', () => {
    const output = 'Stack A\nThere were no differences\n\nStack B\nThere were no differences\n';
    const body = buildCommentBody({ stage: 'prod', diff: { output }, report: { markdown: REPORT } });
    expect(body).toContain('**No differences** in any stack.');
  });

  test('fences the output with more backticks than it contains', () => {
    const output = 'Stack A\n[+] AWS::SSM::Parameter P P1 \n  Value: ````js\n';
    const body = buildCommentBody({ stage: 'prod', diff: { output }, report: { markdown: REPORT } });
    expect(body).toContain('`````\nStack A');
  });

  test.each([
    [{ output: 'Error: credentials expired', failed: true }, {}, '**cdk diff FAILED**'],
    [{ output: DIFF }, { failed: true }, '**DR readiness FAILED**'],
  ])('flags a failed step so the comment never reads as a pass (%#)', (diff, report, flag) => {
    const body = buildCommentBody({ stage: 'prod', diff, report: { markdown: REPORT, ...report } });
    expect(body).toContain(`> [!CAUTION]\n> ${flag}`);
  });

  test('says when dr-readiness.md was not written', () => {
    const body = buildCommentBody({ stage: 'prod', diff: { skipped: SKIPPED }, report: { failed: true } });
    expect(body).toContain('`dr-readiness.md` was not written');
  });
});

describe('truncation', () => {
  const hugeDiff = ['Stack AsyncToolformer-prod-use1-Data', 'Resources']
    .concat(Array.from({ length: 6000 }, (_, i) => `[+] AWS::SNS::Topic Topic${i} Topic${i}ABCDEF`))
    .join('\n');

  test("uses GitHub's limit of 65536 characters", () => {
    expect(inNode<number>('return m.COMMENT_LIMIT;')).toBe(65536);
    const body = buildCommentBody({ stage: 'prod', diff: { output: hugeDiff }, report: { markdown: REPORT } });
    expect(body.length).toBeLessThanOrEqual(65536);
  });

  test('cuts the diff output at a line end, says how much is missing, and keeps summary and report whole', () => {
    // Act
    const body = buildCommentBody({
      stage: 'prod',
      diff: { output: hugeDiff },
      report: { markdown: REPORT },
      runUrl: 'https://github.com/o/r/actions/runs/1',
      limit: 20000,
    });
    // Assess
    expect(body.length).toBeLessThanOrEqual(20000);
    expect(body).toContain('| `AsyncToolformer-prod-use1-Data` | 6000 | 0 | 0 | 0 |');
    expect(body).toMatch(/ABCDEF\n```\n\n… \d+ more characters of cdk diff output omitted/);
    expect(body).toContain('see the [workflow run](https://github.com/o/r/actions/runs/1)');
    expect(body).toContain(REPORT.trimEnd());
    expect(body).toMatch(/<\/details>/);
  });

  test('drops the diff output and cuts the report when the report alone is too long', () => {
    const report = '| row | value |\n'.repeat(5000);
    const body = buildCommentBody({
      stage: 'prod',
      diff: { output: hugeDiff },
      report: { markdown: report },
      limit: 20000,
    });
    expect(body.length).toBeLessThanOrEqual(20000);
    expect(body).not.toContain('[+] AWS::SNS::Topic Topic0 ');
    expect(body).toMatch(/… \d+ more characters of cdk diff output omitted/);
    expect(body).toMatch(/… \d+ more characters of the DR readiness report omitted/);
    expect(body.startsWith('<!-- dr-readiness:prod -->')).toBe(true);
  });

  test.each([1000, 5000, 65536])('never exceeds a limit of %i', (limit) => {
    const body = buildCommentBody({
      stage: 'prod',
      diff: { output: hugeDiff, failed: true },
      report: { markdown: REPORT.repeat(2000), failed: true },
      limit,
    });
    expect(body.length).toBeLessThanOrEqual(limit);
  });
});

describe('one comment per stage', () => {
  const comments = [
    { id: 1, body: 'LGTM, but see <!-- dr-readiness:prod --> above' },
    { id: 2, body: '<!-- dr-readiness:staging -->\n## staging' },
    { id: 3, body: '<!-- dr-readiness:prod -->\n## prod' },
    { id: 4, body: null },
  ];

  test.each([
    ['prod', 3],
    ['staging', 2],
  ])('finds the %s comment by the marker it starts with', (stage, id) => {
    const found = inNode<{ id: number }>('return m.findMarkedComment(input.comments, input.stage);', {
      comments,
      stage,
    });
    expect(found.id).toBe(id);
  });

  type Call = [string, Record<string, unknown>];
  const upsert = (existing: unknown[]) =>
    inNode<{ result: { action: string; id: number }; calls: Call[] }>(
      `const calls = [];
      const github = {
        paginate: async (method, params) => { calls.push([method, params]); return input.existing; },
        rest: { issues: {
          listComments: 'list',
          updateComment: async (params) => { calls.push(['update', params]); },
          createComment: async (params) => { calls.push(['create', params]); return { data: { id: 99 } }; },
        } },
      };
      const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } }, issue: { number: 7 } };
      const result = await m.upsertComment({ github, context, stage: 'prod', body: 'new body' });
      return { result, calls };`,
      { existing },
    );

  test('edits the existing comment of the stage instead of adding one', () => {
    const { result, calls } = upsert(comments);
    expect(result).toEqual({ action: 'updated', id: 3 });
    expect(calls).toEqual([
      ['list', { owner: 'o', repo: 'r', issue_number: 7, per_page: 100 }],
      ['update', { owner: 'o', repo: 'r', comment_id: 3, body: 'new body' }],
    ]);
  });

  test('creates the comment when the pull request has none for the stage', () => {
    const { result, calls } = upsert([comments[1]]);
    expect(result).toEqual({ action: 'created', id: 99 });
    expect(calls[1]).toEqual(['create', { owner: 'o', repo: 'r', issue_number: 7, body: 'new body' }]);
  });
});

describe('CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pr-comment-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

  test('writes the body from the diff output and the report files', () => {
    // Prepare
    writeFileSync(join(dir, 'diff.txt'), DIFF);
    writeFileSync(join(dir, 'dr-readiness.md'), REPORT);
    // Act
    const run = cli(
      ...['--stage', 'prod', '--diff-file', join(dir, 'diff.txt'), '--diff-outcome', 'success'],
      ...['--report-file', join(dir, 'dr-readiness.md'), '--report-outcome', 'success', '--out', join(dir, 'body.md')],
    );
    // Assess
    expect(run.status).toBe(0);
    const body = readFileSync(join(dir, 'body.md'), 'utf8');
    expect(body.startsWith('<!-- dr-readiness:prod -->')).toBe(true);
    expect(body).toContain('**2 stacks with differences**');
    expect(body).not.toContain('[!CAUTION]');
  });

  test('writes the skip message when cdk diff did not run, and flags a report that failed', () => {
    const run = cli(
      '--stage',
      'staging',
      '--skipped-reason',
      SKIPPED,
      '--report-outcome',
      'failure',
      '--out',
      join(dir, 'b.md'),
    );
    expect(run.status).toBe(0);
    const body = readFileSync(join(dir, 'b.md'), 'utf8');
    expect(body).toContain(`> ${SKIPPED}`);
    expect(body).toContain('**DR readiness FAILED**');
  });

  test('treats a missing diff outcome as a failed diff', () => {
    writeFileSync(join(dir, 'diff.txt'), DIFF);
    cli('--stage', 'prod', '--diff-file', join(dir, 'diff.txt'), '--out', join(dir, 'b.md'));
    expect(readFileSync(join(dir, 'b.md'), 'utf8')).toContain('**cdk diff FAILED**');
  });

  test('reports a diff that never ran, as when the role could not be assumed, as failed', () => {
    const run = cli(
      ...['--stage', 'prod', '--diff-file', join(dir, 'absent.txt'), '--diff-outcome', 'skipped'],
      ...['--report-outcome', 'success', '--out', join(dir, 'b.md')],
    );
    expect(run.status).toBe(0);
    const body = readFileSync(join(dir, 'b.md'), 'utf8');
    expect(body).toContain('**cdk diff FAILED**');
    expect(body).toContain('</summary>\n\nNo output.\n\n</details>');
  });

  test('fails when given neither a skip reason nor a diff file: exit 2, the usage, nothing written', () => {
    const run = cli('--stage', 'prod', '--out', join(dir, 'b.md'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('give --skipped-reason when cdk diff did not run');
    expect(run.stderr).toContain('usage: node scripts/pr-comment.mjs');
    expect(existsSync(join(dir, 'b.md'))).toBe(false);
  });

  test.each([
    ['no arguments', [], '--stage and --out are required'],
    ['an unknown flag', ['--stage', 'prod', '--out', 'x.md', '--bogus'], "Unknown option '--bogus'"],
    ['a flag without its value', ['--stage'], "Option '--stage <value>' argument missing"],
  ])('fails on %s with exit 2, a message and the usage, and no stack trace', (_what, args, message) => {
    const run = cli(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: node scripts/pr-comment.mjs');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('--help prints the usage and exits 0', () => {
    const run = cli('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: node scripts/pr-comment.mjs');
    expect(run.stderr).toBe('');
  });
});
