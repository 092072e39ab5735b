// The ownership guard on its own: names the job generates, with the tag it set, and nothing else.
import { assertOwnedName, assertOwnedTarget, hasOwnerTag, NotOwnedTargetError, type Ownership } from './owned-target';

const groups: Ownership = {
  what: 'temporary replication group',
  prefix: 'atf-restore-test-',
  tag: { key: 'dr-restore-test', value: 'temporary' },
};
const snapshots: Ownership = {
  what: 'weekly snapshot',
  prefix: 'async-toolformer-prod-use1-weekly-',
  pattern: /^async-toolformer-prod-use1-weekly-\d{8}-\d{4}$/,
  tag: { key: 'dr-managed-by', value: 'weekly-full-backup' },
};

test.each([
  ['async-toolformer-prod-use1', groups],
  ['', groups],
  ['atf-restore-test-', groups],
  ['ATF-RESTORE-TEST-1', groups],
  ['atf-restore-test-1 ', groups],
  ['async-toolformer-prod-latest', snapshots],
  ['async-toolformer-prod-use1-weekly-20261129-0100-copy', snapshots],
  [42, groups],
  [undefined, groups],
])('fails when the name is %p', (name, ownership) => {
  expect(() => assertOwnedName(name, ownership)).toThrow(NotOwnedTargetError);
});

test.each([
  ['atf-restore-test-20261129-0600', groups],
  ['async-toolformer-prod-use1-weekly-20261129-0100', snapshots],
])('accepts the generated name %s', (name, ownership) => {
  expect(() => assertOwnedName(name, ownership)).not.toThrow();
});

test('fails when a right name lacks the tag, or carries it with another value', () => {
  const name = 'atf-restore-test-20261129-0600';
  expect(() => assertOwnedTarget(name, undefined, groups)).toThrow(/does not carry the tag/);
  expect(() => assertOwnedTarget(name, [{ Key: 'dr-restore-test', Value: 'x' }], groups)).toThrow(NotOwnedTargetError);
  expect(() => assertOwnedTarget(name, [{ Key: 'dr-restore-test', Value: 'temporary' }], groups)).not.toThrow();
});

test('the error names the target and the reason', () => {
  expect(() => assertOwnedName('async-toolformer-prod-use1', groups)).toThrow(
    expect.objectContaining({ target: 'async-toolformer-prod-use1', name: 'NotOwnedTargetError' }),
  );
  expect(hasOwnerTag([{ Key: 'dr-restore-test', Value: 'temporary' }], groups)).toBe(true);
});
