// Composes the stacks of one stage across both regions; bin/ and the tests both build the app through it.
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig, RegionRole } from './config';
import { AlertingStack } from './stacks/alerting-stack';
import { CacheBackupStack } from './stacks/cache-backup-stack';
import { CacheStack } from './stacks/cache-stack';
import { NetworkStack } from './stacks/network-stack';

/** The stacks of one region. */
export interface RegionalStacks {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly cache: CacheStack;
  readonly cacheBackup: CacheBackupStack;
}

/** Every stack of one stage, by region role. */
export type DrStacks = Readonly<Record<RegionRole, RegionalStacks>>;

/** Creates every stack of `config.stage` in both regions under `scope` (an App or Stage). */
export function buildDrApp(scope: Construct, config: DrConfig): DrStacks {
  const stacks: Partial<Record<RegionRole, RegionalStacks>> = {};
  for (const regionConfig of config.regions) {
    const network = new NetworkStack(scope, { config, regionConfig });
    const alerting = new AlertingStack(scope, { config, regionConfig });
    stacks[regionConfig.role] = {
      network,
      alerting,
      ...cacheTier(scope, config, regionConfig, network, alerting),
    };
  }
  const { primary, secondary } = stacks;
  // validateConfig guarantees one region per role; this only narrows the type.
  if (!primary || !secondary) throw new Error('config must have one primary and one secondary region');
  orderCacheTier(primary, secondary);
  return { primary, secondary };
}

function cacheTier(
  scope: Construct,
  config: DrConfig,
  regionConfig: RegionConfig,
  network: NetworkStack,
  alerting: AlertingStack,
): Pick<RegionalStacks, 'cache' | 'cacheBackup'> {
  const { alerts } = alerting;
  return {
    cache: new CacheStack(scope, {
      config,
      regionConfig,
      vpc: network.network.vpc,
      clientSecurityGroups: [network.network.orchestratorSecurityGroup, network.network.automationSecurityGroup],
      criticalTopic: alerts.topic('critical'),
      highTopic: alerts.topic('high'),
      alertTopicKey: alerts.key,
    }),
    cacheBackup: new CacheBackupStack(scope, { config, regionConfig, highTopic: alerts.topic('high') }),
  };
}

/**
 * Deploy order across regions: the secondary's replication group joins the primary's Global
 * Datastore and reads its AUTH token replica, so the primary cache stack goes first; the primary's
 * backup bucket replicates into the secondary's, so the secondary backup stack goes first.
 */
function orderCacheTier(primary: RegionalStacks, secondary: RegionalStacks): void {
  secondary.cache.addStackDependency(primary.cache, 'joins the Global Datastore and reads the AUTH token replica');
  primary.cacheBackup.addStackDependency(secondary.cacheBackup, 'replicates backups into the secondary bucket');
}
