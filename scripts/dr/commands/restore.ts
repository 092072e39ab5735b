// dr restore db and dr restore cache: the region's restore state machines, started and followed from the region being recovered into.
import { Option } from 'commander';
import { restoreTimeProblem } from '../../../lib/contract';
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  chosenRegion,
  EXIT,
  NotConfirmed,
  progressFor,
  safeUser,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import type { ExecutionDeps } from '../execution';
import { databaseRequestProblems, runDatabaseRestore } from '../restore-db';
import { groupRequestProblems, runCacheRestore } from '../restore-cache';
import { stageNames } from '../stage';

type DbOptions = CommonOptions & { toTime?: string; snapshot?: string; id?: string; switch?: boolean };
type CacheOptions = CommonOptions & { backup: string; group?: string; switch?: boolean };

/**
 * A switch points the application at restored data: what was written since the backup is not in it.
 * Asked before any call when there is no terminal (refused without --yes), else once the plan is shown.
 */
function refuseUnconfirmedSwitch(options: CommonOptions & { switch?: boolean }, env: CliEnv): void {
  if (options.switch && !options.dryRun && !options.yes && !env.stdinIsTty) {
    throw new NotConfirmed(
      '--switch points the application at restored data, losing what was written since the backup: confirm it interactively, or pass --yes',
    );
  }
}

async function confirmSwitch(
  options: CommonOptions & { switch?: boolean },
  env: CliEnv,
  region: string,
): Promise<void> {
  if (!options.switch || options.dryRun || options.yes) return;
  const phrase = `switch ${region}`;
  const answer = await env.ask(
    `The application will use the restored data; what was written since the backup is lost to it. Type "${phrase}" to continue: `,
  );
  if (answer.trim() !== phrase) throw new NotConfirmed('not confirmed; nothing was changed');
}

function deps(options: CommonOptions, env: CliEnv): ExecutionDeps {
  return {
    sdk: env.sdk,
    progress: progressFor(options, env),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    pollMs: env.pollMs,
  };
}

async function restoreDb(options: DbOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const names = stageNames(options.stage);
  const now = env.now();
  // The checks that need no region come first; --id's prefix needs the region, checked once it is known.
  if (options.toTime !== undefined) {
    const problem = restoreTimeProblem(options.toTime, now);
    if (problem) throw new BadInput(problem);
  }
  if (options.toTime !== undefined && options.snapshot !== undefined) {
    throw new BadInput('give --to-time or --snapshot, not both');
  }
  refuseUnconfirmedSwitch(options, env);
  const { region, source } = await chosenRegion(options, env);
  const request = {
    names,
    region,
    ...(options.toTime === undefined ? {} : { toTime: options.toTime }),
    ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
    ...(options.id === undefined ? {} : { id: options.id }),
    switchEndpoint: options.switch === true,
    operator: safeUser(),
    now,
  };
  const problems = databaseRequestProblems(request);
  if (problems.length > 0) throw new BadInput(problems.join('; '));
  const run = deps(options, env);
  run.progress.note(`database restore of stage ${options.stage} in ${region} (${source})`);
  try {
    const result = await runDatabaseRestore(run, request, options.dryRun === true, () =>
      confirmSwitch(options, env, region),
    );
    const text = result.dryRun
      ? 'dry run: nothing was started'
      : `${result.input.clusterIdentifier} is available in ${region} at ${result.endpoint ?? '?'}` +
        (result.switched ? `; ${names.parameters.databaseEndpoint} names it` : '; the application still uses its own');
    run.progress.result(result, text);
    return EXIT.done;
  } finally {
    run.progress.stop();
  }
}

async function restoreCache(options: CacheOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const names = stageNames(options.stage);
  if (options.backup !== 'latest' && (!options.backup.endsWith('.rdb') || options.backup.startsWith('s3://'))) {
    throw new BadInput(
      `--backup must be latest or the object key of an .rdb export (no s3://), got: ${options.backup}`,
    );
  }
  if (options.group !== undefined && options.backup !== 'latest') {
    throw new BadInput('give --backup or --group, not both: the group of --group names its own backup');
  }
  refuseUnconfirmedSwitch(options, env);
  const { region, source } = await chosenRegion(options, env);
  if (options.group !== undefined) {
    const problems = groupRequestProblems(options.group, options.stage, region);
    if (problems.length > 0) throw new BadInput(problems.join('; '));
  }
  const run = deps(options, env);
  run.progress.note(`cache restore of stage ${options.stage} in ${region} (${source})`);
  try {
    const result = await runCacheRestore(
      run,
      {
        names,
        region,
        backup: options.backup,
        ...(options.group === undefined ? {} : { group: options.group }),
        switchEndpoint: options.switch === true,
        operator: safeUser(),
        now: env.now(),
      },
      options.dryRun === true,
      () => confirmSwitch(options, env, region),
    );
    const text = result.dryRun
      ? 'dry run: nothing was created or started'
      : `${result.replicationGroupId} is available in ${region} at ${result.endpoint ?? '?'}` +
        (result.switched ? `; ${names.parameters.cacheEndpoint} names it` : '; the application still uses its own');
    run.progress.result(result, text);
    return EXIT.done;
  } finally {
    run.progress.stop();
  }
}

export const registerRestore: RegisterCommand = (program, env, run) => {
  const restore = program
    .command('restore')
    .helpCommand(false)
    .description('restore the database or the cache into a new cluster or group, by the state machines of the region');
  addCommonOptions(restore.command('db'))
    .description(
      "a new Aurora cluster and its instance from -latest (default), --snapshot or --to-time; --switch points the application's database endpoint at it",
    )
    .option(
      '--to-time <time>',
      'restore the stack’s cluster as it was at this ISO 8601 UTC time, e.g. 2026-11-26T13:05:00Z',
    )
    .option(
      '--snapshot <id>',
      'a cluster snapshot of the region instead of -latest (a recovery point copied to its vault)',
    )
    .option('--id <cluster>', 'the new cluster (default: <stack cluster>-r<yyyyMMddHHmm>)')
    .option('--switch', 'once available, write its endpoint into the parameter the pods read (asks first; --yes skips)')
    .action(run((options: DbOptions) => restoreDb(options, env)));
  addCommonOptions(restore.command('cache'))
    .description(
      "a new replication group from the region's newest S3 export; --switch points the application's cache endpoint at it",
    )
    .addOption(
      new Option('--backup <key>', 'latest, or the object key of an .rdb export in the region’s backup bucket').default(
        'latest',
      ),
    )
    .option(
      '--group <id>',
      'a group an earlier dr restore cache created in --region (its terminal lost): start and follow its run, create nothing',
    )
    .option('--switch', 'once available, write its endpoint into the parameter the pods read (asks first; --yes skips)')
    .action(run((options: CacheOptions) => restoreCache(options, env)));
};
