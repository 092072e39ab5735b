// Entry point of the typed configuration: builds a stage's config from its defaults and validates it.
import { PLACEHOLDER_ACCOUNT, STAGE_DEFAULTS } from './stages';
import { STAGES, type DrConfig, type Stage } from './types';
import { ConfigValidationError, validateConfig } from './validate';

export * from './types';
export * from './validate';
export { PLAN_OBJECTIVES, PLAN_SCHEDULES } from './plan';
export { PLACEHOLDER_ACCOUNT, STAGE_DEFAULTS } from './stages';

/** What `bin/` hands over from CDK context and the environment. */
export interface ConfigInput {
  /** `-c stage=...`. @default 'prod' */
  readonly stage?: string;
  /** `-c account=...`, else `CDK_DEFAULT_ACCOUNT`. @default PLACEHOLDER_ACCOUNT */
  readonly account?: string;
}

function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/** Builds and validates the configuration of one stage; throws {@link ConfigValidationError}. */
export function loadConfig(input: ConfigInput = {}): DrConfig {
  const stage = input.stage ?? 'prod';
  if (!isStage(stage)) {
    throw new ConfigValidationError([
      { field: 'stage', value: stage, fix: `unknown stage; use one of ${STAGES.join(', ')} (-c stage=...)` },
    ]);
  }
  return validateConfig({ ...STAGE_DEFAULTS[stage], account: input.account ?? PLACEHOLDER_ACCOUNT });
}

/** The schedule `id` of `config`; throws naming the id when the config lacks it. */
export function scheduleById(config: DrConfig, id: string): DrConfig['schedules'][number] {
  const schedule = config.schedules.find((candidate) => candidate.id === id);
  if (!schedule) {
    throw new ConfigValidationError([
      {
        field: 'schedules',
        value: config.schedules.map((s) => s.id),
        fix: `add the schedule "${id}"; the backup plan runs on it`,
      },
    ]);
  }
  return schedule;
}
