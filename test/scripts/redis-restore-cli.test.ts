// The Redis restore's command line: every bad input exits 2 with the problem and the usage, before any AWS call.
import { join } from 'node:path';
import { HelpRequested, UsageError } from '../../scripts/lib/cli-args.cjs';
import { parseRestoreArgs } from '../../scripts/redis/restore-from-backup';
import {
  ROOT,
  expectBadInput,
  expectHelp,
  runProcess,
  startRecordingEndpoint,
  type RecordingEndpoint,
} from './cli-harness';

const SCRIPT = join(ROOT, 'scripts/redis/restore-from-backup.sh');
const NO_REGION = {};

test.each<[string, string[], Record<string, string>, RegExp | string]>([
  ['no arguments', [], NO_REGION, 'missing latest|<object key>'],
  [
    'a region outside the stage',
    ['latest', '--region', 'eu-west-1'],
    NO_REGION,
    '--region "eu-west-1" is not a region of stage prod (us-east-1, us-west-2)',
  ],
  [
    'a malformed region',
    ['latest', '--region', 'us west 2'],
    NO_REGION,
    '--region "us west 2" is not a region of stage prod',
  ],
  ['an empty region', ['latest', '--region', ''], NO_REGION, 'give --region'],
  [
    'an unknown stage',
    ['latest', '--region', 'us-west-2', '--stage', 'dev'],
    NO_REGION,
    '--stage "dev" is not one of prod, staging',
  ],
  ['an unknown flag', ['latest', '--region', 'us-west-2', '--force'], NO_REGION, "Unknown option '--force'"],
  ['a flag without its value', ['latest', '--region'], NO_REGION, "Option '--region <value>' argument missing"],
  [
    'the next flag as a value',
    ['latest', '--region', '--stage', 'prod'],
    NO_REGION,
    "Option '--region' argument is ambiguous",
  ],
  [
    'a value for --dry-run',
    ['latest', '--region', 'us-west-2', '--dry-run=yes'],
    NO_REGION,
    "Option '--dry-run' does not take an argument",
  ],
  ['an extra argument', ['latest', 'now', '--region', 'us-west-2'], NO_REGION, "unexpected argument 'now'"],
  [
    'an s3:// URL for the key',
    ['s3://bucket/daily/a.rdb', '--region', 'us-west-2'],
    NO_REGION,
    'without s3://<bucket>/',
  ],
  [
    'a key that is no .rdb',
    ['daily/notes.txt', '--region', 'us-west-2'],
    NO_REGION,
    'the object key of an .rdb export, got: daily/notes.txt',
  ],
  [
    'an invalid group id',
    ['latest', '--region', 'us-west-2', '--id', 'Restored_Group'],
    NO_REGION,
    '--id: replication group id must be 2-40 lower-case letters',
  ],
  ['a group id with a double hyphen', ['latest', '--region', 'us-west-2', '--id', 'atf--x'], NO_REGION, 'got: atf--x'],
])('fails when given %s', (_label, args, _env, problem) => {
  expect(() => parseRestoreArgs(args)).toThrow(UsageError);
  expect(() => parseRestoreArgs(args)).toThrow(problem);
});

test("reads the plan's command and its options; without --region the region is left to the writer's", () => {
  expect(parseRestoreArgs(['latest'])).toEqual({ backup: 'latest', stage: 'prod', dryRun: false });
  expect(
    parseRestoreArgs(['daily/a.rdb', '--stage', 'staging', '--region', 'us-east-1', '--id', 'atf-x', '--dry-run']),
  ).toEqual({
    backup: 'daily/a.rdb',
    region: 'us-east-1',
    stage: 'staging',
    replicationGroupId: 'atf-x',
    dryRun: true,
  });
});

test.each([[['--help']], [['-h']], [['latest', '--bogus', '-h']]])('%j asks for the usage', (args) => {
  expect(() => parseRestoreArgs(args)).toThrow(HelpRequested);
});

describe('restore-from-backup.sh, as a process', () => {
  let endpoint: RecordingEndpoint;
  let control: RecordingEndpoint;
  beforeAll(async () => {
    [endpoint, control] = await Promise.all([startRecordingEndpoint(), startRecordingEndpoint()]);
  });
  afterAll(() => Promise.all([endpoint.close(), control.close()]));

  /** The script with every AWS call sent to a recording endpoint, and credentials that would sign one. */
  const run = (args: string[], to = endpoint) =>
    runProcess('bash', [SCRIPT, ...args], {
      AWS_ENDPOINT_URL: to.url,
      AWS_MAX_ATTEMPTS: '1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: undefined,
      AWS_PROFILE: undefined,
    });

  test('--help prints the usage; bad input exits 2 with the problem and the usage; no AWS call', async () => {
    // Side by side: each process pays tsx's start-up (about a second).
    const [help, extra, unknown, region, good, writer] = await Promise.all([
      run(['--help']),
      run(['latest', 'now', '--region', 'us-west-2']),
      run(['latest', '--region', 'us-west-2', '--bogus']),
      run(['latest', '--region', 'eu-west-1', '--dry-run']),
      // The control: good input does reach the endpoint, so an empty record means no call was made.
      run(['latest', '--region', 'us-west-2', '--dry-run'], control),
      // The plan's exact command: no --region, so the writer's region is read first (and fails here).
      run(['latest', '--dry-run'], control),
    ]);
    expectHelp(help, 'restore-from-backup.sh latest|<object key> [--region <region>]');
    expectBadInput(extra, 'restore-from-backup', "unexpected argument 'now'");
    expectBadInput(unknown, 'restore-from-backup', "Unknown option '--bogus'");
    expectBadInput(region, 'restore-from-backup', '--region "eu-west-1" is not a region of stage prod');
    expect(endpoint.requests).toEqual([]);
    expect(good.status).toBe(1);
    expect(good.stderr).toMatch(/^restore failed: /m);
    expect(writer.status).toBe(1);
    expect(writer.stderr).toContain(
      'restore-from-backup: ssm:GetParameter /async-toolformer/prod/failover/active-region in us-east-1 and us-west-2 failed',
    );
    expect(writer.stderr).toContain('give --region explicitly');
    expect(writer.stderr).not.toMatch(/\n\s+at /);
    // The dry run's first read, and the two probes of the active-region parameter.
    expect(control.requests).toEqual(['POST /', 'POST /', 'POST /']);
  }, 60_000);
});
