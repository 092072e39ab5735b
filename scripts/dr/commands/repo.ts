// dr repo verify: the newest git bundle of each region's repository mirror is complete and holds the current main.
import { Argument } from 'commander';
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  EXIT,
  progressFor,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { expectedCommit, verifyRegion, type BundleCheck } from '../repo';
import { stageNames } from '../stage';

type RepoOptions = CommonOptions & { commit?: string };

const COMMIT = /^[0-9a-f]{7,40}$/;

function line(check: BundleCheck): string {
  const found = check.key
    ? `s3://${check.bucket}/${check.key} (${check.bytes} bytes, ${check.ageHours} h old), main ${check.main ?? 'none'}`
    : `s3://${check.bucket}`;
  const verdict = check.problems.length === 0 ? 'OK' : `FAILED: ${check.problems.join('; ')}`;
  return `${check.region}: ${verdict}: ${found}`;
}

async function repoCommand(options: RepoOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  if (options.commit !== undefined && !COMMIT.test(options.commit)) {
    throw new BadInput(`--commit must be a commit id (7 to 40 lowercase hex digits), got: '${options.commit}'`);
  }
  // The expected commit is settled before any AWS call: without one there is nothing to verify against.
  let commit: string;
  try {
    commit = await expectedCommit(options.commit, process.cwd());
  } catch (error) {
    throw new BadInput(`no --commit, and origin/main cannot be read here (${(error as Error).message}); give --commit`);
  }
  const names = stageNames(options.stage);
  const regions = options.region !== undefined ? [options.region] : [names.primary, names.secondary];
  const progress = progressFor(options, env);
  try {
    progress.note(`verify the newest bundle of stage ${options.stage} in ${regions.join(' and ')} against ${commit}`);
    if (options.dryRun) {
      progress.result({ dryRun: true, commit, regions }, 'dry run: nothing was downloaded');
      return EXIT.done;
    }
    const checks: BundleCheck[] = [];
    for (const region of regions) {
      const check = await verifyRegion({ sdk: env.sdk, names, now: env.now }, region, commit);
      progress.step(line(check));
      checks.push(check);
    }
    const ok = checks.every((check) => check.problems.length === 0);
    progress.result(
      { commit, ok, checks },
      ok
        ? `every region's newest bundle is complete and holds ${commit}`
        : `repository mirror FAILED:\n${checks.map(line).join('\n')}`,
    );
    return ok ? EXIT.done : EXIT.failed;
  } finally {
    progress.stop();
  }
}

export const registerRepo: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('repo'))
    .description(
      "verify: download each region's newest git bundle of the repository mirror, git bundle verify it, " +
        'and check it holds the current main (origin/main here, or --commit)',
    )
    .addArgument(new Argument('<action>', 'verify').choices(['verify']))
    .option('--commit <sha>', 'the commit the bundle must hold (default: origin/main of the repository here)')
    .action((_action: string, options: RepoOptions) => run((opts: RepoOptions) => repoCommand(opts, env))(options));
};
