// dr warm-cache: the cache warm-up state machine of the region being recovered into, from a versioned manifest in S3 (docs/runbooks/cache-warm-up.md).
import { parameterName, stageParameters, WARM_UP_MANIFEST } from '../../../lib/contract';
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  chosenRegion,
  EXIT,
  progressFor,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { runRecoveryJob } from '../recovery-job';

type WarmCacheOptions = CommonOptions & { manifest?: string; version?: string };

/** The first state of the run, or the bad input; checked before any call. */
export function warmUpInput(options: { manifest?: string; version?: string }): {
  manifestKey?: string;
  versionId?: string;
} {
  const key = options.manifest;
  if (key !== undefined && (!key.startsWith(WARM_UP_MANIFEST.prefix) || key.endsWith('/') || key.length > 1024))
    throw new BadInput(`--manifest must be an object key under ${WARM_UP_MANIFEST.prefix}, got '${key}'`);
  const version = options.version;
  if (version !== undefined && !/^[A-Za-z0-9._-]{1,1024}$/.test(version))
    throw new BadInput(`--version must be an S3 version id, got '${version}'`);
  return {
    ...(key === undefined ? {} : { manifestKey: key }),
    ...(version === undefined ? {} : { versionId: version }),
  };
}

async function warmCacheCommand(options: WarmCacheOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const input = { phase: 'start', ...warmUpInput(options) };
  const { region, source } = await chosenRegion(options, env);
  const progress = progressFor(options, env);
  const key = input.manifestKey ?? WARM_UP_MANIFEST.defaultKey;
  progress.note(`cache warm-up of stage ${options.stage} in ${region} (${source}) from ${key}`);
  try {
    const result = await runRecoveryJob(
      { sdk: env.sdk, progress, sleep: (ms) => new Promise((done) => setTimeout(done, ms)), pollMs: env.pollMs },
      {
        command: 'warm-cache',
        region,
        parameter: stageParameters(options.stage).cacheWarmUpStateMachineArn,
        stack: 'Automation',
        input,
        steps: [
          `read ${key} of the cache backup bucket in ${region} at ${input.versionId ?? 'its current version'}, and every source it names; check them all before writing`,
          `load the keys into the cache primary of ${region} in pipelines of SET, one share per step (${parameterName(options.stage, 'cache', 'replication-group-id')} names the group)`,
          'report cache_warm_up_keys_loaded per step and cache_warm_up_succeeded at the end',
        ],
        runbook: 'docs/runbooks/cache-warm-up.md',
      },
      options.dryRun === true,
      env.now(),
    );
    const verdict = (result.output?.verdict as { detail?: string } | undefined)?.detail;
    progress.result(
      { ...result, region },
      result.dryRun
        ? 'dry run: nothing was started'
        : `cache warm-up succeeded in ${region}: ${verdict ?? result.executionArn}`,
    );
    return EXIT.done;
  } finally {
    progress.stop();
  }
}

export const registerWarmCache: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('warm-cache'))
    .description(
      `load a versioned warm-up manifest from S3 into the cache primary of --region with its state machine (default manifest ${WARM_UP_MANIFEST.defaultKey})`,
    )
    .option('--manifest <key>', `the manifest's key under ${WARM_UP_MANIFEST.prefix} of the cache backup bucket`)
    .option('--version <id>', "the manifest's S3 version id (default: its current version, which the run pins)")
    .action(run((options: WarmCacheOptions) => warmCacheCommand(options, env)));
};
