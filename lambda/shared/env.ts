// Reads a function's settings from its environment at cold start, failing fast when one is missing.
import { SHARED_ENVIRONMENT, type FunctionContract } from '../../lib/contract';

/** Environment variables as Lambda hands them over. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown at cold start when a required environment variable is missing; the function never serves. */
export class MissingEnvironmentError extends Error {
  constructor(public readonly variables: readonly string[]) {
    super(
      `environment variable${variables.length === 1 ? '' : 's'} ${variables.join(', ')} ${variables.length === 1 ? 'is' : 'are'} not set; the function's construct must pass ${variables.length === 1 ? 'it' : 'them'}`,
    );
    this.name = 'MissingEnvironmentError';
  }
}

/** The value of `name` in `env`; throws {@link MissingEnvironmentError} when it is unset or empty. */
export function requireEnv(name: string, env: Environment = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError([name]);
  return value;
}

/**
 * Every variable of `contract` (and the shared ones), typed by its keys; throws one
 * {@link MissingEnvironmentError} naming all that are unset, so a misconfigured function fails at
 * cold start with the whole list, not one name per deploy.
 */
export function readEnvironment<Key extends string>(
  contract: FunctionContract<Key>,
  env: Environment = process.env,
): Readonly<Record<Key | (typeof SHARED_ENVIRONMENT)[number], string>> {
  const keys = [...SHARED_ENVIRONMENT, ...contract.environment];
  const missing = keys.filter((key) => (env[key] ?? '').trim() === '');
  if (missing.length > 0) throw new MissingEnvironmentError(missing);
  return Object.fromEntries(keys.map((key) => [key, env[key]])) as Record<
    Key | (typeof SHARED_ENVIRONMENT)[number],
    string
  >;
}

/** A positive whole number from `name` (its unit is in the name, like `_SECONDS`); throws naming the variable otherwise. */
export function requirePositiveInteger(name: string, env: Environment = process.env): number {
  const raw = requireEnv(name, env);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}
