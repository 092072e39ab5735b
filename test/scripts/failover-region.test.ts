// The failover CLI's input checks, against a stand-in aws CLI that records every call: bad input never reaches AWS.
import { resolve } from 'node:path';
import { STAGES, loadConfig } from '../../lib/config';
import { parameters } from '../../lib/naming';
import { CRASH, expectBadInput, expectHelp, useFakeAws } from './cli-harness';

const SCRIPT = resolve(__dirname, '../../scripts/disaster-recovery/failover-region.sh');
const STATE_MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:fake';
const EXECUTION = 'arn:aws:states:us-west-2:123456789012:execution:fake:run';

/**
 * An `aws` that writes its arguments, one call a line, and answers like the real CLI with --output
 * text. A run's status is SUCCEEDED unless FAKE_AWS_RUN_STATUS says otherwise; its history has two
 * exited states, 5 and 42 seconds after the start. The active-region parameter names
 * FAKE_AWS_ACTIVE_REGION; writing it fails when FAKE_AWS_PUT_ERROR is set.
 */
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_AWS_LOG"
case " $* " in
  *" ssm get-parameter --name /async-toolformer/"*"/failover/active-region "*) echo "\${FAKE_AWS_ACTIVE_REGION:-}" ;;
  *" ssm put-parameter "*)
    [ -z "\${FAKE_AWS_PUT_ERROR:-}" ] || { echo "$FAKE_AWS_PUT_ERROR" >&2; exit 254; }
    echo 7 ;;
  *" ssm get-parameter "*)
    [ -z "\${FAKE_AWS_SSM_ERROR:-}" ] || { echo "$FAKE_AWS_SSM_ERROR" >&2; exit 254; }
    echo '${STATE_MACHINE}' ;;
  *" stepfunctions start-execution "*) echo '${EXECUTION}' ;;
  *" describe-execution "*"--query startDate "*) echo '2026-11-28T10:00:00.000000+00:00' ;;
  *" describe-execution "*"--query status "*) echo "\${FAKE_AWS_RUN_STATUS:-SUCCEEDED}" ;;
  *" describe-execution "*) printf 'States.TaskFailed\\tpromote rejected\\n' ;;
  *" get-execution-history "*)
    printf '2026-11-28T10:00:05.000000+00:00\\tAcquireLock\\n2026-11-28T10:00:42.000000+00:00\\tPromote\\n' ;;
  *" cloudwatch describe-alarms "*) printf 'async-toolformer-prod-usw2-failover-probe\\tALARM\\n' ;;
  *) echo "fake aws: unexpected call: $*" >&2; exit 255 ;;
