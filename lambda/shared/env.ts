// Reads a function's settings from its environment at cold start, failing fast when one is missing.

/** Thrown at cold start when a required environment variable is missing; the function never serves. */
export class MissingEnvironmentError extends Error {
  constructor(public readonly variable: string) {
    super(`environment variable ${variable} is not set; the function's construct must pass it`);
    this.name = 'MissingEnvironmentError';
  }
}

/** The value of `name` in `env`; throws {@link MissingEnvironmentError} when it is unset or empty. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError(name);
  return value;
}

/** A positive whole number from `name` (its unit is in the name, like `_SECONDS`); throws naming the variable otherwise. */
export function requirePositiveInteger(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = requireEnv(name, env);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}
