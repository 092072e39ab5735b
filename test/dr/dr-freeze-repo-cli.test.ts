// dr freeze and dr repo, driven through main() as the process runs it: bad input exits 2 with the problem and the usage before any AWS call; --help exits 0. (test/dr/dr-cli.test.ts runs main() as a process for every subcommand's exit path.)
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { CRASH, startRecordingEndpoint, type RecordingEndpoint } from '../scripts/cli-harness';

let endpoint: RecordingEndpoint;
const saved = { ...process.env };
beforeAll(async () => {
  endpoint = await startRecordingEndpoint();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_MAX_ATTEMPTS: '1',
  });
  delete process.env.AWS_REGION;
  delete process.env.AWS_PROFILE;
});
afterAll(async () => {
  process.env = saved;
  await endpoint.close();
});
beforeEach(() => endpoint.requests.splice(0));

/** main() with every AWS call sent to the recording endpoint, which answers 500. */
async function dr(args: readonly string[]) {
  const { env, out, err } = capturingCli({ pollMs: 0 });
  const status = await main(args, env);
  return { status, stdout: out(), stderr: err(), calls: [...endpoint.requests] };
}

test.each<[string, string[], string, string]>([
  ['freeze: no action', ['freeze'], 'dr freeze', "missing required argument 'action'"],
  [
    'freeze: an unknown action',
    ['freeze', 'maybe'],
    'dr freeze',
    "value 'maybe' is invalid for argument 'action'. Allowed choices are on, off, status, check",
  ],
  ['freeze on: no reason', ['freeze', 'on'], 'dr freeze', 'freeze on needs --reason'],
  ['freeze off: a blank reason', ['freeze', 'off', '--reason', '  '], 'dr freeze', 'freeze off needs --reason'],
  [
    'freeze on: a reason over 200 characters',
    ['freeze', 'on', '--reason', 'x'.repeat(201)],
    'dr freeze',
    '--reason is longer than 200 characters',
  ],
  [
    'freeze on: a reason of two lines',
    ['freeze', 'on', '--reason', 'a\nb'],
    'dr freeze',
    '--reason must be one line of printable characters',
  ],
  [
    'freeze on: --region',
    ['freeze', 'on', '--reason', 'x', '--region', 'us-east-1'],
    'dr freeze',
    '--region does not apply to freeze on',
  ],
  [
    'freeze status: a reason',
    ['freeze', 'status', '--reason', 'x'],
    'dr freeze',
    '--reason applies to freeze on and off only, not status',
  ],
  [
    'freeze check: a region outside the stage',
    ['freeze', 'check', '--region', 'eu-west-1'],
    'dr freeze',
    '--region eu-west-1 is not a region of stage prod',
  ],
  [
    'freeze: an unknown stage',
    ['freeze', 'check', '--stage', 'dev'],
    'dr freeze',
    "argument 'dev' is invalid. Allowed choices are prod, staging",
  ],
  ['freeze: an unknown flag', ['freeze', 'on', '--force'], 'dr freeze', "unknown option '--force'"],
  ['repo: no action', ['repo'], 'dr repo', "missing required argument 'action'"],
  [
    'repo: an unknown action',
    ['repo', 'restore'],
    'dr repo',
    "value 'restore' is invalid for argument 'action'. Allowed choices are verify",
  ],
  [
    'repo verify: a malformed commit',
    ['repo', 'verify', '--commit', 'main'],
    'dr repo',
    "--commit must be a commit id (7 to 40 lowercase hex digits), got: 'main'",
  ],
  [
    'repo verify: a region outside the stage',
    ['repo', 'verify', '--region', 'eu-west-1', '--commit', 'abcdef1'],
    'dr repo',
    '--region eu-west-1 is not a region of stage prod',
  ],
])('fails when given %s: exit 2, the problem and the usage, no AWS call', async (_case, args, name, problem) => {
  const run = await dr(args);
  const [first = '', second = ''] = run.stderr.split('\n');
  expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  expect(first.startsWith(`${name}: `)).toBe(true);
  expect(first).toContain(problem);
  expect(second).toMatch(/^usage: dr/);
  expect(run.stderr).not.toMatch(CRASH);
});

test.each([[['freeze']], [['repo']]])('--help (%j) prints the usage on stdout and exits 0', async (args) => {
  const run = await dr([...args, '--help']);
  expect({ status: run.status, stderr: run.stderr, calls: run.calls }).toEqual({ status: 0, stderr: '', calls: [] });
  expect(run.stdout).toContain(`usage: dr ${args[0]} [options] <action>`);
});

test('fails when AWS fails: freeze check refuses the deploy (exit 1) and names the failed read of each region', async () => {
  const run = await dr(['freeze', 'check']);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('deploy REFUSED for stage prod: the deploy freeze could not be read');
  expect(run.stdout).toContain('ssm:GetParameter /async-toolformer/prod/deploy/freeze in us-east-1 failed');
  expect(run.stdout).toContain('ssm:GetParameter /async-toolformer/prod/deploy/freeze in us-west-2 failed');
  expect(run.stderr).not.toMatch(CRASH);
});

test('fails when AWS fails: freeze status shows the switches and the deploy roles as UNREADABLE, and exits 1', async () => {
  const run = await dr(['freeze', 'status']);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain(
    'us-east-1: UNREADABLE: ssm:GetParameter /async-toolformer/prod/deploy/freeze in us-east-1 failed',
  );
  expect(run.stdout).toContain(
    'deploy roles: UNREADABLE: ssm:GetParameter /async-toolformer/prod/deploy/freeze-guarded-roles',
  );
  expect(run.stderr).not.toMatch(CRASH);
});
