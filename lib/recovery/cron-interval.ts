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

/** The run times of `expression` from `from` (inclusive) to `to` (exclusive), in epoch seconds. */
function runTimes(expression: string, from: Date, to: Date): number[] {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) throw new Error(`${expression} is not a six-field EventBridge cron`);
  const [minuteField, hourField, domField, monthField, dowField] = fields as [string, string, string, string, string];
  if (/[LW#]/i.test(`${domField} ${dowField}`.replace(/\bWED\b/gi, ''))) {
    throw new Error(`${expression}: L, W and # days have no fixed interval; give the schedule plain days`);
  }
  const minutes = [...expand(minuteField, MINUTE, expression)].sort((a, b) => a - b);
  const hours = [...expand(hourField, HOUR, expression)].sort((a, b) => a - b);
  const months = expand(monthField, MONTH, expression);
  const daysOfMonth = domField === '?' ? undefined : expand(domField, DAY_OF_MONTH, expression);
  const daysOfWeek = dowField === '?' ? undefined : expand(dowField, DAY_OF_WEEK, expression);

  const times: number[] = [];
  for (let day = new Date(from); day < to; day.setUTCDate(day.getUTCDate() + 1)) {
    if (!months.has(day.getUTCMonth() + 1)) continue;
    if (daysOfMonth && !daysOfMonth.has(day.getUTCDate())) continue;
    if (daysOfWeek && !daysOfWeek.has(day.getUTCDay() + 1)) continue;
    const midnight = day.getTime() / 1000;
    for (const hour of hours) for (const minute of minutes) times.push(midnight + hour * 3600 + minute * 60);
  }
  return times;
}

/**
 * The longest time between two consecutive runs of any of `expressions`, in seconds, over two whole
 * years (so months of every length and both weekday alignments are seen). A backup taken on these
 * schedules is at most this old when it is needed. The year field is ignored.
 * @example longestGap(['cron(0 2 * * ? *)']) === 86400
 */
export function longestGap(expressions: readonly string[]): number {
  if (expressions.length === 0) return Infinity;
  const from = new Date(Date.UTC(2027, 0, 1));
  const to = new Date(Date.UTC(2029, 0, 1));
  const times = [...new Set(expressions.flatMap((expression) => runTimes(expression, from, to)))].sort((a, b) => a - b);
  if (times.length < 2) return Infinity;
  let gap = 0;
  for (let index = 1; index < times.length; index += 1) gap = Math.max(gap, times[index]! - times[index - 1]!);
  return gap;
}
