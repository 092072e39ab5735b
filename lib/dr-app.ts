// Composes the stacks of one stage across both regions; bin/ and the tests both build the app through it.
import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig, RegionRole } from './config';
import { AlertingStack } from './stacks/alerting-stack';
import { AutomationStack } from './stacks/automation-stack';
import { CacheBackupStack } from './stacks/cache-backup-stack';
import { CacheStack } from './stacks/cache-stack';
import { DashboardStack } from './stacks/dashboard-stack';
import { ComputeStack } from './stacks/compute-stack';
import { DataStack } from './stacks/data-stack';
import { DnsStack } from './stacks/dns-stack';
import { DocsStack } from './stacks/docs-stack';
import { NetworkStack } from './stacks/network-stack';
import { ProtectionStack } from './stacks/protection-stack';
import { StatusPageStack } from './stacks/status-page-stack';

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
  readonly compute: ComputeStack;
  readonly docs: DocsStack;
  readonly automation: AutomationStack;
  readonly statusPage: StatusPageStack;
}

/** Every stack of one stage: the regional stacks by region role, and the global ones. */
export type DrStacks = Readonly<Record<RegionRole, RegionalStacks>> & {
  /** Global DNS failover of the API, in the primary region (us-east-1). */
  readonly dns: DnsStack;
  /** The DR dashboard of each region, over the alarms of every stack of the region. */
  readonly dashboards: Readonly<Record<RegionRole, DashboardStack>>;
};

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
  const regional = (role: RegionRole, peer: RegionRole): RegionalStacks => {
    const regionConfig = regions[role];
    const { network, alerting } = base[role];
    const data = new DataStack(scope, { config, regionConfig, ...base[role], peerRegion: regions[peer] });
    const cache = cacheTier(scope, config, regionConfig, network, alerting);
    const compute = new ComputeStack(scope, { config, regionConfig, ...base[role], peerRegion: regions[peer] });
    compute.addStackDependency(data, 'the pods read the global writer endpoint parameter it writes');
    return {
      ...base[role],
      data,
      ...cache,
      compute,
      docs: new DocsStack(scope, { config, regionConfig, alerting, peerRegion: regions[peer] }),
      statusPage: new StatusPageStack(scope, { config, regionConfig, alerting, peerRegion: regions[peer] }),
      automation: new AutomationStack(scope, {
        config,
        regionConfig,
        ...base[role],
        data,
        cache: cache.cache,
        peerRegion: regions[peer],
        peerProbeAlarm: compute.peerProbe.failoverAlarm,
      }),
    };
  };
  const primary = regional('primary', 'secondary');
  const secondary = regional('secondary', 'primary');

  // Route 53 metrics exist only in us-east-1, the primary region here.
  const dns = new DnsStack(scope, { config, regionConfig: regions.primary, alerting: base.primary.alerting, regions });

  // Built last: each reads the alarms of every stack of its region (the DNS stack's in the primary).
  const stacksOf = (regional: RegionalStacks, ...more: Stack[]): Stack[] => [...Object.values(regional), ...more];
  const dashboard = (role: RegionRole, peer: RegionRole, stacks: Stack[], peerStacks: Stack[]) =>
    new DashboardStack(scope, { config, regionConfig: regions[role], stacks, peerRegion: regions[peer], peerStacks });
  const dashboards = {
    primary: dashboard('primary', 'secondary', stacksOf(primary, dns), stacksOf(secondary)),
    secondary: dashboard('secondary', 'primary', stacksOf(secondary), stacksOf(primary, dns)),
  };

  orderDataTier(primary, secondary);
  orderCacheTier(primary, secondary);
  orderTrafficTier(primary, secondary, dns);
  orderAutomationTier(config, secondary, dns);
  return { primary, secondary, dns, dashboards };
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

/**
 * The health checks and failover records target the regional names the compute stacks create; the
 * primary docs bucket replicates into, and its distribution fails over to, the secondary's bucket.
 */
function orderTrafficTier(primary: RegionalStacks, secondary: RegionalStacks, dns: DnsStack): void {
  for (const region of [primary, secondary]) {
    dns.addStackDependency(region.compute, 'health checks and failover records target the regional name it creates');
  }
  primary.docs.addStackDependency(secondary.docs, 'replicates into and fails over to the secondary docs bucket');
}

/**
 * The secondary's failover decision builds its composite alarms on the canary alarm its Compute
 * stack creates; the primary record's calculated health check reads the fence alarm the secondary's
 * Automation stack creates (by name and region: Route 53 requires the alarm to exist).
 */
function orderAutomationTier(_config: DrConfig, secondary: RegionalStacks, dns: DnsStack): void {
  secondary.automation.addStackDependency(secondary.compute, 'the failover decision reads its canary alarm (S1)');
  dns.addStackDependency(secondary.automation, 'the primary record health check reads its DNS fence alarm');
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
