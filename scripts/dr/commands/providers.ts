// dr providers fallback|restore|limits: the plan's manual provider steps on the AppConfig profile of the region that is up.
import { Argument, InvalidArgumentError } from 'commander';
import { PROVIDER_NAME_PATTERN } from '../../../lib/contract/providers';
import {
  addCommonOptions,
  BadInput,
  checkRegionOfStage,
  chosenRegion,
  EXIT,
  progressFor,
  safeUser,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { runProviders, UnknownProvider } from '../providers';

/** The options of `dr providers`. */
interface ProvidersOptions extends CommonOptions {
  readonly provider?: string;
  readonly reason?: string;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly concurrent?: number;
}

const ACTIONS = ['fallback', 'restore', 'limits'] as const;

function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError(`'${value}' is not a whole number of at least 1.`);
  return Number(value);
}

function providerName(value: string): string {
  if (!PROVIDER_NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError(`'${value}' is not a provider name (2 to 9 lower-case letters and digits).`);
  }
  return value;
}

/** Everything wrong with the line that needs no AWS call to see. */
function checkLine(action: (typeof ACTIONS)[number], options: ProvidersOptions): void {
  checkRegionOfStage(options);
  const limits = [options.rpm, options.tpm, options.concurrent].some((value) => value !== undefined);
  if (action !== 'limits' && limits) throw new BadInput('--rpm, --tpm and --concurrent go with limits only');
  if (action !== 'limits' && options.provider === undefined) throw new BadInput(`${action} needs --provider`);
  if (action === 'limits' && limits && options.provider === undefined) {
    throw new BadInput('new limits need --provider; without --rpm, --tpm or --concurrent, limits only shows them');
  }
  if (options.reason !== undefined && (options.reason.trim() === '' || options.reason.length > 200)) {
    throw new BadInput('--reason must be 1 to 200 characters');
  }
}

async function providersCommand(
  action: (typeof ACTIONS)[number],
  options: ProvidersOptions,
  env: CliEnv,
): Promise<number> {
  checkLine(action, options);
  const { region, source } = await chosenRegion(options, env);
  const progress = progressFor(options, env);
  progress.note(`providers ${action} in ${region} (${source}) for stage ${options.stage}`);
  try {
    const operator = safeUser();
    const outcome = await runProviders(env.sdk, progress, {
      stage: options.stage,
      region,
      action,
      ...(options.provider === undefined ? {} : { provider: options.provider }),
      limits: {
        ...(options.rpm === undefined ? {} : { requestsPerMinute: options.rpm }),
        ...(options.tpm === undefined ? {} : { tokensPerMinute: options.tpm }),
        ...(options.concurrent === undefined ? {} : { maxConcurrent: options.concurrent }),
      },
      note: { changedBy: `operator:${operator}`, reason: options.reason ?? `dr providers ${action}`, now: env.now() },
      dryRun: options.dryRun === true,
    });
    const limits = Object.entries(outcome.rateLimits)
      .map(
        ([name, value]) =>
          `${name} ${value.requestsPerMinute} rpm, ${value.tokensPerMinute} tpm, ${value.maxConcurrent} concurrent`,
      )
      .join('; ');
    const text = !outcome.changed
      ? `nothing to change: ${outcome.summary}. Routing order ${outcome.routing.order.join(', ')} (version ${outcome.fromVersion}); limits: ${limits}`
      : outcome.dryRun
        ? `dry run: would write version ${outcome.fromVersion + 1} and deploy it ${outcome.strategy === 'immediate' ? 'at once' : 'gradually'}: ${outcome.summary}`
        : `version ${outcome.version} deploying ${outcome.strategy === 'immediate' ? 'at once' : 'gradually'} (deployment ${outcome.deploymentNumber}): ${outcome.summary}`;
    progress.result(outcome, text);
    return EXIT.done;
  } catch (error) {
    if (error instanceof UnknownProvider) throw new BadInput(error.message);
    throw error;
  } finally {
    progress.stop();
  }
}

export const registerProviders: RegisterCommand = (program, env, run) => {
  addCommonOptions(
    program
      .command('providers')
      .addArgument(new Argument('<action>', 'fallback, restore or limits').choices(ACTIONS))
      .description(
        "the third-party API providers' AppConfig profile: fallback takes --provider out of the routing order (at once), " +
          'restore puts it back, limits shows or changes rate limits (gradually, rolled back on a provider alarm)',
      ),
  )
    .option('--provider <name>', 'the provider, as the profile names it (openai, anthropic)', providerName)
    .option('--rpm <n>', 'limits: requests per minute', positiveInteger)
    .option('--tpm <n>', 'limits: tokens per minute', positiveInteger)
    .option('--concurrent <n>', 'limits: requests in flight at once', positiveInteger)
    .option('--reason <text>', "up to 200 characters, recorded in the version's routing")
    .action((action: (typeof ACTIONS)[number], options: ProvidersOptions) =>
      run((parsed: ProvidersOptions) => providersCommand(action, parsed, env))(options),
    );
};
