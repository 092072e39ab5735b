// The command lines of the project's own tools (bench, check-code, measure-lambdas, run-app, report, the setup scripts): --help, and bad input answered with exit 2 and the usage, nothing done.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelpRequested, UsageError } from '../../scripts/lib/cli-args.cjs';
import { parseReportArgs } from '../../scripts/report';
import { ROOT, expectBadInput, expectHelp, runProcess, type ScriptRun } from './cli-harness';

type Case = readonly [label: string, args: readonly string[], problem: string, env?: Record<string, string>];

/** Every case of a script side by side, each with a TMPDIR of its own that must stay empty: bad input writes nothing. */
async function runAll(command: readonly string[], cases: readonly Case[]): Promise<ScriptRun[]> {
  const scratch = cases.map(() => mkdtempSync(join(tmpdir(), 'script-cli-')));
  try {
    const runs = await Promise.all(
      cases.map(([, args, , env = {}], index) =>
        runProcess(command[0]!, [...command.slice(1), ...args], { ...env, TMPDIR: scratch[index] }),
      ),
    );
    // tsx keeps its compile cache in TMPDIR (tsx-<uid>); anything else would be the script's.
    for (const dir of scratch) expect(readdirSync(dir).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
    return runs;
  } finally {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }
}

/** The help cases and the table of bad input of one script, as processes. */
function describeScript(name: string, command: readonly string[], usage: string, cases: readonly Case[]): void {
  test(`${name}: --help and -h print the usage and exit 0; ${cases.map(([label]) => label).join(', ')}: exit 2`, async () => {
    const [help, short, ...bad] = await runAll(command, [['--help', ['--help'], ''], ['-h', ['-h'], ''], ...cases]);
    expectHelp(help!, usage);
    expectHelp(short!, usage);
    cases.forEach(([, , problem], index) => expectBadInput(bad[index]!, name, problem));
  }, 60_000);
}

const NODE = [process.execPath];
const TSX = [process.execPath, '--import', 'tsx'];

describeScript('bench', [...NODE, 'scripts/bench.mjs'], 'npm run bench', [
  ['an unknown flag', ['--fast'], "Unknown option '--fast'"],
  ['a flag without its value', ['--baseline'], "Option '--baseline <value>' argument missing"],
  ['a positional argument', ['synth'], "Unexpected argument 'synth'"],
  ['a baseline that is no checkout', ['--baseline', '/nonexistent'], '--baseline must be a checkout of this project'],
  [
    'BENCH_RUNS that is no number',
    [],
    "BENCH_RUNS must be a whole number from 0 up, got: 'three'",
    { BENCH_RUNS: 'three' },
  ],
  [
    'a negative BENCH_TEST_RUNS',
    [],
    "BENCH_TEST_RUNS must be a whole number from 0 up, got: '-1'",
    { BENCH_TEST_RUNS: '-1' },
  ],
]);

describeScript('check-code', [...NODE, 'scripts/check-code.mjs'], 'npm run check:code', [
  ['an unknown flag', ['--fix'], "Unknown option '--fix'"],
  ['a path', ['lib/'], "Unexpected argument 'lib/'"],
]);

describeScript('measure-lambdas', [...TSX, 'scripts/measure-lambdas.mjs'], 'npm run measure:lambdas', [
  ['an unknown flag', ['--runs', '3'], "Unknown option '--runs'"],
  ['a function name', ['dns-view'], "Unexpected argument 'dns-view'"],
  ['INIT_RUNS that is no number', [], "INIT_RUNS must be a whole number from 1 up, got: 'ten'", { INIT_RUNS: 'ten' }],
  ['INIT_RUNS of 0', [], "INIT_RUNS must be a whole number from 1 up, got: '0'", { INIT_RUNS: '0' }],
]);

describeScript('run-app', [...NODE, 'scripts/run-app.mjs'], 'node scripts/run-app.mjs', [
  ['context meant for cdk', ['-c', 'stage=staging'], "Unknown option '-c'"],
  ['a positional argument', ['synth'], "Unexpected argument 'synth'"],
]);

describeScript('setup-python-tools', ['bash', 'scripts/setup-python-tools.sh'], 'npm run setup:python', [
  ['an unknown flag', ['--force'], 'unexpected argument: --force'],
  ['a positional argument', ['cfn-lint'], 'unexpected argument: cfn-lint'],
]);

describeScript('setup-browser', ['bash', 'scripts/setup-browser.sh'], 'npm run setup:browser', [
  ['an unknown flag', ['--force'], 'unexpected argument: --force'],
]);

describeScript('setup-redis-server', ['bash', 'scripts/setup-redis-server.sh'], 'npm run setup:redis', [
  ['a positional argument', ['7.2'], 'unexpected argument: 7.2'],
]);

describe('report', () => {
  test.each<[string, string[], string]>([
    ['an unknown stage', ['--stage', 'dev'], '--stage "dev" is not one of prod, staging'],
    ['a flag without its value', ['--stage'], "Option '--stage <value>' argument missing"],
    ['an unknown flag', ['--verbose'], "Unknown option '--verbose'"],
    ['a positional argument', ['prod'], "Unexpected argument 'prod'"],
    ['an empty --out', ['--out', ' '], '--out needs a directory'],
    ['a value for --stage that is a flag', ['--stage', '--out', 'x'], "Option '--stage' argument is ambiguous"],
  ])('fails when given %s', (_label, args, problem) => {
    expect(() => parseReportArgs(args)).toThrow(UsageError);
    expect(() => parseReportArgs(args)).toThrow(problem);
  });

  test('reads --stage and --out, and asks for the usage on --help', () => {
    expect(parseReportArgs(['--stage', 'staging', '--out', 'x'])).toEqual({
      stage: 'staging',
      out: join(process.cwd(), 'x'),
    });
    expect(() => parseReportArgs(['--stage', 'dev', '--help'])).toThrow(HelpRequested);
  });

  // A few as the npm script runs it; test/readiness/report.test.ts runs more (and checks that nothing is written).
  describeScript('report', [...TSX, 'scripts/report.ts'], 'npm run report --', [
    ['an unknown stage', ['--stage', 'dev'], '--stage "dev" is not one of prod, staging'],
  ]);
});

test('the scripts run from the project root', () => expect(ROOT).toBe(join(__dirname, '..', '..')));
