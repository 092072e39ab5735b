// docs/configuration.md says what the code does: every default it writes is the stage's, and every setting is there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { configProblems, loadConfig, validateConfig, type DrConfig, type RegionConfig } from '../../lib/config';

const DOC = 'docs/configuration.md';
const text = readFileSync(join(__dirname, '..', '..', DOC), 'utf8');
const stages = { prod: loadConfig({ stage: 'prod' }), staging: loadConfig({ stage: 'staging' }) };

/** Lists of rows, documented in prose and generated elsewhere, not field by field. */
const LISTED_ELSEWHERE = /^(objectives|schedules)\[/;
/** Lists of small objects that a row shows whole, one item after another. */
const WHOLE_LISTS = /^contacts\.\w+$/;

/** Rows of the field tables: `| \`path\` | prod | staging | validation |`. */
const rows = text
  .split('\n')
  .filter((line) => /^\| `[\w[\].]+` \|/.test(line))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  )
  .filter((cells) => cells.length === 4)
  .map(([field, prod, staging]) => ({ field: field!.slice(1, -1), prod: prod!, staging: staging! }));

/** The value at a documented path such as `regions[0].cidr`. */
function valueAt(config: DrConfig, field: string): unknown {
  return field
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

const RETENTION_NAMES = new Map(
  Object.entries(RetentionDays)
    .filter(([, days]) => typeof days === 'number')
    .map(([name, days]) => [days as number, `RetentionDays.${name}`]),
);

/** A value as the tables write it, in backticks. */
function rendered(field: string, value: unknown): string {
  const plain = (item: unknown): string => {
    if (item === undefined) return 'unset';
    if (item instanceof Duration) return item.toHumanString();
    if (Array.isArray(item)) return item.length === 0 ? '[]' : item.map(plain).join(', ');
    // A contact, as `sms +15550123`.
    if (typeof item === 'object' && item !== null && !(item instanceof Duration)) {
      return Object.values(item).map(plain).join(' ');
    }
    // Log retentions are the one number that is an enum: the doc writes the member's name.
    if (typeof item === 'number' && /(flowLog|data\.log)Retention$/.test(field)) return RETENTION_NAMES.get(item)!;
    return String(item);
  };
  return `\`${plain(value)}\``;
}

/** Every setting of `config`: leaves, lists of plain values as one setting, Durations whole. */
function settingsOf(value: unknown, at = ''): string[] {
  const isLeaf =
    value === null ||
    typeof value !== 'object' ||
    value instanceof Duration ||
    WHOLE_LISTS.test(at) ||
    (Array.isArray(value) && value.every((item) => typeof item !== 'object'));
  if (isLeaf) return [at];
  return Array.isArray(value)
    ? value.flatMap((item, index) => settingsOf(item, `${at}[${index}]`))
    : Object.entries(value).flatMap(([key, item]) => settingsOf(item, at ? `${at}.${key}` : key));
}

test('the doc has field tables', () => {
  expect(rows.length).toBeGreaterThan(50);
});

test.each(rows.map((row) => [row.field, row] as const))('%s holds the defaults of both stages', (field, row) => {
  expect({ prod: row.prod, staging: row.staging }).toEqual({
    prod: rendered(field, valueAt(stages.prod, field)),
    staging: rendered(field, valueAt(stages.staging, field)),
  });
});

test.each(Object.keys(stages) as (keyof typeof stages)[])('every setting of %s has a row', (stage) => {
  const documented = new Set(rows.map((row) => row.field));
  const settings = settingsOf(stages[stage]).filter((field) => !LISTED_ELSEWHERE.test(field));
  expect(settings.filter((field) => !documented.has(field))).toEqual([]);
});

test("the doc's example report is what validation says", () => {
  const [primary, secondary] = stages.prod.regions as [RegionConfig, RegionConfig];
  const config = {
    ...stages.prod,
    regions: [primary, { ...secondary, cidr: '10.10.128.0/17' }],
    automation: undefined,
  } as unknown as DrConfig;
  const example = /```text\n([\s\S]*?)\n```/.exec(text)?.[1];
  expect(configProblems(config)).toHaveLength(2);
  expect(() => validateConfig(config)).toThrow(expect.objectContaining({ message: example }));
});
