// Bad game day settings fail at synth, each naming the field and the fix.
import { Duration } from 'aws-cdk-lib';
import {
  ConfigValidationError,
  loadConfig,
  validateConfig,
  type DrConfig,
  type GameDaysConfig,
} from '../../lib/config';

const prod = loadConfig({ stage: 'prod' });
const staging = loadConfig({ stage: 'staging' });
const withGameDays = (config: DrConfig, changes: Partial<Record<keyof GameDaysConfig, unknown>>): DrConfig =>
  ({ ...config, gameDays: { ...config.gameDays, ...changes } }) as DrConfig;

function problems(config: DrConfig): string[] {
  try {
    validateConfig(config);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.message.split('\n').filter((line) => line.includes('gameDays'));
  }
}

test('the defaults run game days in staging and not in prod', () => {
  expect(staging.gameDays.enabled).toBe(true);
  expect(prod.gameDays.enabled).toBe(false);
});

test.each([
  [
    'an hour of 24',
    staging,
    { hour: 24 },
    /gameDays\.hour = 24: give the hour \(UTC\) the game days start at, 0 to 23/,
  ],
  ['a minute of 7.5', staging, { minute: 7.5 }, /gameDays\.minute = 7\.5: give the minute .*0 to 59/],
  ['an hour as text', staging, { hour: '15' }, /gameDays\.hour = "15": must be a number/],
  [
    'a 5-minute approval timeout',
    staging,
    { approvalTimeout: Duration.minutes(5) },
    /gameDays\.approvalTimeout .*from 15 minutes to 24 hours/,
  ],
  [
    'a 2-hour acknowledgement window',
    staging,
    { acknowledgeWithin: Duration.hours(2) },
    /gameDays\.acknowledgeWithin .*from 1 to 60 minutes/,
  ],
  ['a 7-day grace', staging, { resultGrace: Duration.days(7) }, /gameDays\.resultGrace .*from 6 hours to 6 days/],
  [
    'a warm-up manifest outside warm-up/',
    staging,
    { warmUpManifest: 'exports/manifest.json' },
    /gameDays\.warmUpManifest = "exports\/manifest\.json": give an object key under warm-up\/ of the cache backup bucket/,
  ],
  [
    'a warm-up manifest that is a folder',
    staging,
    { warmUpManifest: 'warm-up/day/' },
    /gameDays\.warmUpManifest .*not ending in \//,
  ],
  [
    'no test contact',
    staging,
    { testContacts: [] },
    /gameDays\.testContacts .*give at least one subscription of the test contact/,
  ],
  [
    'a test contact email that is no address',
    staging,
    { testContacts: [{ protocol: 'email', endpoint: 'nobody' }] },
    /gameDays\.testContacts\[0\]\.endpoint = "nobody": use an email address for email/,
  ],
  [
    'prod enabled with a grace no longer than the approval timeout',
    prod,
    { enabled: true, resultGrace: Duration.hours(6), approvalTimeout: Duration.hours(8) },
    /gameDays\.resultGrace .*must be longer than approvalTimeout \(8 hours\)/,
  ],
] as const)('fails at synth on %s, naming the field and the fix', (_name, base, changes, message) => {
  const found = problems(withGameDays(base, changes));
  expect(found).toEqual([expect.stringMatching(message)]);
});

test('fails at synth without the gameDays section, pointing at the defaults', () => {
  const rest = Object.fromEntries(Object.entries(staging).filter(([key]) => key !== 'gameDays'));
  expect(problems(rest as unknown as DrConfig)).toEqual([
    expect.stringMatching(/gameDays.*section missing.*lib\/config\/stages\.ts/),
  ]);
});
