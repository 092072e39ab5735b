// Config validation of objectLock: prod refuses governance, retentions are whole days in range and end before the lifecycle deletes.
import { Duration, Lazy } from 'aws-cdk-lib';
import { configProblems, loadConfig, type DrConfig, type ObjectLockConfig } from '../../lib/config';

const prod = loadConfig({ stage: 'prod' });
const staging = loadConfig({ stage: 'staging' });

function withLock(config: DrConfig, changes: Partial<Record<keyof ObjectLockConfig, unknown>>): DrConfig {
  return { ...config, objectLock: { ...config.objectLock, ...changes } } as DrConfig;
}

/** The problems on `objectLock.*` and the lifecycle fields, as `field = value: fix`. */
function lockProblems(config: DrConfig): string[] {
  return configProblems(config).map((p) => `${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`);
}

test('the defaults lock prod in compliance mode and staging in governance mode', () => {
  expect(prod.objectLock).toEqual({
    mode: 'compliance',
    cacheBackupRetention: Duration.days(35),
    iacBackupRetention: Duration.days(90),
  });
  expect(staging.objectLock.mode).toBe('governance');
  expect(configProblems(prod)).toEqual([]);
  expect(configProblems(staging)).toEqual([]);
});

test('fails when prod uses governance mode, naming the field and the fix', () => {
  expect(lockProblems(withLock(prod, { mode: 'governance' }))).toEqual([
    'objectLock.mode = "governance": prod locks its backups in compliance mode: a governance lock is lifted by anyone allowed s3:BypassGovernanceRetention; set mode "compliance"',
  ]);
});

test('staging may use either mode', () => {
  expect(configProblems(withLock(staging, { mode: 'compliance' }))).toEqual([]);
});

test.each([
  ['none', 'objectLock.mode = "none": use governance or compliance'],
  ['COMPLIANCE', 'objectLock.mode = "COMPLIANCE": use governance or compliance'],
])('fails when mode is %s', (mode, message) => {
  expect(lockProblems(withLock(staging, { mode }))).toEqual([message]);
});

const RANGE =
  'must be from 1 to 365 days: S3 needs at least 1, and a longer compliance lock is storage nobody can delete for years';

test.each([
  ['zero', Duration.days(0), `"0 days": ${RANGE}`],
  ['part of a day', Duration.hours(36), '"1 day 12 hours": S3 Object Lock keeps whole days; use Duration.days(n)'],
])('fails when cacheBackupRetention is %s', (_, retention, message) => {
  expect(lockProblems(withLock(staging, { cacheBackupRetention: retention }))).toEqual([
    `objectLock.cacheBackupRetention = ${message}`,
  ]);
});

test.each([
  ['missing', undefined, 'undefined: missing; give a Duration, such as Duration.minutes(5)'],
  ['a number', 7, '7: must be a Duration, such as Duration.minutes(5), got a number'],
])('fails when a retention is %s, naming the field and the fix', (_, value, message) => {
  expect(lockProblems(withLock(staging, { iacBackupRetention: value }))).toEqual([
    `objectLock.iacBackupRetention = ${message}`,
  ]);
});

test('fails when the section is missing, pointing at the defaults', () => {
  expect(lockProblems({ ...prod, objectLock: undefined } as unknown as DrConfig)).toEqual([
    'objectLock = undefined: section missing; give the S3 Object Lock settings of the backup buckets, as in lib/config/stages.ts',
  ]);
});

test('fails when a retention is over a year, whatever the lifecycle', () => {
  const config = withLock(prod, { iacBackupRetention: Duration.days(366) });
  const longLived = { ...config, automation: { ...config.automation, iacBackupRetention: Duration.days(400) } };
  expect(lockProblems(longLived)).toEqual([`objectLock.iacBackupRetention = "366 days": ${RANGE}`]);
});

test('fails when a cache export would stay locked past the lifecycle expiry', () => {
  const config = withLock(prod, { cacheBackupRetention: Duration.days(365) });
  const shorter = {
    ...config,
    cache: { ...config.cache, backupBucket: { ...config.cache.backupBucket, retention: Duration.days(300) } },
  };
  expect(lockProblems(shorter)).toEqual([
    'objectLock.cacheBackupRetention = "365 days": must not exceed cache.backupBucket.retention (300 days): the lifecycle could not delete a version still locked; shorten the lock or lengthen cache.backupBucket.retention',
  ]);
});

test('fails when an IaC backup would stay locked past its noncurrent-version life', () => {
  expect(lockProblems(withLock(prod, { iacBackupRetention: Duration.days(91) }))).toEqual([
    'objectLock.iacBackupRetention = "91 days": must not exceed automation.iacBackupRetention (90 days): the lifecycle could not delete a version still locked; shorten the lock or lengthen automation.iacBackupRetention',
  ]);
});

test('a lock equal to the lifecycle is coherent, and unresolved tokens are not judged', () => {
  expect(configProblems(withLock(prod, { iacBackupRetention: Duration.days(90) }))).toEqual([]);
  const token = Duration.days(Lazy.number({ produce: () => 400 }));
  expect(configProblems(withLock(prod, { cacheBackupRetention: token }))).toEqual([]);
});

test('a malformed lifecycle section reports itself and skips the cross-check rather than crash', () => {
  const config = {
    ...withLock(prod, { cacheBackupRetention: Duration.days(365) }),
    cache: 'no',
  } as unknown as DrConfig;
  const problems = configProblems(config);
  expect(problems.map((p) => p.field)).toEqual(['cache']);
});
