// What every dr subcommand shares: its options, its surroundings, its exit statuses and the errors main() turns into them.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { userInfo } from 'node:os';
import type { Sdk } from './aws';
import { createProgress, progressModeFor, type Progress } from './progress';
import { regionThatIsUp } from './region';
import { STAGE_NAMES, STAGE_REGIONS, stageNames } from './stage';
import type { Stage } from '../../lib/config/types';

/** Exit statuses, as every script of the project uses them (docs/runbooks/README.md, "The scripts"). */
export const EXIT = { done: 0, failed: 1, badInput: 2 } as const;

/** The options every subcommand takes. */
export interface CommonOptions {
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
export class BadInput extends Error {}

/** Not confirmed (no terminal and no --yes, or the wrong phrase): exit 2, nothing changed. */
export class NotConfirmed extends Error {}

/**
 * A subcommand module: adds its command(s) to the program. `run` wraps an action so that its exit
 * status reaches main(); commander passes the parsed options as the action's first argument.
 */
export type RegisterCommand = (
  program: Command,
  env: CliEnv,
  run: <T>(action: (options: T) => Promise<number>) => (options: T) => Promise<void>,
) => void;

const REGION_FORMAT = /^[a-z]{2}(-[a-z]+)+-\d$/;

function regionArgument(value: string): string {
  if (!REGION_FORMAT.test(value)) throw new InvalidArgumentError(`'${value}' is not a region name such as us-west-2.`);
  return value;
}

/** Adds --stage, --region, --dry-run, --json and --yes to `command`. */
export function addCommonOptions(command: Command): Command {
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
export async function chosenRegion(options: CommonOptions, env: CliEnv): Promise<{ region: string; source: string }> {
  const names = stageNames(options.stage);
  if (options.region !== undefined) return { region: options.region, source: '--region' };
  return regionThatIsUp(env.sdk, names);
}

/** Refuses a --region that is not one of the stage's two regions, before any call. */
export function checkRegionOfStage(options: CommonOptions): void {
  const { primary, secondary } = STAGE_REGIONS[options.stage];
  if (options.region !== undefined && options.region !== primary && options.region !== secondary) {
    throw new BadInput(
      `--region ${options.region} is not a region of stage ${options.stage} (${primary}, ${secondary})`,
    );
  }
}

/** Live steps on a terminal, plain lines otherwise, JSON lines with --json. */
export function progressFor(options: CommonOptions, env: CliEnv): Progress {
  return createProgress({
    mode: progressModeFor(options.json === true, env.stderr.isTTY === true),
    stdout: env.stdout,
    stderr: env.stderr,
    now: () => env.now().getTime(),
  });
}

/** The operator's name for a run's input. */
export function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
