// Structure of the config schema: sections that name themselves when missing, messages, and when cross-field rules run.
import { Duration } from 'aws-cdk-lib';
import { z } from 'zod';

/** Issue codes that mean a value has the wrong type, or is not one of the allowed values. */
const TYPE_CODES: ReadonlySet<string> = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

/**
 * The `when` of a cross-field rule: it runs once the value is an object (or a list) and the fields it
 * reads (every field when none are named) have the right types. Without it zod skips the rule after
 * any type error in the object, which would hide the other problems; with it the rule never reads a
 * value of the wrong type, so a malformed config never ends in a TypeError.
 */
export function whenTyped(...keys: readonly PropertyKey[]): (payload: z.core.ParsePayload) => boolean {
  return (payload) =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    !payload.issues.some(
      (issue) => TYPE_CODES.has(issue.code) && (keys.length === 0 || keys.includes(issue.path?.[0] as PropertyKey)),
    );
}

/** Reports a problem of a cross-field rule at `path` (below the value being refined). */
export function report(ctx: z.core.$RefinementCtx, path: readonly PropertyKey[], value: unknown, fix: string): void {
  // `input` is given even when undefined: zod would otherwise report the whole refined object.
  ctx.addIssue({ code: 'custom', path: [...path], input: value, message: fix });
}

/**
 * A rule that every element of a list of strings appears once, reported on the repeat: the elements
 * name constructs, which CDK refuses twice with a stack trace.
 */
export function eachOnce(what: string, why: string) {
  return (items: readonly string[], ctx: z.core.$RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item)) report(ctx, [index], item, `${what} given twice; ${why}, so list it once`);
      seen.add(item);
    });
  };
}

/** What messages call each expected type. */
const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  Duration: 'a Duration, such as Duration.minutes(5)',
};

/** How a message names the kind of a wrong value. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Duration) return 'a Duration';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Messages for issues no rule words itself: a field that is missing, of the wrong type or not one of
 * its values. Rules give their own fix; this only keeps zod's generic English out of the report.
 */
export const fallbackError: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return issue.input === undefined ? `missing; give ${expected}` : `must be ${expected}, got ${kindOf(issue.input)}`;
  }
  if (issue.code === 'invalid_value') return `use one of ${issue.values.map(String).join(', ')}`;
  return undefined;
};

/**
 * The error of a group of settings that is missing or not an object (or list). A top-level section
 * says so and points at the defaults, so a config without `data` gets a message, never a TypeError.
 */
function groupError(what: string, section: boolean): z.core.$ZodErrorMap {
  const missing = section ? `section missing; give ${what}, as in lib/config/stages.ts` : `missing; give ${what}`;
  return (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return missing;
    const expected = `${EXPECTED[issue.expected] ?? issue.expected} with ${what}`;
    return section
      ? `section must be ${expected}, as in lib/config/stages.ts; got ${kindOf(issue.input)}`
      : `must be ${expected}, got ${kindOf(issue.input)}`;
  };
}

/** The error of a top-level section; see {@link groupError}. */
export function sectionError(what: string): z.core.$ZodErrorMap {
  return groupError(what, true);
}

/** A top-level section that is an object. */
export function section<Shape extends z.ZodRawShape>(what: string, shape: Shape) {
  return z.object(shape, { error: sectionError(what) });
}

/** A group of settings inside a section, named in the message when it is missing. */
export function group<Shape extends z.ZodRawShape>(what: string, shape: Shape) {
  return z.object(shape, { error: groupError(what, false) });
}
