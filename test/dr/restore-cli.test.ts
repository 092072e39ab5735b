// dr restore db and dr restore cache in process: bad input exits 2 with the usage and no AWS call, --help of a nested command is its own, a refused AWS call exits 1 naming it.
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import type { Sdk } from '../../scripts/dr/aws';

const CRASH = /\n\s+at |TypeError|ReferenceError/;

/** An environment whose SDK records every module asked for and refuses to load it: any AWS call shows. */
function fakeEnv(options: { tty?: boolean } = {}) {
  const calls: string[] = [];
  // Each client's send refuses and is recorded, so an AWS call shows and fails as a real one would.
  const refusing = (service: string) => () => {
    class Client {
      send(command: object) {
        calls.push(`${service}:${command.constructor.name}`);
        return Promise.reject(new Error('AccessDenied (the test allows no call)'));
      }
      destroy() {}
    }
    const module = new Proxy(
      {},
      {
        get: (_target, name) =>
          name === 'then'
            ? undefined
            : String(name).endsWith('Client')
              ? Client
              : { [String(name)]: class {} }[String(name)],
      },
    );
    return Promise.resolve(module);
  };
  const sdk = {
    sfn: refusing('sfn'),
    ssm: refusing('ssm'),
    cloudwatch: refusing('cloudwatch'),
    rds: refusing('rds'),
    elasticache: refusing('elasticache'),
  } as unknown as Sdk;
  const captured = capturingCli({
    stdinIsTty: options.tty === true,
    ask: () => Promise.resolve('no'),
    sdk,
    pollMs: 0,
    now: () => new Date('2026-11-28T17:00:00Z'),
  });
  return { ...captured, calls };
}

test.each<[string, string[], string, string]>([
  ['restore: no subcommand', ['restore'], 'dr restore', 'missing command: db or cache'],
  ['restore: an unknown subcommand', ['restore', 'disk'], 'dr restore', "unknown command 'disk'"],
  ['db: an unknown flag', ['restore', 'db', '--force'], 'dr restore db', "unknown option '--force'"],
  ['db: an unknown stage', ['restore', 'db', '--stage', 'dev'], 'dr restore db', "argument 'dev' is invalid"],
  [
    'db: a region outside the stage',
    ['restore', 'db', '--region', 'eu-west-1'],
    'dr restore db',
    'not a region of stage prod',
  ],
  ['db: an extra argument', ['restore', 'db', 'now'], 'dr restore db', 'too many arguments'],
  [
    'db: a malformed time',
    ['restore', 'db', '--to-time', 'yesterday'],
    'dr restore db',
    '--to-time must be an ISO 8601 UTC time',
  ],
  [
    'db: a time not in the past',
    ['restore', 'db', '--to-time', '2027-01-01T00:00:00Z'],
    'dr restore db',
    'is not in the past',
  ],
  [
    'db: both a time and a snapshot',
    ['restore', 'db', '--to-time', '2026-11-28T10:00:00Z', '--snapshot', 's1'],
    'dr restore db',
    'give --to-time or --snapshot, not both',
  ],
  [
    'db: a malformed id',
    ['restore', 'db', '--region', 'us-west-2', '--id', 'Bad--Id'],
    'dr restore db',
    '--id: cluster identifier must be',
  ],
  [
    'cache: both a group and a backup',
    ['restore', 'cache', '--region', 'us-west-2', '--group', 'atf-prod-usw2-r202611280300', '--backup', 'k.rdb'],
    'dr restore cache',
    'give --backup or --group, not both',
  ],
  [
    'cache: a malformed group',
    ['restore', 'cache', '--region', 'us-west-2', '--group', 'Bad_Group'],
    'dr restore cache',
    '--group: replication group id must be',
  ],
  [
    'cache: a group a restore does not create',
    ['restore', 'cache', '--region', 'us-west-2', '--group', 'async-toolformer-prod-usw2'],
    'dr restore cache',
    '--group must start with atf-prod-usw2-r',
  ],
  [
    'db: an id outside the restored prefix',
    ['restore', 'db', '--region', 'us-west-2', '--id', 'async-toolformer-prod-use1'],
    'dr restore db',
    '--id must start with async-toolformer-prod-usw2-r',
  ],
  ['cache: an unknown flag', ['restore', 'cache', '--id', 'x'], 'dr restore cache', "unknown option '--id'"],
  [
    'cache: an s3 URL as the backup',
    ['restore', 'cache', '--backup', 's3://b/k.rdb'],
    'dr restore cache',
    '--backup must be latest',
  ],
  [
    'cache: a backup that is no .rdb',
    ['restore', 'cache', '--backup', 'k.txt'],
    'dr restore cache',
    '--backup must be latest',
  ],
  [
    'cache: a region outside the stage',
    ['restore', 'cache', '--region', 'eu-west-1'],
    'dr restore cache',
    'not a region of stage prod',
  ],
])('fails when given %s: exit 2, the problem and the usage, no AWS call', async (_case, args, name, problem) => {
  const io = fakeEnv();
  const status = await main(args, io.env);
  const [first = '', second = ''] = io.err().split('\n');
  expect({ status, stdout: io.out(), calls: io.calls }).toEqual({ status: 2, stdout: '', calls: [] });
  expect(first.startsWith(`${name}: `)).toBe(true);
  expect(first).toContain(problem);
  expect(second).toMatch(new RegExp(`^usage: ${name} `));
  expect(io.err()).not.toMatch(CRASH);
});

test.each([['db'], ['cache']])(
  'restore %s --switch without a terminal and without --yes: exit 2, no AWS call',
  async (what) => {
    const io = fakeEnv();
    const status = await main(['restore', what, '--region', 'us-west-2', '--switch'], io.env);
    expect({ status, calls: io.calls }).toEqual({ status: 2, calls: [] });
    expect(io.err()).toContain('--switch points the application at restored data');
  },
);

test.each<[string[], string]>([
  [['restore', '--help'], 'usage: dr restore [options] [command]'],
  [['restore', 'db', '--help'], 'usage: dr restore db [options]'],
  [['restore', 'cache', '--bogus', '-h'], 'usage: dr restore cache [options]'],
  [['restore', 'db', '--stage', 'dev', '--help'], 'usage: dr restore db [options]'],
])('%j prints that command’s usage on stdout and exits 0', async (args, usage) => {
  const io = fakeEnv();
  const status = await main(args, io.env);
  expect({ status, stderr: io.err(), calls: io.calls }).toEqual({ status: 0, stderr: '', calls: [] });
  expect(io.out().startsWith(usage)).toBe(true);
});

test('the top-level usage lists restore and its help lists db and cache', async () => {
  const top = fakeEnv();
  await main(['--help'], top.env);
  expect(top.out()).toMatch(/\n {2}restore /);
  const nested = fakeEnv();
  await main(['restore', '--help'], nested.env);
  expect(nested.out()).toMatch(/\n {2}db \[options\]/);
  expect(nested.out()).toMatch(/\n {2}cache \[options\]/);
});

test('an AWS failure exits 1 naming the failed call', async () => {
  const io = fakeEnv();
  const status = await main(['restore', 'db', '--region', 'us-west-2', '--dry-run'], io.env);
  expect(status).toBe(1);
  expect(io.err()).toContain(
    'dr restore db failed: ssm:GetParameter /async-toolformer/prod/backups/aurora/latest in us-west-2 failed',
  );
  expect(io.err()).toContain('no weekly Aurora backup has recorded -latest in us-west-2');
  expect(io.calls).toEqual(['ssm:GetParameterCommand']);
  expect(io.err()).not.toMatch(CRASH);
});
