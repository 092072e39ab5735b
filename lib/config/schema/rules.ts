// Shared rule helpers of the config schema: integer ranges, UTC windows, CIDRs, crons and Duration bounds.
import { Duration, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { parseCidr, type Ipv4Block } from '../cidr';
import { cronError } from '../cron';
import { kindOf, report } from './sections';

/** A rule on a value of the right type: the test, and what is wrong and how to fix it when it fails. */
export type Rule<T> = readonly [ok: (value: T) => boolean, fix: string];

/** A string matching `pattern`. Unresolved tokens are skipped: their value is known only at deploy time. */
export function matches(pattern: RegExp, fix: string) {
  return z.string().refine((text) => Token.isUnresolved(text) || pattern.test(text), fix);
}

/** An integer from `min` to `max` inclusive; unresolved tokens are skipped. */
export function integer(min: number, max: number, fix: string) {
  return z.number().refine((n) => Token.isUnresolved(n) || (Number.isInteger(n) && n >= min && n <= max), fix);
}

/** A utilization threshold strictly between 0 and 100: at 0 its alarm always fires, at 100 never. */
export function percentage() {
  return z.number().refine((n) => n > 0 && n < 100, 'must be a percentage between 0 and 100');
}

/** A log retention of `aws-logs`; any other number is refused by CloudWatch Logs. */
export function retentionDays() {
  return z.enum(RetentionDays, { error: 'use a RetentionDays value, such as RetentionDays.ONE_YEAR' });
}

// --- Durations ----------------------------------------------------------------------------------

// Duration's constructor is private, which z.instanceof's signature refuses; the check is the same.
const DurationClass = Duration as unknown as new () => Duration;

const millis = (d: Duration): number => d.toMilliseconds({ integral: false });
/** Whether `d` is a whole number of seconds: CloudFormation and CDK take no finer durations. */
const isWholeSeconds = (d: Duration): boolean => Number.isInteger(millis(d) / 1000);

/** The message of a value that is not a Duration: zod's own for `instanceof` is "Invalid input". */
function durationError(issue: { readonly input?: unknown }): string {
  const expected = 'a Duration, such as Duration.minutes(5)';
  return issue.input === undefined ? `missing; give ${expected}` : `must be ${expected}, got ${kindOf(issue.input)}`;
}

/**
 * A `Duration` of whole seconds that passes every rule. Rules are skipped for unresolved tokens and
 * for a Duration with a fraction of a second, which is reported once on its own: CDK throws on it
 * when it converts the Duration to seconds, so synth would end in a stack trace. Each rule compares
 * in fractional units, so no rule throws on a Duration that does not convert to whole minutes or days.
 */
export function duration(...rules: readonly Rule<Duration>[]) {
  return rules.reduce(
    (schema, [ok, fix]) => schema.refine((value) => value.isUnresolved() || !isWholeSeconds(value) || ok(value), fix),
    z
      .instanceof(DurationClass, { error: durationError })
      .refine(
        (value) => value.isUnresolved() || isWholeSeconds(value),
        'must be whole seconds: CloudFormation takes no fraction of a second; use Duration.seconds(n) or a larger unit',
      ),
  );
}

/** `d` in days, fractional. */
export const days = (d: Duration): number => d.toDays({ integral: false });
/** `d` in seconds, fractional. */
export const seconds = (d: Duration): number => d.toSeconds({ integral: false });
/** Whether `d` is longer than zero. */
export const isPositive = (d: Duration): boolean => millis(d) > 0;
/** Whether `d` is a whole number of days. */
export const isWholeDays = (d: Duration): boolean => Number.isInteger(days(d));
/** Whether a Duration is at least `min`. */
export const atLeast =
  (min: Duration) =>
  (d: Duration): boolean =>
    millis(d) >= millis(min);
/** Whether a Duration is from `min` to `max` inclusive. */
export const between =
  (min: Duration, max: Duration) =>
  (d: Duration): boolean =>
    millis(d) >= millis(min) && millis(d) <= millis(max);
/** For thresholds and limits whose only bound is that zero would mean none. */
export const POSITIVE: Rule<Duration> = [isPositive, 'must be positive'];
/** For settings CDK hands to AWS in whole days (retentions, lifecycle ages), where it throws on a part of a day. */
export const WHOLE_DAYS: Rule<Duration> = [
  isWholeDays,
  'must be whole days: AWS takes this setting in days; use Duration.days(n)',
];
/** For settings CDK hands on in whole minutes, where it throws on a part of a minute. */
export const WHOLE_MINUTES: Rule<Duration> = [
  (d) => Number.isInteger(seconds(d) / 60),
  'must be whole minutes; use Duration.minutes(n)',
];

// --- UTC windows ----------------------------------------------------------------------------------

/** `hh24:mi`, the time of day in AWS's window syntax. */
const TIME = '([01]\\d|2[0-3]):([0-5]\\d)';
const DAY = '(mon|tue|wed|thu|fri|sat|sun)';
const TIME_OF_DAY = new RegExp(`^${TIME}$`);
/** `ddd:hh24:mi-ddd:hh24:mi`, the weekly maintenance window of RDS and ElastiCache alike. */
const WEEKLY_WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);
const MINUTES_PER_DAY = 24 * 60;

