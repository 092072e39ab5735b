// The command lines of the project's own tools (bench, check-code, measure-lambdas, run-app, report, the setup scripts): --help, and bad input answered with exit 2 and the usage, nothing done.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelpRequested, UsageError, cliStatus, parseCli, wholeNumber } from '../../scripts/lib/cli-args.cjs';
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

/**
 * --help and the table of bad input of one script, as processes. `-h` too for the bash scripts; the
 * node scripts share parseCli, whose -h is tested once, in this process, below.
 */
function describeScript(name: string, command: readonly string[], usage: string, cases: readonly Case[]): void {
  const helps: Case[] = [['--help', ['--help'], ''], ...(command[0] === 'bash' ? [['-h', ['-h'], ''] as const] : [])];
  const labels = `${helps.map(([label]) => label).join(' and ')} print the usage and exit 0; ${cases.map(([label]) => label).join(', ')}: exit 2`;
  test(`${name}: ${labels}`, async () => {
    const runs = await runAll(command, [...helps, ...cases]);
    for (const help of runs.slice(0, helps.length)) expectHelp(help, usage);
    cases.forEach(([, , problem], index) => expectBadInput(runs[helps.length + index]!, name, problem));
  }, 60_000);
}

describe("parseCli, the node scripts' parser", () => {
  const options = { stage: { type: 'string' }, yes: { type: 'boolean' } } as const;

  test.each([[['-h']], [['--help']], [['--bogus', '--help']], [['--stage', 'prod', 'extra', '-h']]])(
    '%j asks for the usage, whatever else is wrong',
    (args) => expect(() => parseCli({ args, options })).toThrow(HelpRequested),
  );

  test('after --, --help is an argument like any other', () => {
    expect(() => parseCli({ args: ['--', '--help'], options })).toThrow("Unexpected argument '--help'");
    expect(parseCli({ args: ['--', '--help'], options, positionals: ['<name>'] }).positionals).toEqual(['--help']);
  });

  test.each<[string[], string]>([
    [['--stage'], "Option '--stage <value>' argument missing"],
    [['--yes=no'], "Option '--yes' does not take an argument"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['a'], "Unexpected argument 'a'. This command does not take positional arguments"],
  ])('%j is bad input', (args, problem) => {
    expect(() => parseCli({ args, options })).toThrow(UsageError);
    expect(() => parseCli({ args, options })).toThrow(problem);
  });

  test('names the required positional arguments that are missing, and allows the optional ones', () => {
    expect(() => parseCli({ args: [], options, positionals: ['<from>', '<to>'] })).toThrow('missing <from> <to>');
    const { positionals } = parseCli({ args: ['a', 'b'], options, positionals: ['<from>'], optionalPositionals: 1 });
    expect(positionals).toEqual(['a', 'b']);
    expect(() => parseCli({ args: ['a', 'b', 'c'], options, positionals: ['<from>'] })).toThrow(
      "unexpected arguments 'b' 'c'",
    );
  });

  test.each<[string, number]>([
    ['3', 3],
    [' 12 ', 12],
    ['0', 0],
  ])('wholeNumber reads %j', (text, value) => {
    expect(wholeNumber('RUNS', text)).toBe(value);
  });

  test.each(['', 'x', '1.5', '-1', '1e3', '99999999999999999999'])('wholeNumber refuses %j', (text) => {
    expect(() => wholeNumber('RUNS', text)).toThrow(`RUNS must be a whole number from 0 up, got: '${text}'`);
  });

  test('cliStatus: 0 and the usage on stdout for --help, 2 and the problem and the usage for bad input, 1 and the message for a failure', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const cli = (main: () => number | void) => cliStatus({ name: 'tool', usage: 'usage: tool', main });
      await expect(cli(() => void parseCli({ args: ['-h'], options }))).resolves.toBe(0);
      expect(log).toHaveBeenCalledWith('usage: tool');
      await expect(cli(() => void parseCli({ args: ['--x'], options }))).resolves.toBe(2);
      expect(error).toHaveBeenLastCalledWith(expect.stringMatching(/^tool: Unknown option '--x'.*\nusage: tool$/s));
      await expect(
        cli(() => {
          throw new Error('AccessDenied');
        }),
      ).resolves.toBe(1);
      expect(error).toHaveBeenLastCalledWith('tool: AccessDenied');
      await expect(cli(() => 3)).resolves.toBe(3);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});

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
