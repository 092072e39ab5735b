// dr failover and dr failback: the region failover state machine, started and followed from the region being recovered into.
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  EXIT,
  NotConfirmed,
  progressFor,
  safeUser,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { planFailover, runFailover } from '../failover';
import { regionThatIsUp } from '../region';
import { stageNames } from '../stage';

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
  const progress = progressFor(options, env);
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

export const registerFailover: RegisterCommand = (program, env, run) => {
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
};
