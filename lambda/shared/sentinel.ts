// A sentinel's value (time and checksum), and the comparison of the one read back from a restored copy with the one written.
import { createHash } from 'node:crypto';
import { countTolerance } from '../../lib/contract';

/** What a sentinel holds: when it was written, and a checksum that ties the time to the stage. */
export interface SentinelValue {
  readonly writtenAt: string;
  /** `sha256("<stage>|<writtenAt>")`, hex (lib/contract SENTINEL_CHECKSUM). */
  readonly checksum: string;
}

/** The sentinel `stage` writes at `writtenAt`. */
export function sentinelValue(stage: string, writtenAt: Date): SentinelValue {
  const at = writtenAt.toISOString();
  return { writtenAt: at, checksum: createHash('sha256').update(`${stage}|${at}`).digest('hex') };
}

/** Thrown when a sentinel or its record cannot be read as one: the check fails, it never passes on a guess. */
export class SentinelUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SentinelUnreadableError';
  }
}

/** Parses a stored sentinel; `undefined` for anything that is not `{writtenAt, checksum}` with strings. */
export function parseSentinel(raw: string | null | undefined): SentinelValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Record<keyof SentinelValue, unknown>> | null;
    if (typeof value?.writtenAt !== 'string' || typeof value.checksum !== 'string') return undefined;
    return { writtenAt: value.writtenAt, checksum: value.checksum };
  } catch {
    return undefined;
  }
}

/**
 * Why the sentinel read back (`restored`, raw) does not prove the restore, or `undefined` when it
 * does: it must be there, parse, equal the one written before the backup, and its checksum must
 * be the stage's checksum of its time (so a value copied from another stage or edited by hand fails).
 */
export function sentinelProblem(
  stage: string,
  expected: SentinelValue,
  restored: string | null | undefined,
): string | undefined {
  if (restored === null || restored === undefined) return 'sentinel missing from the restored copy';
  const value = parseSentinel(restored);
  if (!value)
    return `sentinel in the restored copy is not {writtenAt, checksum}: ${JSON.stringify(restored.slice(0, 80))}`;
  const written = Date.parse(value.writtenAt);
  if (Number.isNaN(written) || sentinelValue(stage, new Date(written)).checksum !== value.checksum) {
    return `sentinel checksum mismatch: ${value.checksum.slice(0, 12)} is not the ${stage} checksum of ${value.writtenAt}`;
  }
  if (value.writtenAt !== expected.writtenAt || value.checksum !== expected.checksum) {
    return `sentinel written at ${value.writtenAt}, expected the one written at ${expected.writtenAt} before the backup`;
  }
  return undefined;
}

/** A count of the source and of the restored copy, compared under a tolerance. */
export interface CountComparison {
  readonly what: string;
  readonly source: number;
  readonly restored: number;
  readonly tolerance: number;
  readonly within: boolean;
}

/** Compares `restored` with `source` within {@link countTolerance}. */
export function compareCounts(what: string, source: number, restored: number): CountComparison {
  const tolerance = countTolerance(source);
  return { what, source, restored, tolerance, within: Math.abs(restored - source) <= tolerance };
}

/** `persistent keys 1200 restored vs 1205 at backup (±12)`. */
export function describeCount(count: CountComparison): string {
  return `${count.what} ${count.restored} restored vs ${count.source} at backup (±${count.tolerance})`;
}
