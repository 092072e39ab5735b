// Synth-time validation of the DR configuration: every problem names the field, the value and the fix.
import { Duration } from 'aws-cdk-lib';
import type { z } from 'zod';
import { fallbackError, ruleContext, schemaFor } from './schema';
import type { DrConfig } from './types';

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Path of the field, for example `regions[1].cidr`. */
  readonly field: string;
  /** The offending value, as given (a Duration as its human-readable string). */
  readonly value: unknown;
  /** What is wrong and how to fix it. */
  readonly fix: string;
}

/** Thrown when a configuration is invalid; lists every problem, not just the first. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid DR configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * `regions[1].cidr` from `['regions', 1, 'cidr']`. A `'[]'` segment stands for every element of a
 * list, for a rule about all of them at once (`regions[].role`).
 */
function fieldPath(path: readonly PropertyKey[]): string {
  const field = path.reduce<string>((at, segment) => {
    if (typeof segment === 'number' || segment === '[]') return `${at}[${segment === '[]' ? '' : segment}]`;
    return at ? `${at}.${String(segment)}` : String(segment);
  }, '');
  return field || 'config';
}

/** The value as a problem shows it: a Duration is shown as people write it, such as `1 hour`. */
function shown(value: unknown): unknown {
  if (!(value instanceof Duration)) return value;
  return value.isUnresolved() ? value.toString() : value.toHumanString();
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  return { field: fieldPath(issue.path), value: shown(issue.input), fix: issue.message };
}

/** Every problem of `config`; empty when it is valid. */
export function configProblems(config: DrConfig): ConfigProblem[] {
  const result = schemaFor(ruleContext(config)).safeParse(config, { reportInput: true, error: fallbackError });
  return result.success ? [] : result.error.issues.map(toProblem);
}

/** Throws {@link ConfigValidationError} listing every problem of `config`. */
export function validateConfig(config: DrConfig): DrConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
