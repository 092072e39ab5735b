// The backup interval the model counts: the longest gap between runs of the export schedules.
import { longestGap } from '../../lib/recovery';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('longestGap', () => {
  test('a daily cron runs every 24 hours', () => {
    expect(longestGap(['cron(0 2 * * ? *)'])).toBe(DAY);
  });

  test('a daily and a weekly cron together are still at most a day apart', () => {
    expect(longestGap(['cron(0 2 * * ? *)', 'cron(0 1 ? * SUN *)'])).toBe(DAY);
  });

  test('a weekly cron runs every 7 days', () => {
    expect(longestGap(['cron(0 1 ? * SUN *)'])).toBe(7 * DAY);
  });

  test('a monthly cron counts the longest month', () => {
    expect(longestGap(['cron(0 5 1 * ? *)'])).toBe(31 * DAY);
  });

  test('steps, ranges and lists: every 6 hours on weekdays leaves the weekend gap', () => {
    // Friday 18:00 to Monday 00:00.
    expect(longestGap(['cron(0 0/6 ? * MON-FRI *)'])).toBe(2 * DAY + 6 * HOUR);
  });

  test('no schedule at all is unbounded', () => {
    expect(longestGap([])).toBe(Infinity);
  });

  test.each(['cron(0 2 L * ? *)', 'cron(0 2 ? * 2#1 *)', 'rate(1 day)', 'cron(0 2 * *)'])(
    'refuses what it cannot bound: %s',
    (expression) => {
      expect(() => longestGap([expression])).toThrow(expression);
    },
  );
});
