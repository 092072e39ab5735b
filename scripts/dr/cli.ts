#!/usr/bin/env node
// dr, the operator CLI of the DR plan: status, failover and failback over the state machines of the region being recovered into.
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { userInfo } from 'node:os';
import { AwsCallError, SDK, type Sdk } from './aws';
import { RunFailedError, planFailover, runFailover } from './failover';
import { createProgress, progressModeFor, type ProgressMode } from './progress';
import { regionThatIsUp } from './region';
import { readStatus, renderStatus } from './status';
import { STAGE_NAMES, STAGE_REGIONS, stageNames } from './stage';
import type { Stage } from '../../lib/config/types';

/** Exit statuses, as every script of the project uses them (docs/runbooks/README.md, "The scripts"). */
export const EXIT = { done: 0, failed: 1, badInput: 2 } as const;

/** The options every subcommand takes. */
interface CommonOptions {
  readonly stage: Stage;
  readonly region?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly yes?: boolean;
}

/** What the CLI reads from its surroundings; the tests pass their own. */
export interface CliEnv {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdinIsTty: boolean;
  /** Asks the operator to type `phrase`; resolves to what was typed. */
  readonly ask: (question: string) => Promise<string>;
  readonly sdk: Sdk;
  readonly pollMs: number;
  readonly now: () => Date;
}

/** Bad input found after commander parsed the line: exit 2 with the subcommand's usage. */
class BadInput extends Error {}

/** Not confirmed (no terminal and no --yes, or the wrong phrase): exit 2, nothing changed. */
class NotConfirmed extends Error {}

const REGION_FORMAT = /^[a-z]{2}(-[a-z]+)+-\d$/;

function regionArgument(value: string): string {
  if (!REGION_FORMAT.test(value)) throw new InvalidArgumentError(`'${value}' is not a region name such as us-west-2.`);
  return value;
}

/** The house's usage starts with `usage: ` (scripts/lib/cli.sh, cli-args.cjs); commander's with `Usage:`. */
function houseHelp(command: Command, helper: Help): string {
  return Help.prototype.formatHelp.call(helper, command, helper).replace(/^Usage:/, 'usage:');
}

function addCommonOptions(command: Command): Command {
  return command
    .addOption(new Option('--stage <stage>', 'the stage').choices(STAGE_NAMES).default('prod'))
    .addOption(
      new Option(
        '--region <region>',
        "the region to act in or read from (default: the region that is up, see 'dr --help')",
      ).argParser(regionArgument),
    )
    .option('--dry-run', 'only read, and print the plan of steps')
    .option('--json', 'machine-readable output on stdout: JSON lines of progress and the result')
    .option('--yes', 'skip the confirmation a data-loss step asks for');
}

/** The region of the stage to use: --region (checked against the stage), or the one that is up. */
async function chosenRegion(options: CommonOptions, env: CliEnv): Promise<{ region: string; source: string }> {
  const names = stageNames(options.stage);
  if (options.region !== undefined) return { region: options.region, source: '--region' };
  return regionThatIsUp(env.sdk, names);
}

function checkRegionOfStage(options: CommonOptions): void {
  const { primary, secondary } = STAGE_REGIONS[options.stage];
  if (options.region !== undefined && options.region !== primary && options.region !== secondary) {
    throw new BadInput(
      `--region ${options.region} is not a region of stage ${options.stage} (${primary}, ${secondary})`,
    );
  }
}

function progressMode(options: CommonOptions, env: CliEnv): ProgressMode {
  return progressModeFor(options.json === true, env.stderr.isTTY === true);
}

async function statusCommand(options: CommonOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const names = stageNames(options.stage);
  const { region, source } = await chosenRegion(options, env);
  const report = await readStatus({ sdk: env.sdk, names, now: env.now }, options.stage, region, source);
  if (options.json) env.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else env.stdout.write(`${renderStatus(report)}\n`);
  return report.unknown.length > 0 ? EXIT.failed : EXIT.done;
}

