// The Aurora sentinel row over the RDS Data API: the SQL that counts, writes and reads it, and the comparison of a restored copy with it.
import { ExecuteStatementCommand, type Field, type RDSDataClient } from '@aws-sdk/client-rds-data';
import { AURORA_COUNT_TOLERANCE, AURORA_SENTINEL, countTolerance } from '../../lib/contract';
import { describeCount, sentinelProblem, type CountComparison, type SentinelValue } from '../shared/sentinel';

/** Where the Data API runs a statement: a cluster (its writer), the secret it signs in with, and the database. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  /** The application's database (config `data.applicationDatabase`): without it the Data API uses the default. */
  readonly database: string;
}

/** The row the sentinel job writes and the restore test reads back. */
export interface SentinelRow extends SentinelValue {
  /** Exact row count of every other user table, by `schema.table`, at `writtenAt`. */
  readonly rowCounts: Readonly<Record<string, number>>;
}

const [SCHEMA, TABLE] = AURORA_SENTINEL.table.split('.') as [string, string];

/**
 * Exact row counts of every ordinary table outside the system schemas, in one statement (the Data
 * API runs one statement per call): `query_to_xml` runs a `count(*)` per table. Not the planner's
 * estimates (`pg_class.reltuples`, `pg_stat_user_tables`): those are restored with the catalog, so
 * a restored copy would agree with its source whatever its tables hold.
 */
export const COUNT_ROWS_SQL = `SELECT n.nspname || '.' || c.relname AS table_name,
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint AS row_count
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  AND NOT (n.nspname = '${SCHEMA}' AND c.relname = '${TABLE}')
ORDER BY 1`;

