// The dr CLI as a process: every subcommand's bad input exits 2 with the usage and no AWS call, --help exits 0, and an AWS failure exits 1 naming the call.
import {
  CRASH,
  runProcess,
  startRecordingEndpoint,
  type RecordingEndpoint,
  type ScriptRun,
} from '../scripts/cli-harness';
import { STAGE_DEFAULTS } from '../../lib/config/stages';
import { STAGE_REGIONS } from '../../scripts/dr/stage';
import { useBundle } from './bundle';

const bundle = useBundle();
let endpoint: RecordingEndpoint;
beforeAll(async () => {
  endpoint = await startRecordingEndpoint();
});
afterAll(() => endpoint.close());
beforeEach(() => endpoint.requests.splice(0));

/** The bundle with every AWS call sent to the recording endpoint, one attempt each, and no terminal. */
async function dr(args: readonly string[]): Promise<ScriptRun> {
  const run = await runProcess(process.execPath, [bundle.path, ...args], {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_MAX_ATTEMPTS: '1',
    AWS_REGION: undefined,
    AWS_PROFILE: undefined,
  });
  return { ...run, calls: [...endpoint.requests] };
}

const SUBCOMMANDS = ['status', 'failover', 'failback'] as const;

test.each<[string, string[], string, string | RegExp]>([
  ['no command', [], 'dr', 'missing command: status, failover, failback, restore'],
  ['an unknown command', ['bogus'], 'dr', "unknown command 'bogus'"],
  ...SUBCOMMANDS.flatMap((command): [string, string[], string, string | RegExp][] => [
    [`${command}: an unknown flag`, [command, '--force'], `dr ${command}`, "unknown option '--force'"],
    [
      `${command}: an unknown stage`,
      [command, '--stage', 'dev'],
      `dr ${command}`,
      "argument 'dev' is invalid. Allowed choices are prod, staging",
    ],
    [
      `${command}: a malformed region`,
      [command, '--region', 'us west 2'],
      `dr ${command}`,
      "'us west 2' is not a region name",
    ],
    [
      `${command}: a region outside the stage`,
      [command, '--region', 'eu-west-1'],
      `dr ${command}`,
      '--region eu-west-1 is not a region of stage prod (us-east-1, us-west-2)',
    ],
    [
      `${command}: a flag without its value`,
      [command, '--region'],
      `dr ${command}`,
      "option '--region <region>' argument missing",
    ],
    [`${command}: an extra argument`, [command, 'now'], `dr ${command}`, "too many arguments for '" + command + "'"],
  ]),
  [
    'failback: to the secondary',
    ['failback', '--region', 'us-west-2'],
    'dr failback',
    'failback moves stage prod back to its primary us-east-1, not us-west-2',
  ],
  [
    'failover: a planned move to the primary',
    ['failover', '--planned', '--region', 'us-east-1'],
    'dr failover',
    'a planned move to the primary us-east-1 is the failback: use dr failback',
  ],
  [
    'failover: a reason over 200 characters',
    ['failover', '--region', 'us-west-2', '--reason', 'x'.repeat(201)],
    'dr failover',
    '--reason is longer than 200 characters',
  ],
])('fails when given %s: exit 2, the problem and the usage, no AWS call', async (_case, args, name, problem) => {
  const run = await dr(args);
  const [first = '', second = ''] = run.stderr.split('\n');
  expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  expect(first.startsWith(`${name}: `)).toBe(true);
  if (typeof problem === 'string') expect(first).toContain(problem);
  else expect(first).toMatch(problem);
  expect(second).toMatch(/^usage: dr/);
  expect(run.stderr).not.toMatch(CRASH);
});

test.each([[['failover', '--region', 'us-west-2']], [['failover']]])(
  'fails when an unplanned failover (%j) is not confirmed and there is no terminal: exit 2, no AWS call',
  async (args) => {
    const run = await dr(args);
    expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
    expect(run.stderr).toContain(
      'dr failover: an unplanned failover accepts data loss: confirm it interactively, or pass --yes',
    );
    expect(run.stderr).not.toMatch(CRASH);
  },
);

test.each([[[]], [['status']], [['failover', '--stage', 'dev', '--bogus']], [['failback', '-h']]])(
  '--help (%j plus --help) prints the usage on stdout and exits 0, whatever else is wrong',
  async (args) => {
    const run = await dr([...args, '--help']);
    expect({ status: run.status, stderr: run.stderr, calls: run.calls }).toEqual({ status: 0, stderr: '', calls: [] });
    expect(run.stdout).toMatch(/^usage: dr/);
    if (args[0]) expect(run.stdout).toContain(`usage: dr ${args[0]} [options]`);
  },
);

