// The command line of every node script: util.parseArgs plus --help, bad input answered with exit 2 and the usage.
// CommonJS so that plain-node .mjs scripts, tsx-run .ts scripts and jest (which loads no ES modules) share it.
'use strict';
/* global require, module, process, console -- CommonJS in node; the project's ESLint globals cover .mjs and .js only */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is CommonJS on purpose (above)
const { parseArgs } = require('node:util');

/** Bad input: `<name>: <message>` and the usage on stderr, exit status 2, nothing done. */
class UsageError extends Error {}

/** --help or -h was given: the usage on stdout, exit status 0, nothing done. */
class HelpRequested extends Error {}

/**
 * The arguments as `parseArgs` reads them (strict). Throws HelpRequested for --help or -h, even
 * beside other bad input (the operator asked how to call it), and a UsageError for an unknown
 * option, a missing value, a value given to a boolean flag, or a positional count outside
 * `positionals` (the names of the required ones) plus `optionalPositionals`.
 */
function parseCli({ args, options, positionals = [], optionalPositionals = 0 }) {
  const end = args.indexOf('--');
  if (args.some((arg, index) => (arg === '--help' || arg === '-h') && (end === -1 || index < end))) {
    throw new HelpRequested('help');
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: positionals.length + optionalPositionals > 0,
    });
  } catch (error) {
    // parseArgs names the option and what is wrong with it; its ERR_PARSE_ARGS_* codes are not for operators.
    throw new UsageError(error.message);
  }
  const count = parsed.positionals.length;
  if (count < positionals.length) throw new UsageError(`missing ${positionals.slice(count).join(' ')}`);
  const allowed = positionals.length + optionalPositionals;
  if (count > allowed) {
    const extra = parsed.positionals.slice(allowed).map((arg) => `'${arg}'`);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** `text` (of a flag or an environment variable, named by `what`) as a whole number of at least `min`. */
function wholeNumber(what, text, min = 0) {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${what} must be a whole number from ${min} up, got: '${text}'`);
  }
  return value;
}

/**
 * Runs `main` (sync or async) and returns the exit status: main's own (default 0); 0 with the usage
 * on stdout for HelpRequested; 2 with the message and the usage on stderr for a UsageError; 1 with
 * the message alone for any other error, a failure of the work rather than of the input.
 */
async function cliStatus({ name, usage, main }) {
  try {
    return (await main()) ?? 0;
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(usage);
      return 0;
    }
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}\n${usage}`);
      return 2;
    }
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** `cliStatus` as the process's exit status: the entry point of a script. */
async function runCli(cli) {
  process.exitCode = await cliStatus(cli);
}

module.exports = { HelpRequested, UsageError, cliStatus, parseCli, runCli, wholeNumber };
