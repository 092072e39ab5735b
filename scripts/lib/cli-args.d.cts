// Types of cli-args.cjs for the TypeScript scripts.
import type { ParseArgsConfig } from 'node:util';

/** Bad input: `<name>: <message>` and the usage on stderr, exit status 2, nothing done. */
export declare class UsageError extends Error {}

/** --help or -h was given: the usage on stdout, exit status 0, nothing done. */
export declare class HelpRequested extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : O[K]['multiple'] extends true
      ? string[]
      : string;
};

export declare function parseCli<O extends Options>(spec: {
  readonly args: readonly string[];
  readonly options: O;
  /** Names of the required positional arguments, in order, for the message when one is missing. */
  readonly positionals?: readonly string[];
  /** How many more positional arguments may follow. @default 0 */
  readonly optionalPositionals?: number;
}): { values: Values<O>; positionals: string[] };

/** `text` (of a flag or an environment variable, named by `what`) as a whole number of at least `min`. */
export declare function wholeNumber(what: string, text: string, min?: number): number;

export interface Cli {
  /** Prefix of every message: the script's name. */
  readonly name: string;
  readonly usage: string;
  /** Parses its input (throwing UsageError or HelpRequested) and does the work; returns the exit status. */
  readonly main: () => number | void | Promise<number | void>;
}

/** Runs `main` and returns the exit status: 0 and the usage on --help, 2 and the usage on bad input, 1 on any other error. */
export declare function cliStatus(cli: Cli): Promise<number>;

/** `cliStatus` as the process's exit status. */
export declare function runCli(cli: Cli): Promise<void>;
