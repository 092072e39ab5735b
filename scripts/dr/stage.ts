// The stage's regions and the fixed names the dr CLI reads, from lib/naming.ts without loading lib/config (and aws-cdk-lib with it).
import { RESOURCE_PREFIX, stageParameters } from '../../lib/contract';
import type { DrConfig, RegionConfig, Stage } from '../../lib/config/types';
import {
  cacheGlobalDatastoreSuffix,
  failoverAlarmNames,
  globalClusterIdentifier,
  stateMachineName,
} from '../../lib/naming';

export const STAGE_NAMES = ['prod', 'staging'] as const satisfies readonly Stage[];

/**
 * The regions of each stage as lib/config/stages.ts defines them (test/dr compares the two). Kept
 * here because stages.ts loads aws-cdk-lib, which would add seconds and megabytes to a 3 a.m. CLI.
 */
export const STAGE_REGIONS: Readonly<Record<Stage, { readonly primary: string; readonly secondary: string }>> = {
  prod: { primary: 'us-east-1', secondary: 'us-west-2' },
  staging: { primary: 'us-east-1', secondary: 'us-west-2' },
};

/** The names of a stage that the CLI reads; every one comes from lib/naming.ts or lib/contract. */
export function stageNames(stage: Stage) {
  // lib/naming.ts builds these names from the stage and the region alone; the rest of DrConfig
  // (sizes, schedules as aws-cdk-lib Durations) is not needed and not loaded.
  const config = { stage } as Pick<DrConfig, 'stage'> as DrConfig;
  const { primary, secondary } = STAGE_REGIONS[stage];
  const region = (name: string) => ({ region: name }) as Pick<RegionConfig, 'region'> as RegionConfig;
  return {
    stage,
    primary,
    secondary,
    parameters: stageParameters(stage),
    globalClusterId: globalClusterIdentifier(config),
    /** ElastiCache prepends its own prefix to the Global Datastore's id; this is the end of it. */
    globalDatastoreSuffix: cacheGlobalDatastoreSuffix(config),
    /** The fence and the DNS view live in the secondary region. */
    fenceAlarm: failoverAlarmNames(config, region(secondary)).fence,
    /** Every alarm of the stage starts with this (lib/naming.ts names them `async-toolformer-<stage>-...`). */
    alarmPrefix: `${RESOURCE_PREFIX}-${stage}-`,
    /** Every state machine of the stage in `regionName` starts with this. */
    stateMachinePrefix: (regionName: string) => stateMachineName(config, region(regionName), ''),
  } as const;
}

export type StageNames = ReturnType<typeof stageNames>;