export const CREATE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS ${AURORA_SENTINEL.table} (
  id smallint PRIMARY KEY, written_at text NOT NULL, checksum text NOT NULL, row_counts jsonb NOT NULL)`;

export const UPSERT_SQL = `INSERT INTO ${AURORA_SENTINEL.table} (id, written_at, checksum, row_counts)
VALUES (:id, :writtenAt, :checksum, CAST(:rowCounts AS jsonb))
ON CONFLICT (id) DO UPDATE SET written_at = EXCLUDED.written_at, checksum = EXCLUDED.checksum, row_counts = EXCLUDED.row_counts`;

/** `to_regclass` answers NULL for a missing table instead of failing the statement. */
export const READ_SQL = `SELECT to_regclass('${AURORA_SENTINEL.table}') IS NOT NULL AS present`;
export const READ_ROW_SQL = `SELECT written_at, checksum, row_counts::text FROM ${AURORA_SENTINEL.table} WHERE id = :id`;

/** Thrown when the Data API answers in a shape these statements never produce: never read as a pass. */
export class UnexpectedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedAnswerError';
  }
}

async function execute(
  client: RDSDataClient,
  target: DataApiTarget,
  sql: string,
  parameters: Record<string, string | number> = {},
): Promise<Field[][]> {
  const { records } = await client.send(
    new ExecuteStatementCommand({
      ...target,
      sql,
      parameters: Object.entries(parameters).map(([name, value]) => ({
        name,
        value: typeof value === 'number' ? { longValue: value } : { stringValue: value },
      })),
    }),
  );
  return records ?? [];
}

const text = (field: Field | undefined): string | undefined => field?.stringValue;
const count = (field: Field | undefined): number | undefined =>
  field?.longValue ?? (field?.stringValue !== undefined ? Number(field.stringValue) : undefined);

/** Every user table's exact row count; throws {@link UnexpectedAnswerError} on a row it cannot read. */
export async function countRows(client: RDSDataClient, target: DataApiTarget): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const record of await execute(client, target, COUNT_ROWS_SQL)) {
    const table = text(record[0]);
    const rows = count(record[1]);
    if (!table || rows === undefined || !Number.isInteger(rows) || rows < 0) {
      throw new UnexpectedAnswerError(`row count answer not {table, count}: ${JSON.stringify(record).slice(0, 200)}`);
    }
    counts[table] = rows;
  }
  return counts;
}

/** Creates the table when missing and overwrites the one row with `row`. */
export async function writeSentinel(client: RDSDataClient, target: DataApiTarget, row: SentinelRow): Promise<void> {
  await execute(client, target, CREATE_TABLE_SQL);
  await execute(client, target, UPSERT_SQL, {
    id: AURORA_SENTINEL.rowId,
    writtenAt: row.writtenAt,
    checksum: row.checksum,
    rowCounts: JSON.stringify(row.rowCounts),
  });
}

/** What a restored copy holds: no table, a table without the row, or the row as stored (raw JSON of its counts). */
export type StoredSentinel =
  | { readonly state: 'no table' | 'no row' }
  | { readonly state: 'row'; readonly writtenAt: string; readonly checksum: string; readonly rowCounts: string };

/** Reads the sentinel row back as it is stored; judging it is {@link compareRestored}'s. */
export async function readSentinel(client: RDSDataClient, target: DataApiTarget): Promise<StoredSentinel> {
  const [present] = await execute(client, target, READ_SQL);
  if (present?.[0]?.booleanValue === undefined) {
    throw new UnexpectedAnswerError(`table check answered ${JSON.stringify(present ?? null)}`);
  }
  if (!present[0].booleanValue) return { state: 'no table' };
  const [row] = await execute(client, target, READ_ROW_SQL, { id: AURORA_SENTINEL.rowId });
  if (!row) return { state: 'no row' };
  return {
    state: 'row',
    writtenAt: text(row[0]) ?? '',
    checksum: text(row[1]) ?? '',
    rowCounts: text(row[2]) ?? '',
  };
}

/** The verdict on a restored copy, and each comparison made, in words. */
export interface RestoredComparison {
  readonly problem?: string;
  readonly compared: readonly string[];
}

function parseCounts(raw: string): Record<string, number> | undefined {
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.some(([, rows]) => typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0)) return undefined;
    return Object.fromEntries(entries) as Record<string, number>;
  } catch {
    return undefined;
  }
}

function compareTable(table: string, source: number, restored: number | undefined): CountComparison | string {
  if (restored === undefined) return `table ${table} (${source} rows at backup) missing from the restored copy`;
  const tolerance = countTolerance(source, AURORA_COUNT_TOLERANCE);
  return { what: `rows of ${table}`, source, restored, tolerance, within: Math.abs(restored - source) <= tolerance };
}

/**
 * Judges a restored copy: its sentinel must be there, carry the stage's checksum of its time, be
 * no older than {@link AURORA_SENTINEL.maxAgeHours} at the recovery point (nor written after it),
 * and every table it counted must hold its rows within {@link AURORA_COUNT_TOLERANCE}.
 */
export function compareRestored(
  stage: string,
  stored: StoredSentinel,
  restoredCounts: Readonly<Record<string, number>>,
  recoveryPointAt: Date,
): RestoredComparison {
  const where = `${AURORA_SENTINEL.table} row ${AURORA_SENTINEL.rowId}`;
  if (stored.state !== 'row') {
    return {
      problem: `sentinel missing from the restored copy (${stored.state === 'no table' ? `no table ${AURORA_SENTINEL.table}` : `no ${where}`})`,
      compared: [`sentinel ${where}: missing`],
    };
  }
  const value: SentinelValue = { writtenAt: stored.writtenAt, checksum: stored.checksum };
  const checksum = sentinelProblem(stage, value, JSON.stringify(value));
  const written = Date.parse(stored.writtenAt);
  const ageHours = (recoveryPointAt.getTime() - written) / 3_600_000;
  const age =
    checksum ??
    (ageHours < 0
      ? `sentinel written at ${stored.writtenAt}, after the recovery point of ${recoveryPointAt.toISOString()}`
      : ageHours > AURORA_SENTINEL.maxAgeHours
        ? `sentinel written at ${stored.writtenAt}, ${ageHours.toFixed(1)} h before the recovery point (at most ${AURORA_SENTINEL.maxAgeHours} h)`
        : undefined);
  const sentinelWhat = `sentinel ${where} written ${stored.writtenAt}`;
  if (age) return { problem: age, compared: [`${sentinelWhat}: ${age}`] };
  const source = parseCounts(stored.rowCounts);
  if (!source) {
    const problem = `sentinel row counts are not {table: count}: ${JSON.stringify(stored.rowCounts.slice(0, 80))}`;
    return { problem, compared: [`${sentinelWhat}: checksum valid`, problem] };
  }
  const compared = [`${sentinelWhat}: checksum valid, ${ageHours.toFixed(1)} h before the recovery point`];
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(source)) {
    const result = compareTable(table, rows, restoredCounts[table]);
    if (typeof result === 'string') {
      problems.push(result);
      compared.push(result);
    } else {
      const line = `${describeCount(result)}: ${result.within ? 'within' : 'outside'}`;
      compared.push(line);
      if (!result.within) problems.push(`${describeCount(result)}: outside the tolerance`);
    }
  }
  if (Object.keys(source).length === 0) compared.push('no user tables at backup: only the sentinel was compared');
  return { ...(problems.length ? { problem: problems.join('; ') } : {}), compared };
}
