// scripts/cache/warm-up.sh, the plan's cache warm-up command: --environment mapped to the stage, bad input exit 2 with the usage and no AWS call, and the call it passes on to dr warm-cache.
import {
  CRASH,
  expectBadInput,
  expectHelp,
  runProcess,
  startRecordingEndpoint,
  type RecordingEndpoint,
  type ScriptRun,
} from './cli-harness';

const SCRIPT = 'scripts/cache/warm-up.sh';
let endpoint: RecordingEndpoint;
beforeAll(async () => {
  endpoint = await startRecordingEndpoint();
});
afterAll(() => endpoint.close());

/** The script as an operator runs it, every AWS call sent to the recording endpoint (which answers 500). */
async function warmUp(args: readonly string[]): Promise<ScriptRun> {
  endpoint.requests.splice(0);
  const run = await runProcess('bash', [SCRIPT, ...args], {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PROFILE: undefined,
  });
  return { ...run, calls: [...endpoint.requests] };
}

test('--help and -h print the usage and exit 0, whatever else is on the line', async () => {
  for (const args of [['--help'], ['-h'], ['--environment', 'nowhere', '--bogus', '--help']]) {
    expectHelp(await warmUp(args), 'scripts/cache/warm-up.sh --environment production|staging');
  }
});

test.each<[string, string[], string]>([
  ['no --environment', [], '--environment is required (production or staging)'],
  ['--environment without its value', ['--environment'], '--environment needs a value'],
  [
    'a stage name instead of the environment',
    ['--environment', 'prod'],
    "--environment must be production or staging, got: 'prod'",
  ],
  ['an unknown flag', ['--environment', 'production', '--force'], 'unknown flag: --force'],
  ['an extra argument', ['--environment', 'production', 'now'], "unexpected argument: 'now'"],
  ['--region without its value', ['--environment', 'production', '--region'], '--region needs a value'],
])('%s: exit 2 with the usage, no AWS call', async (_label, args, problem) => {
  expectBadInput(await warmUp(args), 'warm-up', problem);
});

test.each<[string[], string]>([
  [
    ['--environment', 'staging', '--region', 'eu-west-1'],
    '--region eu-west-1 is not a region of stage staging (us-east-1, us-west-2)',
  ],
  [
    ['--environment', 'production', '--manifest', 'daily/export.rdb'],
    "--manifest must be an object key under warm-up/, got 'daily/export.rdb'",
  ],
])('what dr warm-cache checks is bad input too: %j', async (args, problem) => {
  const run = await warmUp(args);
  expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  expect(run.stderr).toContain(`dr warm-cache: ${problem}`);
  expect(run.stderr).not.toMatch(CRASH);
});

test('--environment production is dr warm-cache --stage prod: an AWS failure exits 1 naming the prod call', async () => {
  const run = await warmUp(['--environment', 'production', '--region', 'us-west-2', '--dry-run']);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(
    'dr warm-cache failed: ssm:GetParameter /async-toolformer/prod/recovery/cache-warm-up-state-machine-arn in us-west-2 failed',
  );
  expect(run.stderr).not.toMatch(CRASH);
  expect(run.calls.length).toBeGreaterThan(0);
}, 60_000);
