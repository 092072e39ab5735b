// The cache warm-up manifest and its sources: parsed and checked in full before anything is written (format in docs/runbooks/cache-warm-up.md).
import { WARM_UP_LIMITS, WARM_UP_MANIFEST } from '../../lib/contract';

/** One key to write. */
export interface WarmUpEntry {
  readonly key: string;
  readonly value: string;
  /** Seconds the key lives; absent: the manifest's `defaultTtlSeconds`, or no expiry. */
  readonly ttlSeconds?: number;
}

/** A manifest as read: its inline entries and the source objects it names. */
export interface WarmUpManifest {
  readonly format: typeof WARM_UP_MANIFEST.format;
  /** true: every key is SET; false: only keys that are missing (SET NX), so live values are never replaced. */
  readonly overwrite: boolean;
  readonly defaultTtlSeconds?: number;
  readonly entries: readonly WarmUpEntry[];
  /** Keys of JSON Lines objects in the same bucket, each line one {@link WarmUpEntry}. */
  readonly sources: readonly string[];
}

/** The manifest or a source is not what the format says: nothing was written. */
export class ManifestError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ManifestError';
  }
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A whole number of seconds from 1 to ten years, or a problem. */
function ttlProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 315_360_000
    ? undefined
    : `ttlSeconds must be a whole number of seconds from 1 to 315360000, got ${JSON.stringify(value)}`;
}

/** One entry, checked; `where` names it in the error (`manifest entries[3]`, `warm-up/a.jsonl line 7`). */
export function parseEntry(value: unknown, where: string): WarmUpEntry {
  if (!isObject(value))
    throw new ManifestError(where, `an entry is an object {key, value, ttlSeconds?}, got ${JSON.stringify(value)}`);
  const { key, value: text, ttlSeconds } = value;
  const extra = Object.keys(value).filter((name) => !['key', 'value', 'ttlSeconds'].includes(name));
  if (extra.length > 0) throw new ManifestError(where, `unknown field ${extra.join(', ')}`);
  if (typeof key !== 'string' || key === '') throw new ManifestError(where, 'key must be a non-empty string');
  if (bytes(key) > WARM_UP_LIMITS.maxKeyBytes)
    throw new ManifestError(where, `key is longer than ${WARM_UP_LIMITS.maxKeyBytes} bytes`);
  if (typeof text !== 'string') throw new ManifestError(where, `value of ${key} must be a string`);
  if (bytes(text) > WARM_UP_LIMITS.maxValueBytes)
    throw new ManifestError(where, `value of ${key} is larger than ${WARM_UP_LIMITS.maxValueBytes} bytes`);
  const problem = ttlProblem(ttlSeconds);
  if (problem) throw new ManifestError(where, problem);
  return { key, value: text, ...(ttlSeconds === undefined ? {} : { ttlSeconds: ttlSeconds as number }) };
}

/** The manifest object's text, checked in full. */
export function parseManifest(text: string, where: string): WarmUpManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(where, `not JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new ManifestError(where, 'a manifest is a JSON object');
  if (parsed.format !== WARM_UP_MANIFEST.format)
    throw new ManifestError(where, `format must be "${WARM_UP_MANIFEST.format}", got ${JSON.stringify(parsed.format)}`);
  const extra = Object.keys(parsed).filter(
    (name) => !['format', 'description', 'overwrite', 'defaultTtlSeconds', 'entries', 'sources'].includes(name),
  );
  if (extra.length > 0) throw new ManifestError(where, `unknown field ${extra.join(', ')}`);
  if (parsed.overwrite !== undefined && typeof parsed.overwrite !== 'boolean')
    throw new ManifestError(where, 'overwrite must be true or false');
  const problem = ttlProblem(parsed.defaultTtlSeconds);
  if (problem) throw new ManifestError(where, `default${problem.replace(/^ttl/, 'Ttl')}`);
  const entries = parsed.entries ?? [];
  const sources = parsed.sources ?? [];
  if (!Array.isArray(entries)) throw new ManifestError(where, 'entries must be a list');
  if (!Array.isArray(sources)) throw new ManifestError(where, 'sources must be a list');
  if (sources.length > WARM_UP_LIMITS.maxSources)
    throw new ManifestError(where, `at most ${WARM_UP_LIMITS.maxSources} sources, got ${sources.length}`);
  const keys = sources.map((source, index) => {
    const key = isObject(source) ? source.key : undefined;
    if (typeof key !== 'string' || !key.startsWith(WARM_UP_MANIFEST.prefix) || key.endsWith('/'))
      throw new ManifestError(
        where,
        `sources[${index}] must be {"key": "${WARM_UP_MANIFEST.prefix}<name>"}, got ${JSON.stringify(source)}`,
      );
    return key;
  });
  return {
    format: WARM_UP_MANIFEST.format,
    overwrite: parsed.overwrite !== false,
    ...(parsed.defaultTtlSeconds === undefined ? {} : { defaultTtlSeconds: parsed.defaultTtlSeconds as number }),
    entries: entries.map((entry, index) => parseEntry(entry, `${where} entries[${index}]`)),
    sources: keys,
  };
}

/** A JSON Lines source: one entry per line, blank lines skipped; the first bad line fails the whole source. */
export function parseSource(text: string, where: string): WarmUpEntry[] {
  const entries: WarmUpEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new ManifestError(`${where} line ${index + 1}`, 'not a JSON object');
    }
    entries.push(parseEntry(parsed, `${where} line ${index + 1}`));
  });
  return entries;
}
