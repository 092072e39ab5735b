// The longest gap between runs of one or more EventBridge crons: the backup interval an RPO is made of.
// Grammar: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Range {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTE: Range = { min: 0, max: 59 };
const HOUR: Range = { min: 0, max: 23 };
const DAY_OF_MONTH: Range = { min: 1, max: 31 };
const MONTH: Range = { min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: Range = { min: 1, max: 7, names: WEEKDAYS };

function value(token: string, range: Range, expression: string): number {
  const index = range.names?.indexOf(token.toUpperCase()) ?? -1;
  const number = index >= 0 ? range.min + index : Number(token);
  if (!Number.isInteger(number) || number < range.min || number > range.max) {
    throw new Error(`cannot read "${token}" in ${expression}`);
  }
  return number;
}

/** The values one field matches; `*` and `?` match the whole range. */
function expand(field: string, range: Range, expression: string): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [span = '', step = '1'] = item.split('/');
    const [low, high] =
      span === '*' || span === '?'
        ? [range.min, range.max]
        : span.includes('-')
          ? span.split('-').map((bound) => value(bound, range, expression))
          : [value(span, range, expression), step === '1' ? value(span, range, expression) : range.max];
    for (let v = low!; v <= high!; v += Number(step)) values.add(v);
  }
  return values;
}

/** One cron read: the seconds of the day it runs at, and the days it runs on. */
interface DailyRuns {
  /** Seconds after midnight UTC, ascending. */
  readonly offsets: readonly number[];
  runsOn(day: Date): boolean;
}

function dailyRuns(expression: string): DailyRuns {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) throw new Error(`${expression} is not a six-field EventBridge cron`);
  const [minuteField, hourField, domField, monthField, dowField] = fields as [string, string, string, string, string];
  if (/[LW#]/i.test(`${domField} ${dowField}`.replace(/\bWED\b/gi, ''))) {
    throw new Error(`${expression}: L, W and # days have no fixed interval; give the schedule plain days`);
  }
  const minutes = [...expand(minuteField, MINUTE, expression)];
  const hours = [...expand(hourField, HOUR, expression)];
  const months = expand(monthField, MONTH, expression);
  const daysOfMonth = domField === '?' ? undefined : expand(domField, DAY_OF_MONTH, expression);
  const daysOfWeek = dowField === '?' ? undefined : expand(dowField, DAY_OF_WEEK, expression);
  return {
    offsets: hours.flatMap((hour) => minutes.map((minute) => hour * 3600 + minute * 60)).sort((a, b) => a - b),
    runsOn: (day) =>
      months.has(day.getUTCMonth() + 1) &&
      (!daysOfMonth || daysOfMonth.has(day.getUTCDate())) &&
      (!daysOfWeek || daysOfWeek.has(day.getUTCDay() + 1)),
  };
}

/** The runs of one day of the crons that run on it: first, last, how many, and the longest gap between them. */
interface DaySummary {
  readonly first: number;
  readonly last: number;
  readonly count: number;
  readonly innerGap: number;
}

function summarize(offsets: readonly number[]): DaySummary {
  let innerGap = 0;
  for (let index = 1; index < offsets.length; index += 1) {
    innerGap = Math.max(innerGap, offsets[index]! - offsets[index - 1]!);
  }
  return { first: offsets[0]!, last: offsets[offsets.length - 1]!, count: offsets.length, innerGap };
}

/**
 * The longest time between two consecutive runs of any of `expressions`, in seconds, over two whole
 * years (so months of every length and both weekday alignments are seen). A backup taken on these
 * schedules is at most this old when it is needed. The year field is ignored.
 *
 * Walks the days, not the runs: a cron every minute has a million runs in two years, and listing
 * them took seconds of every synth. A day's runs are the union of the matching crons' offsets,
 * summarized once per combination of crons.
 * @example longestGap(['cron(0 2 * * ? *)']) === 86400
 */
export function longestGap(expressions: readonly string[]): number {
  if (expressions.length === 0) return Infinity;
  const crons = expressions.map(dailyRuns);
  const summaries = new Map<string, DaySummary>();
  const to = Date.UTC(2029, 0, 1);
  let previousRun: number | undefined;
  let runs = 0;
  let gap = 0;
  for (const day = new Date(Date.UTC(2027, 0, 1)); day.getTime() < to; day.setUTCDate(day.getUTCDate() + 1)) {
    const matching = crons.flatMap((cron, index) => (cron.runsOn(day) ? [index] : []));
    if (matching.length === 0) continue;
    const key = matching.join(',');
    let summary = summaries.get(key);
    if (!summary) {
      const offsets = [...new Set(matching.flatMap((index) => crons[index]!.offsets))].sort((a, b) => a - b);
      summary = summarize(offsets);
      summaries.set(key, summary);
    }
    const midnight = day.getTime() / 1000;
    if (previousRun !== undefined) gap = Math.max(gap, midnight + summary.first - previousRun);
    gap = Math.max(gap, summary.innerGap);
    previousRun = midnight + summary.last;
    runs += summary.count;
  }
  return runs < 2 ? Infinity : gap;
}
