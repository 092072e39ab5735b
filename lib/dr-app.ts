// Composes the stacks of one stage across both regions; bin/ and the tests both build the app through it.
import type { Construct } from 'constructs';
import type { DrConfig, RegionRole } from './config';
import { AlertingStack } from './stacks/alerting-stack';
import { NetworkStack } from './stacks/network-stack';

/** The stacks of one region. */
export interface RegionalStacks {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
}

/** Every stack of one stage, by region role. */
export type DrStacks = Readonly<Record<RegionRole, RegionalStacks>>;

/** Creates every stack of `config.stage` in both regions under `scope` (an App or Stage). */
export function buildDrApp(scope: Construct, config: DrConfig): DrStacks {
  const stacks: Partial<Record<RegionRole, RegionalStacks>> = {};
  for (const regionConfig of config.regions) {
    stacks[regionConfig.role] = {
      network: new NetworkStack(scope, { config, regionConfig }),
      alerting: new AlertingStack(scope, { config, regionConfig }),
    };
  }
  const { primary, secondary } = stacks;
  // validateConfig guarantees one region per role; this only narrows the type.
  if (!primary || !secondary) throw new Error('config must have one primary and one secondary region');
  return { primary, secondary };
}
