// Composes the stacks of one stage across both regions; bin/ and the tests both build the app through it.
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig, RegionRole } from './config';
import { AlertingStack } from './stacks/alerting-stack';
import { CacheBackupStack } from './stacks/cache-backup-stack';
import { CacheStack } from './stacks/cache-stack';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { ProtectionStack } from './stacks/protection-stack';

/** The stacks every later tier of a region builds on. */
interface Foundation {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly protection: ProtectionStack;
}

/** The stacks of one region. */
export interface RegionalStacks extends Foundation {
  readonly data: DataStack;
  readonly cache: CacheStack;
  readonly cacheBackup: CacheBackupStack;
}

/** Every stack of one stage, by region role. */
export type DrStacks = Readonly<Record<RegionRole, RegionalStacks>>;

/** Creates every stack of `config.stage` in both regions under `scope` (an App or Stage). */
export function buildDrApp(scope: Construct, config: DrConfig): DrStacks {
  const regions = {} as Record<RegionRole, RegionConfig>;
  for (const region of config.regions) regions[region.role] = region;
  // validateConfig guarantees one region per role; this only guards direct callers.
  if (!regions.primary || !regions.secondary) throw new Error('config must have one primary and one secondary region');

  const base = {
    primary: foundation(scope, config, regions.primary),
    secondary: foundation(scope, config, regions.secondary),
  };
  const data = (role: RegionRole, peer: RegionRole) =>
    new DataStack(scope, { config, regionConfig: regions[role], ...base[role], peerRegion: regions[peer] });
  const primary: RegionalStacks = {
    ...base.primary,
    data: data('primary', 'secondary'),
    ...cacheTier(scope, config, regions.primary, base.primary.network, base.primary.alerting),
  };
  const secondary: RegionalStacks = {
    ...base.secondary,
    data: data('secondary', 'primary'),
    ...cacheTier(scope, config, regions.secondary, base.secondary.network, base.secondary.alerting),
  };
  orderDataTier(primary, secondary);
  orderCacheTier(primary, secondary);
  return { primary, secondary };
}

function foundation(scope: Construct, config: DrConfig, regionConfig: RegionConfig): Foundation {
  const alerting = new AlertingStack(scope, { config, regionConfig });
  return {
    network: new NetworkStack(scope, { config, regionConfig }),
    alerting,
    protection: new ProtectionStack(scope, { config, regionConfig, alerting }),
  };
}

/**
 * Deploy order across regions, which references cannot express: the primary's secret replica needs
 * the secondary's secrets key, and the secondary cluster joins the global cluster the primary creates.
 */
function orderDataTier(primary: RegionalStacks, secondary: RegionalStacks): void {
  primary.data.addStackDependency(secondary.protection, 'secret replica key and backup copy vault');
  secondary.data.addStackDependency(primary.data, 'joins the global cluster created by the primary');
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