async function failoverCommand(
  options: CommonOptions & { planned?: boolean; reason?: string },
  env: CliEnv,
  failback: boolean,
): Promise<number> {
  checkRegionOfStage(options);
  const names = stageNames(options.stage);
  if (options.reason !== undefined && options.reason.length > 200)
    throw new BadInput('--reason is longer than 200 characters');
  const unplanned = !failback && options.planned !== true;
  if (unplanned && options.dryRun !== true && options.yes !== true && !env.stdinIsTty) {
    // Refused before any call, even the read of the region that is up.
    throw new NotConfirmed('an unplanned failover accepts data loss: confirm it interactively, or pass --yes');
  }
  // failback and a planned switchover each have one target; an unplanned failover defaults to the
  // region that is not active now, which needs a read, so its plan is checked after it.
  let target = options.region;
  let source = '--region';
  if (target === undefined && failback) {
    target = names.primary;
    source = "the stage's primary, failback's only target";
  } else if (target === undefined && options.planned === true) {
    target = names.secondary;
    source = "the stage's secondary, a planned switchover's only target";
  }
  const request = {
    names,
    stage: options.stage,
    planned: failback || options.planned === true,
    failback,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    operator: safeUser(),
    now: env.now(),
  };
  if (target === undefined) {
    const up = await regionThatIsUp(env.sdk, names);
    target = up.region === names.primary ? names.secondary : names.primary;
    source = `the region that is not active: ${up.source} names ${up.region}`;
  }
  const plan = planFailover({ ...request, target });
  if ('problem' in plan) throw new BadInput(plan.problem);
  const progress = createProgress({
    mode: progressMode(options, env),
    stdout: env.stdout,
    stderr: env.stderr,
    now: () => env.now().getTime(),
  });
  progress.note(`${plan.action} of stage ${options.stage} to ${target} (${source}); the run is in ${plan.runRegion}`);

  if (plan.dataLoss && !options.dryRun && !options.yes) {
    if (!env.stdinIsTty) {
      throw new NotConfirmed('an unplanned failover accepts data loss: confirm it interactively, or pass --yes');
    }
    for (const step of plan.steps) progress.note(`  - ${step}`);
    const phrase = `activate ${target}`;
    const answer = await env.ask(`Aurora's replication lag is lost. Type "${phrase}" to continue: `);
    if (answer.trim() !== phrase) throw new NotConfirmed('not confirmed; nothing was changed');
  }
  try {
    const result = await runFailover(
      { sdk: env.sdk, progress, names, sleep: (ms) => new Promise((done) => setTimeout(done, ms)), pollMs: env.pollMs },
      plan,
      options.dryRun === true,
    );
    const text = result.dryRun
      ? `dry run: nothing was started`
      : `${target} is active for stage ${options.stage} (${plan.action} succeeded): ${result.executionArn}`;
    progress.result({ ...result, action: plan.action, target, runRegion: plan.runRegion }, text);
    return EXIT.done;
  } finally {
    progress.stop();
  }
}

/** The operator's name for the run's input (planFailover keeps the characters failover-region.sh keeps). */
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
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

  addCommonOptions(program.command('status'))
    .description(
      'where each tier stands: writer, cache primary, DNS answer, fence, lags, backups, alarms, running recoveries',
    )
    .action(run((options: CommonOptions) => statusCommand(options, env)));

  addCommonOptions(program.command('failover'))
    .description(
      'make --region the active region (default: the one not active now) with the region failover state machine; ' +
        'unplanned (data loss, asks first) unless --planned',
    )
    .option('--planned', 'both regions answer: a switchover to the secondary, nothing lost')
    .option('--reason <text>', "up to 200 characters, recorded in the run's input")
    .action(
      run((options: CommonOptions & { planned: boolean; reason?: string }) => failoverCommand(options, env, false)),
    );

  addCommonOptions(program.command('failback'))
    .description(
      'move the writer and the cache back to the primary and lift the DNS fence (planned, run in the secondary)',
    )
    .option('--reason <text>', "up to 200 characters, recorded in the run's input")
    .action(run((options: CommonOptions & { reason?: string }) => failoverCommand(options, env, true)));

  return program;
}

/** Each command's usage, for the message of bad input that commander did not find itself. */
function usageOf(program: Command, name: string | undefined): string {
  const command = program.commands.find((each) => each.name() === name) ?? program;
  return command.helpInformation().trimEnd();
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
  const subcommand = args.find((arg) => !arg.startsWith('-'));
  const usage = () => usageOf(program, subcommand);
  const writeErr = (text: string) => env.stderr.write(text);
  const silence = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (text) => env.stdout.write(text),
      writeErr,
      // commander's "error: <message>" becomes "dr <command>: <message>" and the usage (below).
      outputError: () => undefined,
    });
  };
  silence(program);
  program.commands.forEach(silence);

  // --help anywhere before `--` wins over any other problem on the line, as in the project's scripts.
  const end = args.indexOf('--');
  const helpAt = args.findIndex((arg, index) => (arg === '--help' || arg === '-h') && (end === -1 || index < end));
  const line =
    helpAt === -1
      ? [...args]
      : [...(program.commands.some((each) => each.name() === subcommand) ? [subcommand ?? ''] : []), '--help'];
  const name = program.commands.some((each) => each.name() === subcommand) ? `dr ${subcommand}` : 'dr';
  if (helpAt === -1 && subcommand === undefined) {
    // commander would print the whole help as the error; the house prints the problem first.
    writeErr(`dr: missing command: status, failover or failback\n${usage()}\n`);
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
          ? 'missing command: status, failover or failback'
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
