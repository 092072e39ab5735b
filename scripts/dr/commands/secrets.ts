// dr secrets reset: rotates every secret the stage owns, in dependency order, and reports what was rotated and when (docs/runbooks/reset-secrets.md).
import { Argument, InvalidArgumentError } from 'commander';
import {
  addCommonOptions,
  checkRegionOfStage,
  EXIT,
  NotConfirmed,
  progressFor,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { ORDER_REASON, planReset, runReset, type PlannedSecret } from '../secrets-reset';
import { stageNames } from '../stage';

type ResetOptions = CommonOptions & { clientGrace: number; timeout: number };

/** Minutes the pods have to read the new cache token before the old one is dropped, unless --client-grace says otherwise. */
export const DEFAULT_CLIENT_GRACE_MINUTES = 15;
/** Minutes one rotation may take: the cache token's steps wait for both groups, a few minutes per change. */
export const DEFAULT_TIMEOUT_MINUTES = 45;

function minutes(flag: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new InvalidArgumentError(`${flag} must be whole minutes from ${min} to ${max}, got '${value}'.`);
    return parsed;
  };
}

function describePlan(secret: PlannedSecret): string {
  const where = [secret.region, ...secret.replicaRegions].join(' and ');
  const how = secret.pendingVersion
    ? `a rotation to ${secret.pendingVersion} is under way: wait for it`
    : `RotateSecret with ${secret.rotationFunction ?? 'no rotation function (RotateSecret will fail)'}`;
  return `${secret.kind} ${secret.name} (${where}; now ${secret.currentVersion}): ${how}`;
}

async function resetCommand(options: ResetOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  if (options.dryRun !== true && options.yes !== true && !env.stdinIsTty) {
    throw new NotConfirmed(
      'resetting every secret makes every client read its secret again: confirm it interactively, or pass --yes',
    );
  }
  const names = stageNames(options.stage);
  // The stack's secrets are primary in the stage's primary; --region names the region a replica was promoted in.
  const region = options.region ?? names.primary;
  const progress = progressFor(options, env);
  const deps = {
    sdk: env.sdk,
    names,
    progress,
    sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
    pollMs: env.pollMs,
    now: env.now,
    timeoutMs: options.timeout * 60_000,
    clientGraceMs: options.clientGrace * 60_000,
  };
  try {
    const plan = await planReset(deps, region);
    progress.note(`secrets of stage ${options.stage}, in this order:`);
    plan.forEach((secret, index) => progress.note(`  ${index + 1}. ${describePlan(secret)}`));
    for (const kind of new Set(plan.map((secret) => secret.kind)))
      progress.note(`  why ${kind} here: ${ORDER_REASON[kind]}`);
    if (options.dryRun === true) {
      progress.result({ dryRun: true, plan }, `dry run: ${plan.length} secrets would rotate, nothing was changed`);
      return EXIT.done;
    }
    if (options.yes !== true) {
      const phrase = `reset ${options.stage}`;
      const answer = await env.ask(`Every client must read its secret again. Type "${phrase}" to continue: `);
      if (answer.trim() !== phrase) throw new NotConfirmed('not confirmed; nothing was changed');
    }
    const rotated = await runReset(deps, plan);
    const lines = rotated.map(
      (each) =>
        `${each.name}: ${each.previousVersion} -> ${each.newVersion}, ${each.startedAt} to ${each.finishedAt}` +
        `${each.replicasInSync.length > 0 ? `, replica ${each.replicasInSync.join(', ')} in sync` : ''}`,
    );
    progress.result(
      { dryRun: false, region, rotated },
      [`${rotated.length} rotations of ${plan.length} secrets of stage ${options.stage} done:`, ...lines].join('\n'),
    );
    return EXIT.done;
  } finally {
    progress.stop();
  }
}

export const registerSecrets: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('secrets'))
    .description(
      'reset: rotate every secret the stage owns (the Aurora master secret, the cache AUTH token twice, API keys tagged ' +
        'dr-secret-reset=api-key) in that order, waiting until each new version is current, replicated and in use',
    )
    .addArgument(new Argument('<action>', 'what to do with the secrets').choices(['reset']))
    .option(
      '--client-grace <minutes>',
      'how long the pods have to read the new cache token before the old one is dropped',
      minutes('--client-grace', 0, 240),
      DEFAULT_CLIENT_GRACE_MINUTES,
    )
    .option(
      '--timeout <minutes>',
      'how long one rotation may take before the reset fails',
      minutes('--timeout', 1, 180),
      DEFAULT_TIMEOUT_MINUTES,
    )
    // commander passes the argument first; `run` takes the options.
    .action((_action: string, options: ResetOptions) =>
      run((parsed: ResetOptions) => resetCommand(parsed, env))(options),
    );
};
