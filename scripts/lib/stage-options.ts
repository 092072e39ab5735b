// The --stage and --region options of the operator scripts, checked before any AWS call, worded the same in every script.
import { STAGES, type Stage } from '../../lib/config/types';
import { UsageError } from './cli-args.cjs';

/** `--stage`, prod when not given; throws UsageError naming the stages. */
export function stageOption(value: string | undefined): Stage {
  const stage = value ?? 'prod';
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new UsageError(`--stage "${stage}" is not one of ${STAGES.join(', ')}`);
  }
  return stage as Stage;
}

/**
 * `--region`, or AWS_REGION when not given; it must be one of `regions`, the stage's own (the caller
 * reads them from STAGE_DEFAULTS, which loads CDK: this module stays light for --help).
 */
export function regionOption(
  stage: Stage,
  value: string | undefined,
  env: NodeJS.ProcessEnv,
  regions: readonly string[],
): string {
  const region = value ?? env.AWS_REGION;
  if (!region) throw new UsageError(`give --region, one of stage ${stage}'s: ${regions.join(', ')}`);
  if (!regions.includes(region)) {
    const source = value === undefined ? 'AWS_REGION' : '--region';
    throw new UsageError(`${source} "${region}" is not a region of stage ${stage} (${regions.join(', ')})`);
  }
  return region;
}
