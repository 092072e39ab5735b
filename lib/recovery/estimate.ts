// A modeled RTO or RPO: a tree of named terms, added up along a path and maximised across parallel paths.
import { SERVICE_TIMINGS, type ServiceTimingId } from './service-timings';

/** One figure of the model and where it comes from. */
export interface Term {
  readonly kind: 'term';
  readonly name: string;
  /** Seconds; `Infinity` when nothing bounds it (no replica, no replication bound). */
  readonly seconds: number;
  /** The resource and property it was read from, or the service timing it assumes. */
  readonly source: string;
  /** Construct path of the CloudFormation resource it was read from, when it was read from one. */
  readonly resourcePath?: string;
  /** The service timing it is, when it is one: a game day's measurement may replace it (measurements.ts). */
  readonly timingId?: ServiceTimingId;
}

/** Steps that happen one after the other. */
export interface Sum {
  readonly kind: 'sum';
  readonly name: string;
  readonly parts: readonly Estimate[];
}

/** Paths that run side by side: recovery is done when the slowest is. */
export interface Max {
  readonly kind: 'max';
  readonly name: string;
  readonly parts: readonly Estimate[];
}

export type Estimate = Term | Sum | Max;

export function term(name: string, seconds: number, source: string, resourcePath?: string): Term {
  return { kind: 'term', name, seconds, source, ...(resourcePath ? { resourcePath } : {}) };
}

/** A term that is a service timing of {@link SERVICE_TIMINGS}, cited by its id. */
export function timing(id: ServiceTimingId, name?: string): Term {
  const entry = SERVICE_TIMINGS[id];
  return {
    ...term(name ?? entry.description, entry.duration.toSeconds(), `service timing \`${id}\` (${entry.basis})`),
    timingId: id,
  };
}

export function sum(name: string, ...parts: Estimate[]): Sum {
  return { kind: 'sum', name, parts };
}

export function max(name: string, ...parts: Estimate[]): Max {
  return { kind: 'max', name, parts };
}

/** Seconds of an estimate: sums add, maxima take the slowest path. */
export function seconds(estimate: Estimate): number {
  switch (estimate.kind) {
    case 'term':
      return estimate.seconds;
    case 'sum':
      return estimate.parts.reduce((total, part) => total + seconds(part), 0);
    case 'max':
      return Math.max(0, ...estimate.parts.map(seconds));
  }
}

/**
 * The terms that make up the figure, on its critical path only: the slowest branch of every
 * maximum. These are the terms to shorten when a figure is too long.
 */
export function criticalTerms(estimate: Estimate): Term[] {
  switch (estimate.kind) {
    case 'term':
      return [estimate];
    case 'sum':
      return estimate.parts.flatMap(criticalTerms);
    case 'max': {
      const slowest = [...estimate.parts].sort((a, b) => seconds(b) - seconds(a))[0];
      return slowest ? criticalTerms(slowest) : [];
    }
  }
}

/** The `count` largest terms of the critical path, largest first. */
export function largestTerms(estimate: Estimate, count = 2): Term[] {
  return criticalTerms(estimate)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count);
}

/** `90 s`, `4 min`, `2 h 30 min`, `unbounded`: whole seconds below 2 minutes, else minutes. */
export function formatSeconds(value: number): string {
  if (!Number.isFinite(value)) return 'unbounded';
  if (value < 120) return `${Math.round(value)} s`;
  const minutes = Math.round((value / 60) * 10) / 10;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