/** A daily window as minutes after midnight UTC; `end` may be smaller than `start` when it wraps. */
export interface DailyWindow {
  readonly start: number;
  readonly end: number;
}

/** `hh24:mi` to minutes after midnight, or `undefined` when malformed. */
export function minutesOfDay(time: string): number | undefined {
  const match = TIME_OF_DAY.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** `hh24:mi-hh24:mi` to its minutes, or `undefined` when malformed. */
export function parseDailyWindow(window: string): DailyWindow | undefined {
  const [start, end, ...rest] = window.split('-').map(minutesOfDay);
  return start === undefined || end === undefined || rest.length > 0 ? undefined : { start, end };
}

/** Minutes from `from` forward to `to`, across midnight when needed. */
export function minutesUntil(from: number, to: number): number {
  return (to - from + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** `minutes` after midnight as `hh24:mi`. */
export function timeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A daily window `hh24:mi-hh24:mi` in UTC that passes every rule; rules see only well-formed windows. */
export function dailyWindow(example: string, ...rules: readonly Rule<DailyWindow>[]) {
  return rules.reduce(
    (schema, [ok, fix]) =>
      schema.refine((text) => {
        const window = parseDailyWindow(text);
        return window === undefined || ok(window);
      }, fix),
    z
      .string()
      .refine(
        (text) => Token.isUnresolved(text) || parseDailyWindow(text) !== undefined,
        `must be hh24:mi-hh24:mi in UTC, for example ${example}`,
      ),
  );
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A weekly window as minutes after Monday 00:00 UTC; `end` is after `start`, past the week's end when it wraps. */
export interface WeeklyWindow {
  readonly start: number;
  readonly end: number;
}

/** `ddd:hh24:mi-ddd:hh24:mi` to its minutes, or `undefined` when malformed. */
export function parseWeeklyWindow(window: string): WeeklyWindow | undefined {
  const match = WEEKLY_WINDOW.exec(window);
  if (!match) return undefined;
  const at = (day: string, hours: string, minutes: string): number =>
    DAYS.indexOf(day) * MINUTES_PER_DAY + Number(hours) * 60 + Number(minutes);
  const start = at(match[1]!, match[2]!, match[3]!);
  const end = at(match[4]!, match[5]!, match[6]!);
  return { start, end: end > start ? end : end + MINUTES_PER_WEEK };
}

/** Whether a weekly window and a window that recurs daily share a minute. */
export function overlapsDaily(weekly: WeeklyWindow, daily: DailyWindow): boolean {
  const length = minutesUntil(daily.start, daily.end);
  // Each day's occurrence, in this week and the next, against the weekly window (which may run past the week).
  return Array.from({ length: 14 }, (_, day) => day * MINUTES_PER_DAY + daily.start).some(
    (start) => start < weekly.end && weekly.start < start + length,
  );
}

/** A weekly window `ddd:hh24:mi-ddd:hh24:mi` in UTC, days in lower case, that passes every rule. */
export function weeklyWindow(example: string, ...rules: readonly Rule<WeeklyWindow>[]) {
  return rules.reduce(
    (schema, [ok, fix]) =>
      schema.refine((text) => {
        const window = Token.isUnresolved(text) ? undefined : parseWeeklyWindow(text);
        return window === undefined || ok(window);
      }, fix),
    matches(
      WEEKLY_WINDOW,
      `must be ddd:hh24:mi-ddd:hh24:mi in UTC, with a lower-case day (mon to sun), for example ${example}`,
    ),
  );
}

// --- Networks and schedules ---------------------------------------------------------------------

/** An IPv4 network in CIDR form with no host bits set, that passes every rule on its parsed block. */
export function ipv4Cidr(fix: string, ...rules: readonly Rule<Ipv4Block>[]) {
  return rules.reduce(
    (schema, [ok, ruleFix]) =>
      schema.refine((text) => {
        const block = parseCidr(text);
        return block === undefined || ok(block);
      }, ruleFix),
    z.string().refine((text) => parseCidr(text) !== undefined, fix),
  );
}

/** An EventBridge cron expression (six fields, UTC); the message says which field is wrong. */
export function eventBridgeCron() {
  return z.string().superRefine((expression, ctx) => {
    const problem = Token.isUnresolved(expression) ? undefined : cronError(expression);
    if (problem) {
      report(
        ctx,
        [],
        expression,
        `invalid EventBridge cron: ${problem}; for example cron(0 2 * * ? *) runs daily at 02:00 UTC`,
      );
    }
  });
}