test('fails when AWS fails: failover exits 1 naming the failed call and what to do', async () => {
  const run = await dr(['failover', '--region', 'us-west-2', '--yes']);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(
    'dr failover failed: ssm:GetParameter /async-toolformer/prod/failover/state-machine-arn in us-west-2 failed',
  );
  expect(run.stderr).toContain('deploy the Automation stack of us-west-2 first');
  expect(run.stderr).not.toMatch(CRASH);
  expect(run.calls.length).toBeGreaterThan(0);
});

test('fails when no region answers and no --region is given: exit 1, asking for --region', async () => {
  const run = await dr(['status', '--json']);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(
    'ssm:GetParameter /async-toolformer/prod/failover/active-region in us-east-1 and us-west-2 failed',
  );
  expect(run.stderr).toContain('give --region explicitly');
  expect(run.stderr).not.toMatch(CRASH);
});

test('status shows every section it cannot read as UNKNOWN with the failed call, and exits 1', async () => {
  const run = await dr(['status', '--region', 'us-east-1', '--json']);
  expect(run.status).toBe(1);
  const report = JSON.parse(run.stdout) as {
    unknown: string[];
    sections: Record<string, { state: string; reason?: string }>;
  };
  expect(report.unknown).toHaveLength(10);
  expect(report.sections.writer?.reason).toContain(
    'rds:DescribeGlobalClusters async-toolformer-prod-global in us-east-1 failed',
  );
  expect(report.sections.fence?.reason).toContain(
    'cloudwatch:DescribeAlarms async-toolformer-prod-usw2-failover-dns-fence in us-west-2 failed',
  );
});

test('the stage regions the CLI carries are the ones lib/config/stages.ts defines', () => {
  for (const [stage, regions] of Object.entries(STAGE_REGIONS)) {
    const config = STAGE_DEFAULTS[stage as keyof typeof STAGE_DEFAULTS];
    const byRole = Object.fromEntries(config.regions.map((region) => [region.role, region.region]));
    expect(regions).toEqual({ primary: byRole.primary, secondary: byRole.secondary });
  }
});

test('fails when the bundler is given an unknown flag: exit 2 with its usage, nothing built', async () => {
  const run = await runProcess(process.execPath, ['scripts/dr/build.mjs', '--out', 'x.cjs']);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^build-dr: Unknown option '--out'/);
  expect(run.stderr).toContain('usage: node scripts/dr/build.mjs');
  expect(run.stderr).not.toMatch(CRASH);
});

test.each<[string, string[], string]>([
  ['no action', ['secrets'], "missing required argument 'action'"],
  ['an unknown action', ['secrets', 'rotate'], 'Allowed choices are reset'],
  [
    'a grace that is not minutes',
    ['secrets', 'reset', '--client-grace', 'soon'],
    '--client-grace must be whole minutes from 0 to 240',
  ],
  ['a timeout of 0', ['secrets', 'reset', '--timeout', '0'], '--timeout must be whole minutes from 1 to 180'],
  [
    'a region outside the stage',
    ['secrets', 'reset', '--region', 'eu-west-1'],
    '--region eu-west-1 is not a region of stage prod',
  ],
  ['no confirmation and no terminal', ['secrets', 'reset'], 'confirm it interactively, or pass --yes'],
])('secrets reset fails when given %s: exit 2, the problem, no AWS call', async (_case, args, problem) => {
  const run = await dr(args);
  expect({ status: run.status, stdout: run.stdout, calls: run.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  const first = run.stderr.split('\n')[0] ?? '';
  expect(first.startsWith('dr secrets: ')).toBe(true);
  expect(first).toContain(problem);
  expect(run.stderr).not.toMatch(CRASH);
});

test('fails when AWS fails: secrets reset exits 1 naming the failed call, before anything rotates', async () => {
  const run = await dr(['secrets', 'reset', '--yes']);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(
    'dr secrets failed: secretsmanager:DescribeSecret async-toolformer/prod/aurora/master in us-east-1 failed',
  );
  expect(run.calls.map((call) => JSON.stringify(call))).not.toContainEqual(expect.stringContaining('RotateSecret'));
  expect(run.stderr).not.toMatch(CRASH);
});
