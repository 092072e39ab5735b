// Settings and scheduled payloads: what a function refuses before it touches AWS.
import { MissingEnvironmentError, requireEnv, requirePositiveInteger } from './env';
import { MalformedEventError, parseScheduledInvocation } from './scheduled-event';

test('reads a present variable and refuses a missing or blank one', () => {
  expect(requireEnv('A', { A: 'x' })).toBe('x');
  expect(() => requireEnv('A', {})).toThrow(MissingEnvironmentError);
  expect(() => requireEnv('A', { A: '  ' })).toThrow('environment variable A is not set');
});

test.each(['abc', '-5', '0', '1.5'])('refuses %p as a positive whole number', (value) => {
  expect(() => requirePositiveInteger('MAX_AGE', { MAX_AGE: value })).toThrow(
    /MAX_AGE must be a positive whole number/,
  );
});

test('reads a positive whole number', () => {
  expect(requirePositiveInteger('MAX_AGE', { MAX_AGE: '93600' })).toBe(93_600);
});

test.each([null, 'daily', [], {}, { schedule: 42 }, { schedule: 'weekly-full-backup' }])(
  'fails when the scheduled event is malformed (%p)',
  (event) => {
    expect(() => parseScheduledInvocation(event, ['daily-integrity-check'])).toThrow(MalformedEventError);
  },
);

test('accepts the payload of its own schedule', () => {
  expect(parseScheduledInvocation({ schedule: 'daily-integrity-check' }, ['daily-integrity-check'])).toEqual({
    schedule: 'daily-integrity-check',
  });
});
