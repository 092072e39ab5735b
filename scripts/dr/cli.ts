#!/usr/bin/env node
// dr, the operator CLI of the DR plan; each subcommand is a module of commands/ over the state machines of the region being recovered into.
import { Command, CommanderError, Help } from 'commander';
import { AwsCallError, SDK } from './aws';
import { BadInput, EXIT, NotConfirmed, type CliEnv } from './command-kit';
import { COMMANDS } from './commands';
import { RunFailedError } from './failover';

export { EXIT, type CliEnv } from './command-kit';

/** The house's usage starts with `usage: ` (scripts/lib/cli.sh, cli-args.cjs); commander's with `Usage:`. */
function houseHelp(command: Command, helper: Help): string {
  return Help.prototype.formatHelp.call(helper, command, helper).replace(/^Usage:/, 'usage:');
}

const HELP_AFTER = `
Every command takes --stage, --region, --dry-run, --json and --yes ('dr <command> --help').
Without --region, the region that is up is the one /async-toolformer/<stage>/failover/active-region
names, read from the first of the stage's regions (primary, then secondary) that answers in seconds.
Exit status: 0 done; 1 an AWS call or the run failed, or a section of 'dr status' is UNKNOWN;
2 bad input, or a data-loss step not confirmed, before any AWS call.`;

/** The program; `run` is set to the action's exit status. */
export function buildProgram(env: CliEnv, done: (status: number) => void): Command {
  const program = new Command('dr');
  program
    .description('Operator CLI of the DR plan (docs/runbooks/dr-cli.md).')
    .configureHelp({ formatHelp: houseHelp })
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .addHelpText('after', HELP_AFTER);

  // commander passes the parsed options as the action's first argument.
  const run =
    <T>(action: (options: T) => Promise<number>) =>
    async (options: T) => {
      done(await action(options));
    };
  for (const register of COMMANDS) register(program, env, run);

  return program;
}

/** The subcommands' names of `command`, for "missing command": `a, b or c`. */
function commandList(command: Command): string {
  const names = command.commands.map((each) => each.name());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

/**
 * The (sub)commands the line names, outermost first: `restore db --help` is [restore, db]. Each is
 * the first word that is not an option; a nested command's subcommand is the next such word, when
 * it names one.
 */
function commandPath(program: Command, words: readonly string[]): Command[] {
  const path: Command[] = [];
  let parent = program;
  for (const word of words) {
    const found = parent.commands.find((each) => each.name() === word);
    if (!found) break;
    path.push(found);
    if (found.commands.length === 0) break;
    parent = found;
  }
  return path;
}

/**
 * Runs the CLI on `args` (without node and the script) and returns the exit status. Commander is
 * told not to exit or print errors itself, so every path ends in the house's exit statuses.
 */
export async function main(args: readonly string[], env: CliEnv): Promise<number> {
  let status: number = EXIT.done;
  const program = buildProgram(env, (code) => {
    status = code;
  });
  const words = args.filter((arg) => !arg.startsWith('-'));
  const path = commandPath(program, words);
  const target = path.at(-1) ?? program;
  const usage = () => target.helpInformation().trimEnd();
  const writeErr = (text: string) => env.stderr.write(text);
  const silence = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (text) => env.stdout.write(text),
      writeErr,
      // commander's "error: <message>" becomes "dr <command>: <message>" and the usage (below).
      outputError: () => undefined,
    });
    command.commands.forEach(silence);
  };
  silence(program);

  // --help anywhere before `--` wins over any other problem on the line, as in the project's scripts.
  const end = args.indexOf('--');
  const helpAt = args.findIndex((arg, index) => (arg === '--help' || arg === '-h') && (end === -1 || index < end));
  const line = helpAt === -1 ? [...args] : [...path.map((each) => each.name()), '--help'];
  const name = ['dr', ...path.map((each) => each.name())].join(' ');
  if (helpAt === -1 && target.commands.length > 0 && words.length === path.length) {
    // No (sub)command after `dr` or a nested command such as `dr restore`: commander would print the
    // whole help as the error; the house prints the problem first.
    writeErr(`${name}: missing command: ${commandList(target)}\n${usage()}\n`);
    return EXIT.badInput;
  }
  try {
    await program.parseAsync(line, { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.done;
      const message =
        error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync'
          ? `missing command: ${commandList(target)}`
          : error.message.replace(/^error: /, '');
      writeErr(`${name}: ${message}\n${usage()}\n`);
      return EXIT.badInput;
    }
    if (error instanceof BadInput) {
      writeErr(`${name}: ${error.message}\n${usage()}\n`);
      return EXIT.badInput;
    }
    if (error instanceof NotConfirmed) {
      writeErr(`${name}: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof AwsCallError || error instanceof RunFailedError) {
      writeErr(`${name} failed: ${error.message}\n`);
      return EXIT.failed;
    }
    writeErr(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** A line typed at the terminal. */
async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await reader.question(question);
  } finally {
    reader.close();
  }
}

/** DR_POLL_SECONDS: how often a run is polled (default 5); the tests and the drill shorten it. */
function pollMs(): number {
  const text = process.env.DR_POLL_SECONDS ?? '5';
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(seconds)) throw new BadInput(`DR_POLL_SECONDS must be a number of seconds, got: '${text}'`);
  return seconds * 1000;
}

/** The process's entry point: the bundle and scripts/dr/bin.cjs call it. */
export function runMain(): void {
  // `dr status | head` closes the pipe early: that is the reader's choice, not a failure worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  let poll = 5000;
  try {
    poll = pollMs();
  } catch (error) {
    process.stderr.write(`dr: ${(error as Error).message}\n`);
    process.exit(EXIT.badInput);
  }
  void main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTty: process.stdin.isTTY === true,
    ask,
    sdk: SDK,
    pollMs: poll,
    now: () => new Date(),
  }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runMain();
