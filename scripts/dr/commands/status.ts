// dr status: where each tier stands, read from the region that is up.
import {
  addCommonOptions,
  checkRegionOfStage,
  chosenRegion,
  EXIT,
  type CliEnv,
  type CommonOptions,
  type RegisterCommand,
} from '../command-kit';
import { stageNames } from '../stage';
import { readStatus, renderStatus } from '../status';

async function statusCommand(options: CommonOptions, env: CliEnv): Promise<number> {
  checkRegionOfStage(options);
  const names = stageNames(options.stage);
  const { region, source } = await chosenRegion(options, env);
  const report = await readStatus({ sdk: env.sdk, names, now: env.now }, options.stage, region, source);
  if (options.json) env.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else env.stdout.write(`${renderStatus(report)}\n`);
  return report.unknown.length > 0 ? EXIT.failed : EXIT.done;
}

export const registerStatus: RegisterCommand = (program, env, run) => {
  addCommonOptions(program.command('status'))
    .description(
      'where each tier stands: writer, cache primary, DNS answer, fence, lags, backups, alarms, running recoveries',
    )
    .action(run((options: CommonOptions) => statusCommand(options, env)));
};
