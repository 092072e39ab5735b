// dr freeze on|off|status|check: the deploy freeze of a stage, written in both regions, read by the deploy workflow before every deploy.
import { Argument } from 'commander';
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  EXIT,
  progressFor,
  safeUser,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { deployVerdict, describeReading, guardedRoles, readSwitch, roleTags, setFreeze } from '../freeze';
import { stageNames } from '../stage';
import { FREEZE_REASON_MAX, type FreezeState } from '../../../lib/contract/deploy-freeze';

const ACTIONS = ['on', 'off', 'status', 'check'] as const;
type Action = (typeof ACTIONS)[number];

type FreezeOptions = CommonOptions & { reason?: string };

/** One printable line: it travels in a parameter, a page and a workflow log. */
const printableLine = (text: string) =>
  ![...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** Refuses bad input before any AWS call. */
function checkInput(action: Action, options: FreezeOptions): void {
  checkRegionOfStage(options);
  const setting = action === 'on' || action === 'off';
  if (setting) {
    if (options.region !== undefined) {
      throw new BadInput(`--region does not apply to freeze ${action}: the switch is written in both regions`);
    }
    const reason = options.reason?.trim() ?? '';
    if (reason === '') throw new BadInput(`freeze ${action} needs --reason: the page and the refused deploys show it`);
    if (reason.length > FREEZE_REASON_MAX)
      throw new BadInput(`--reason is longer than ${FREEZE_REASON_MAX} characters`);
    if (!printableLine(reason)) throw new BadInput('--reason must be one line of printable characters');
  } else if (options.reason !== undefined) {
    throw new BadInput(`--reason applies to freeze on and off only, not ${action}`);
  }
}

async function freezeCommand(action: Action, options: FreezeOptions, env: CliEnv): Promise<number> {
  checkInput(action, options);
  const names = stageNames(options.stage);
  const deps = { sdk: env.sdk, names };
  const regions = options.region !== undefined ? [options.region] : [names.primary, names.secondary];
  const progress = progressFor(options, env);
  try {
    if (action === 'check' || action === 'status') {
      const readings = await Promise.all(regions.map((region) => readSwitch(deps, region)));
      const verdict = deployVerdict(readings);
      if (action === 'check') {
        const text = verdict.allowed
          ? `deploy allowed for stage ${options.stage}: ${verdict.why}`
          : `deploy REFUSED for stage ${options.stage}: ${verdict.why}`;
        progress.result({ stage: options.stage, allowed: verdict.allowed, readings }, text);
        return verdict.allowed ? EXIT.done : EXIT.failed;
      }
      // The roles are read apart from the switches: an unreadable list is shown and fails the command, never hidden.
      let rolesProblem: string | undefined;
      const roles = await guardedRoles(deps).catch((error: unknown) => {
        rolesProblem = (error as Error).message;
        return [] as string[];
      });
      const tags = await roleTags(deps, roles);
      const lines = [
        `deploy freeze of stage ${options.stage}:`,
        ...readings.map((reading) => `  ${describeReading(reading)}`),
        ...(rolesProblem ? [`  deploy roles: UNREADABLE: ${rolesProblem}`] : []),
        ...tags.map(
          (tag) =>
            `  role ${tag.role}: ${tag.problem ?? (tag.frozen ? 'tagged frozen (IAM denies it)' : 'not tagged')}`,
        ),
      ];
      progress.result({ stage: options.stage, readings, roles: tags, rolesProblem }, lines.join('\n'));
      const unreadable =
        readings.some((reading) => reading.status === 'unreadable') ||
        rolesProblem !== undefined ||
        tags.some((tag) => tag.problem !== undefined);
      return unreadable ? EXIT.failed : EXIT.done;
    }

    const state: FreezeState = {
      state: action,
      reason: options.reason!.trim(),
      by: safeUser(),
      at: env.now().toISOString(),
    };
    const roles = await guardedRoles(deps);
    progress.note(
      `freeze ${action} for stage ${options.stage}: write ${names.primary} and ${names.secondary}, ` +
        `${action === 'on' ? 'tag' : 'untag'} ${roles.join(', ')}`,
    );
    if (options.dryRun) {
      const readings = await Promise.all(regions.map((region) => readSwitch(deps, region)));
      for (const reading of readings) progress.note(`  now ${describeReading(reading)}`);
      progress.result({ dryRun: true, state, roles, readings }, 'dry run: nothing was written');
      return EXIT.done;
    }
    const change = await setFreeze(deps, state, roles);
    for (const region of change.regions)
      progress.step(`${region.region}: ${region.written ? 'written' : region.problem}`);
    for (const role of change.roles) {
      progress.step(`role ${role.role}: ${role.problem ?? (role.tagged ? 'tagged frozen' : 'untagged')}`);
    }
    const failed = [...change.regions, ...change.roles].filter((each) => each.problem !== undefined);
    const text =
      failed.length === 0
        ? `deploy freeze ${action.toUpperCase()} for stage ${options.stage} in both regions, set by ${state.by}: ${state.reason}`
        : `deploy freeze ${action} for stage ${options.stage} is INCOMPLETE: ${failed.map((each) => each.problem).join('; ')}`;
    progress.result({ ...change, complete: failed.length === 0 }, text);
    return failed.length === 0 ? EXIT.done : EXIT.failed;
  } finally {
    progress.stop();
  }
}

export const registerFreeze: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('freeze'))
    .description(
      'deploy freeze: on|off writes the switch in both regions and tags the deploy roles (IAM then denies them); ' +
        'status shows it; check exits 1 while it is on (the deploy workflow runs it before every deploy)',
    )
    .addArgument(new Argument('<action>', 'on, off, status or check').choices(ACTIONS))
    .option('--reason <text>', `why (on and off), up to ${FREEZE_REASON_MAX} characters; the page and refusals show it`)
    .action((action: Action, options: FreezeOptions) =>
      run((opts: FreezeOptions) => freezeCommand(action, opts, env))(options),
    );
};