esac
`;

const aws = useFakeAws('failover-cli-', FAKE_AWS);

function run(args: string[], env: Record<string, string> = {}) {
  return aws.run(SCRIPT, args, { FAILOVER_POLL_SECONDS: '0', ...env });
}

test.each([['--help'], ['-h'], ['--from', 'us-east-1', '--bogus', '--help']])(
  '%s prints the usage on stdout and exits 0, before any AWS call',
  (...args) => expectHelp(run(args), 'failover-region.sh --from <region> --to <region>'),
);

const TO_SECONDARY = ['--from', 'us-east-1', '--to', 'us-west-2'];

test.each<[string, string[], RegExp | string, Record<string, string>?]>([
  ['no arguments', [], '--from and --to are required'],
  ['no --to', ['--from', 'us-east-1'], '--from and --to are required'],
  ['no --from', ['--to', 'us-west-2'], '--from and --to are required'],
  ['a flag instead of a value', ['--from', '--to', 'us-west-2'], '--from needs a value'],
  ['an empty value', ['--from', '', '--to', 'us-west-2'], '--from needs a value'],
  ['a flag with no value at the end', ['--from', 'us-east-1', '--to'], '--to needs a value'],
  ['--flag=value', ['--from=us-east-1', '--to', 'us-west-2'], 'unknown argument: --from=us-east-1'],
  ['the same region twice', ['--from', 'us-west-2', '--to', 'us-west-2'], '--from and --to are both us-west-2'],
  [
    'a region outside the pair',
    ['--from', 'us-east-1', '--to', 'eu-west-1'],
    /--to eu-west-1 is not a region of stage prod \(us-east-1, us-west-2\)/,
  ],
  ['a malformed region', ['--from', 'us-east-1', '--to', 'US_WEST_2'], '--to US_WEST_2 is not a region of stage prod'],
  [
    'a --from outside the pair',
    ['--from', 'us-east-2', '--to', 'us-west-2', '--stage', 'staging'],
    '--from us-east-2 is not a region of stage staging',
  ],
  ['an unknown stage', [...TO_SECONDARY, '--stage', 'dev'], "unknown stage 'dev'; use prod or staging"],
  ['an unknown argument', [...TO_SECONDARY, '--force'], 'unknown argument: --force'],
  ['an extra positional argument', [...TO_SECONDARY, 'now'], 'unknown argument: now'],
  ['a --reason with no text', [...TO_SECONDARY, '--yes', '--reason'], '--reason needs a value'],
  [
    'a --reason over 200 characters',
    [...TO_SECONDARY, '--yes', '--reason', 'x'.repeat(201)],
    '--reason is longer than 200 characters',
  ],
  [
    'a poll interval that is no number',
    [...TO_SECONDARY, '--yes'],
    "FAILOVER_POLL_SECONDS must be a number of seconds, got: '5s'",
    { FAILOVER_POLL_SECONDS: '5s' },
  ],
])('fails when given %s: exit 2, the problem and the usage, before any AWS call', (_label, args, problem, env = {}) => {
  expectBadInput(run(args, env), 'failover-region', problem);
});

test('takes a poll interval in fractions of a second, as the drill sets it', () => {
  const result = run([...TO_SECONDARY, '--dry-run'], { FAILOVER_POLL_SECONDS: '0.2' });
  expect(result.status).toBe(0);
});

test('fails on an unplanned failover with no terminal and no --yes: exit 2, nothing started', () => {
  const result = run(TO_SECONDARY);
  expect(result).toMatchObject({ status: 2, stdout: '', calls: [] });
  expect(result.stderr).toBe(
    'failover-region: an unplanned failover accepts data loss: confirm it interactively, or pass --yes\n',
  );
  expect(result.stderr).not.toMatch(CRASH);
});

describe.each(STAGES)('%s', (stage) => {
  const config = loadConfig({ stage });
  const pairs = config.regions.map((region) => [
    config.regions.find((other) => other !== region)!.region,
    region.region,
  ]);

  test.each(pairs)(
    'knows the stage region pair: --dry-run from %s to %s only reads the parameter there',
    (from, to) => {
      const result = run(['--from', from, '--to', to, '--stage', stage, '--dry-run']);
      expect(result.status).toBe(0);
      expect(result.calls).toHaveLength(2);
      expect(result.calls[0]).toBe(
        `--region ${to} ssm get-parameter --name ${parameters(config).failoverStateMachineArn} --query Parameter.Value --output text`,
      );
      expect(result.calls[1]).toMatch(new RegExp(`^--region ${to} cloudwatch describe-alarms `));
      expect(result.stderr).toContain(`dry run: would start ${STATE_MACHINE} in ${to}`);
      expect(result.stderr).toContain('failover-probe\tALARM');
    },
  );
});

test('an unplanned failover: activate in the --to region, wait, show each step, exit 0 once active', () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--yes', '--reason', 'use1 down since 03:10']);
  expect(result).toMatchObject({ status: 0, stdout: `${EXECUTION}\n` });
  expect(result.calls[1]).toMatch(
    new RegExp(
      `^--region us-west-2 stepfunctions start-execution --state-machine-arn ${STATE_MACHINE} ` +
        '--name activate-us-west-2-\\d{8}T\\d{6}Z-[0-9a-f]{6} --input \\{"action":"activate","requestedBy":"operator","operator":"[^"]*","reason":"use1 down since 03:10"\\} --query executionArn --output text$',
    ),
  );
  expect(result.stderr).toContain('  +  5s  AcquireLock\n  + 42s  Promote\n');
  expect(result.stderr).toContain('us-west-2 is active for stage prod (activate succeeded)');
});

const ACTIVE = '/async-toolformer/prod/failover/active-region';

test.each([
  ['us-east-1', 'us-west-2', 'switchover'],
  ['us-west-2', 'us-east-1', 'failback'],
])('--planned from %s to %s runs a %s in the secondary region, which owns the DNS fence', (from, to, action) => {
  const result = run(['--from', from, '--to', to, '--planned'], { FAKE_AWS_ACTIVE_REGION: to });
  expect(result.status).toBe(0);
  const start = result.calls.find((call) => call.includes('start-execution'))!;
  expect(start).toMatch(new RegExp(`^--region us-west-2 stepfunctions start-execution .* --name ${action}-${to}-`));
  expect(start).toContain(`"action":"${action}"`);
  // Every call goes to the secondary, except the last: the primary's active region, set as the run set the secondary's.
  const [last, ...before] = [...result.calls].reverse();
  for (const call of before) expect(call).toMatch(/^--region us-west-2 /);
  expect(before[0]).toBe(`--region us-west-2 ssm get-parameter --name ${ACTIVE} --query Parameter.Value --output text`);
  expect(last).toBe(
    `--region us-east-1 ssm put-parameter --name ${ACTIVE} --value ${to} --type String --overwrite --query Version --output text`,
  );
  expect(result.stderr).toContain(`${ACTIVE} names ${to} in us-west-2 and us-east-1`);
});

test('an unplanned run writes no active-region parameter: the lost region may not answer', () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--yes']);
  expect(result.status).toBe(0);
  expect(result.calls.filter((call) => call.includes('active-region'))).toEqual([]);
});

test("fails when the run's region names another region after a planned run, and writes nothing", () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--planned'], {
    FAKE_AWS_ACTIVE_REGION: 'us-east-1',
  });
  expect(result.status).toBe(1);
  expect(result.calls.some((call) => call.includes('put-parameter'))).toBe(false);
  expect(result.stderr).toContain(`${ACTIVE} in us-west-2 says 'us-east-1', not us-west-2`);
});

test("fails with the command to run when the other region's parameter cannot be written", () => {
  const result = run(['--from', 'us-west-2', '--to', 'us-east-1', '--planned'], {
    FAKE_AWS_ACTIVE_REGION: 'us-east-1',
    FAKE_AWS_PUT_ERROR: 'An error occurred (AccessDeniedException) when calling the PutParameter operation',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    `${ACTIVE} in us-east-1 still names the old region: aws ssm put-parameter --region us-east-1 --name ${ACTIVE} --value us-east-1 --type String --overwrite`,
  );
});

test('a run that fails exits 1 with its error and the runbook', () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--yes'], { FAKE_AWS_RUN_STATUS: 'FAILED' });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(
    /failover failed: the run ended FAILED: States\.TaskFailed\tpromote rejected\. Follow docs\/runbooks\/region-failover\.md/,
  );
});

test('AWS_ENDPOINT_URL reaches every call as --endpoint-url', () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--yes'], {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:5999',
  });
  expect(result.status).toBe(0);
  for (const call of result.calls)
    expect(call).toMatch(/^--region us-west-2 --endpoint-url http:\/\/127\.0\.0\.1:5999 /);
});

test('fails when the parameter cannot be read, and starts nothing', () => {
  const result = run(['--from', 'us-east-1', '--to', 'us-west-2', '--yes'], {
    FAKE_AWS_SSM_ERROR: 'An error occurred (AccessDeniedException) when calling the GetParameter operation',
  });
  expect(result.status).toBe(1);
  expect(result.calls).toHaveLength(1);
  expect(result.stderr).toMatch(
    /failover failed: could not read \/async-toolformer\/prod\/failover\/state-machine-arn in us-west-2/,
  );
});
