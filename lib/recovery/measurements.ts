// Measured service timings: what the game days timed, per term of the model, and how a measured p95 replaces an assumption.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEASURED_TERMS, type GameDayResult, type MeasuredTermId } from '../contract/game-days';
import { PROJECT_ROOT } from '../project-root';
import { formatSeconds, type Estimate, type Term } from './estimate';
import { SERVICE_TIMINGS, type ServiceTimingId } from './service-timings';

/** The committed measurements file, which `npm run measurements:pull` rewrites and `npm run report` reads. */
export const MEASUREMENTS_FILE = join(PROJECT_ROOT, 'lib', 'recovery', 'measurements.json');

/** One term's measurement. */
export interface TermMeasurement {
  /** Seconds, one per run, oldest first. */
  readonly samples: readonly number[];
  readonly p50: number;
  readonly p95: number;
  /** The newest sample's run start, ISO 8601. */
  readonly date: string;
  /** The results the samples come from (`results/<game day>/<run>/result.json`). */
  readonly sourceRuns: readonly string[];
  /** What the step times. */
  readonly how: string;
}

/** The measurements file. */
export interface Measurements {
  readonly stage: string;
  /** Where the results were read: `s3://<bucket>` or the drill. */
  readonly source: string;
  readonly pulledAt: string;
  readonly terms: Readonly<Partial<Record<MeasuredTermId, TermMeasurement>>>;
}

/** Nearest-rank percentile of `samples` (`p` from 0 to 100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('a percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The measurements of `results` (each with the key it was read from), for every term a game day measures. */
export function measurementsOf(
  results: readonly { readonly key: string; readonly result: GameDayResult }[],
  meta: { readonly stage: string; readonly source: string; readonly pulledAt: Date },
): Measurements {
  const terms: Partial<Record<MeasuredTermId, TermMeasurement>> = {};
  const ordered = [...results].sort((a, b) => a.result.startedAt.localeCompare(b.result.startedAt));
  for (const [id, spec] of Object.entries(MEASURED_TERMS) as [
    MeasuredTermId,
    (typeof MEASURED_TERMS)[MeasuredTermId],
  ][]) {
    // Only steps that succeeded time the term: a failed switchover measured nothing.
    const found = ordered.flatMap(({ key, result }) =>
      result.gameDay !== spec.gameDay
        ? []
        : result.steps
            .filter((step) => step.name === spec.step && step.succeeded)
            .map((step) => ({ key, seconds: step.seconds, date: result.startedAt })),
    );
    if (found.length === 0) continue;
    const samples = found.map((sample) => sample.seconds);
    terms[id] = {
      samples,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      date: found[found.length - 1]!.date,
      sourceRuns: [...new Set(found.map((sample) => sample.key))],
      how: `${spec.gameDay} game day, step ${spec.step}: ${spec.how}`,
    };
  }
  return { stage: meta.stage, source: meta.source, pulledAt: meta.pulledAt.toISOString(), terms };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The measurements of `text`; throws naming what is wrong, so a bad file never calibrates the model. */
export function parseMeasurements(text: string, source = 'the measurements file'): Measurements {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const file = value as Measurements;
  if (typeof file !== 'object' || file === null || typeof file.stage !== 'string' || typeof file.terms !== 'object') {
    throw new Error(`${source} must be an object with stage and terms`);
  }
  for (const [id, term] of Object.entries(file.terms ?? {})) {
    if (!(id in MEASURED_TERMS)) throw new Error(`${source}: ${id} is not a term the game days measure`);
    const t = term as TermMeasurement;
    if (
      !Array.isArray(t.samples) ||
      t.samples.length === 0 ||
      !t.samples.every(isNumber) ||
      !isNumber(t.p50) ||
      !isNumber(t.p95)
    ) {
      throw new Error(`${source}: ${id} needs samples (seconds) and p50 and p95`);
    }
    if (typeof t.date !== 'string' || !Array.isArray(t.sourceRuns))
      throw new Error(`${source}: ${id} needs date and sourceRuns`);
  }
  return file;
}

/** The committed file of `stage`'s measurements, or none when it holds another stage's. */
export function loadMeasurements(stage: string, path = MEASUREMENTS_FILE): Measurements | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const measurements = parseMeasurements(text, path);
  return measurements.stage === stage ? measurements : undefined;
}

/** The measurement of a service timing, when the game days measure that term and have samples. */
export function measured(measurements: Measurements | undefined, id: ServiceTimingId): TermMeasurement | undefined {
  return measurements?.terms[id as MeasuredTermId];
}

/**
 * `estimate` with every service timing the game days measured at its measured p95 instead of the
 * table's figure, its source naming the samples, date and runs.
 */
export function calibrate(estimate: Estimate, measurements: Measurements | undefined): Estimate {
  if (!measurements) return estimate;
  if (estimate.kind !== 'term')
    return { ...estimate, parts: estimate.parts.map((part) => calibrate(part, measurements)) };
  const term: Term = estimate;
  const measurement = term.timingId ? measured(measurements, term.timingId) : undefined;
  if (!measurement) return term;
  const modeled = SERVICE_TIMINGS[term.timingId!].duration.toSeconds();
  return {
    ...term,
    seconds: measurement.p95,
    source: `measured p95 ${formatSeconds(measurement.p95)} of ${measurement.samples.length} game day run(s), newest ${measurement.date.slice(0, 10)} (${measurements.stage}, ${measurements.source}); modeled ${formatSeconds(modeled)}`,
  };
}
