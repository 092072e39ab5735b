// Validates EventBridge cron expressions (six fields, UTC) so a bad schedule fails at synth, not at deploy.
// Grammar: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted in place of numbers; index 0 maps to `min`. */
  readonly names?: readonly string[];
  /** Extra single-item forms this field accepts (L, W, #). */
  readonly special?: RegExp;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: WEEKDAYS,
    special: /^(L|[1-7]L|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5])$/,
  },
  { name: 'year', min: 1970, max: 2199 },
];

function parseValue(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    return value >= spec.min && value <= spec.max ? value : undefined;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  return index >= 0 ? spec.min + index : undefined;
}

function fieldError(item: string, spec: FieldSpec): string | undefined {
  if (spec.special?.test(item.toUpperCase())) return undefined;
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || range === undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step "${step}" must be a positive integer`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `"${range}" is not a value or a range`;
  const values = bounds.map((bound) => parseValue(bound, spec));
  if (values.some((value) => value === undefined)) {
    return `"${range}" is outside ${spec.min}-${spec.max}${spec.names ? ` (or ${spec.names[0]}-${spec.names[spec.names.length - 1]})` : ''}`;
  }
  return undefined;
}

/**
 * Returns why `expression` is not a valid EventBridge cron expression, or `undefined` when it is.
 * @example cronError('cron(0 2 * * ? *)') === undefined
 */
export function cronError(expression: string): string | undefined {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match?.[1]) return 'must have the form cron(minutes hours day-of-month month day-of-week year)';
  const parts = match[1].trim().split(/\s+/);
  if (parts.length !== FIELDS.length) return `has ${parts.length} fields, EventBridge cron needs ${FIELDS.length}`;
  const [, , dayOfMonth, , dayOfWeek] = parts;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month and day-of-week must be "?"';
  }
  for (const [index, spec] of FIELDS.entries()) {
    const field = parts[index] as string;
    if (field === '?' && (spec.name === 'day-of-month' || spec.name === 'day-of-week')) continue;
    for (const item of field.split(',')) {
      const problem = fieldError(item, spec);
      if (problem) return `${spec.name} field ${problem}`;
    }
  }
  return undefined;
}
