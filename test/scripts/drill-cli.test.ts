// npm run drill's command line: what it accepts, and bad input answered with exit 2, the usage and the scenarios, before anything starts.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main, parseOptions, UsageError } from '../../scripts/drill/cli';
import { SCENARIO_NAMES } from '../../scripts/drill/scenarios';
import { runScenarios } from '../../scripts/drill/session';
import { CRASH } from './cli-harness';

jest.mock('../../scripts/drill/session', () => ({
  ...jest.requireActual('../../scripts/drill/session'),
  runScenarios: jest.fn(),
}));
jest.mock('../../scripts/drill/assembly', () => ({
  ...jest.requireActual('../../scripts/drill/assembly'),
  loadAssembly: jest.fn(),
}));

const ROOT = resolve(__dirname, '../..');

let stderr: jest.SpyInstance;
let stdout: jest.SpyInstance;
beforeEach(() => {
  jest.mocked(runScenarios).mockReset();
  stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  stdout = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  stderr.mockRestore();
  stdout.mockRestore();
});

test('runs every scenario of prod by default, and the ones named with --scenario', () => {
  expect(parseOptions([]).scenarios.map((s) => s.name)).toEqual(SCENARIO_NAMES);
  const options = parseOptions(['--scenario', 'stuck', '--scenario', 'rerun', '--stage', 'staging', '--json']);
  expect(options).toMatchObject({ stage: 'staging', json: true, list: false });
  expect(options.scenarios.map((s) => s.name)).toEqual(['stuck', 'rerun']);
});

test.each([
  [
    'an unknown scenario',
    ['--scenario', 'meteor'],
    new RegExp(`unknown scenario "meteor"; the scenarios are ${SCENARIO_NAMES.join(', ')}\n`),
  ],
  ['a flag without its value', ['--scenario'], /Option '--scenario <value>' argument missing/],
  ['a value for a boolean flag', ['--list=yes'], /Option '--list' does not take an argument/],
  ['a port that is no number', ['--port', 'abc'], /--port must be a port from 1024 to 65535, got: abc/],
  ['an unknown stage', ['--stage', 'dev'], /--stage "dev" is not one of prod, staging/],
  ['an unknown option', ['--fast'], /Unknown option '--fast'/],
  ['a positional argument', ['region-loss'], /Unexpected argument 'region-loss'/],
  ['a directory that is no assembly', ['--assembly', ROOT], /is not a cloud assembly \(no manifest.json\)/],
  ['a port out of range', ['--port', '80'], /--port must be a port from 1024 to 65535, got: 80/],
])('fails when given %s: exit 2 with the usage and the scenarios, nothing started', async (_label, args, message) => {
  expect(() => parseOptions(args)).toThrow(UsageError);
  await expect(main(args)).resolves.toBe(2);
  const printed = stderr.mock.calls.flat().join('\n');
  expect(printed).toMatch(message);
  expect(printed).toContain('usage: npm run drill --');
  expect(printed).toContain(`scenarios: ${SCENARIO_NAMES.join(', ')}`);
  expect(runScenarios).not.toHaveBeenCalled();
});

test.each([[['--help']], [['-h']], [['--scenario', 'meteor', '--help']]])(
  '%j prints the usage and every scenario on stdout, exits 0 and starts nothing',
  async (args) => {
    await expect(main(args)).resolves.toBe(0);
    const printed = stdout.mock.calls.flat().join('\n');
    expect(printed).toMatch(/^usage: npm run drill --/);
    expect(printed).toContain(`scenarios: ${SCENARIO_NAMES.join(', ')}`);
    expect(stderr).not.toHaveBeenCalled();
    expect(runScenarios).not.toHaveBeenCalled();
  },
);

test('--list prints every scenario with its summary and starts nothing', async () => {
  await expect(main(['--list'])).resolves.toBe(0);
  const printed = stdout.mock.calls.flat().join('\n');
  for (const name of SCENARIO_NAMES) expect(printed).toContain(name);
  expect(runScenarios).not.toHaveBeenCalled();
});

test('the npm script exits 2 for an unknown scenario, as a process', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/drill/cli.ts'), '--scenario', 'nope'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('drill: unknown scenario "nope"');
  expect(result.stderr).toContain('region-loss');
  expect(result.stderr).not.toMatch(CRASH);
}, 30_000);
