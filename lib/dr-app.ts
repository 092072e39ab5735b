// Composes the stacks of one stage across both regions; bin/ and the tests both build the app through it.
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig, RegionRole } from './config';
import { AlertingStack } from './stacks/alerting-stack';
import { ComputeStack } from './stacks/compute-stack';
import { DataStack } from './stacks/data-stack';
import { DnsStack } from './stacks/dns-stack';
import { DocsStack } from './stacks/docs-stack';
import { NetworkStack } from './stacks/network-stack';
import { ProtectionStack } from './stacks/protection-stack';

/** The stacks of one region. */
export interface RegionalStacks {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly protection: ProtectionStack;
  readonly data: DataStack;
  readonly compute: ComputeStack;
  readonly docs: DocsStack;
}

/** Every stack of one stage: the regional stacks by region role, and the global ones. */
export type DrStacks = Readonly<Record<RegionRole, RegionalStacks>> & {
  /** Global DNS failover of the API, in the primary region (us-east-1). */
  readonly dns: DnsStack;
};

/** Creates every stack of `config.stage` in both regions under `scope` (an App or Stage). */
export function buildDrApp(scope: Construct, config: DrConfig): DrStacks {
  const regions = {} as Record<RegionRole, RegionConfig>;
  for (const region of config.regions) regions[region.role] = region;
  // validateConfig guarantees one region per role; this only guards direct callers.
  if (!regions.primary || !regions.secondary) throw new Error('config must have one primary and one secondary region');

  const foundation = (regionConfig: RegionConfig) => {
    const alerting = new AlertingStack(scope, { config, regionConfig });
    return {
      network: new NetworkStack(scope, { config, regionConfig }),
      alerting,
      protection: new ProtectionStack(scope, { config, regionConfig, alerting }),
    };
  };
  const base = { primary: foundation(regions.primary), secondary: foundation(regions.secondary) };
  const data = (role: RegionRole, peer: RegionRole) =>
    new DataStack(scope, { config, regionConfig: regions[role], ...base[role], peerRegion: regions[peer] });
  const primaryData = data('primary', 'secondary');
  const secondaryData = data('secondary', 'primary');

  // Cross-region order, which references cannot express: the primary's secret replica needs the
  // secondary's secrets key, and the secondary cluster joins the global cluster the primary creates.
  primaryData.addStackDependency(base.secondary.protection, 'secret replica key and backup copy vault');
  secondaryData.addStackDependency(primaryData, 'joins the global cluster created by the primary');

  const compute = (role: RegionRole, peer: RegionRole) =>
    new ComputeStack(scope, { config, regionConfig: regions[role], ...base[role], peerRegion: regions[peer] });
  const primaryCompute = compute('primary', 'secondary');
  const secondaryCompute = compute('secondary', 'primary');

  // Route 53 metrics exist only in us-east-1, the primary region here; the health checks probe the
  // regional names that the compute stacks create, which no reference can express.
  const dns = new DnsStack(scope, {
    config,
    regionConfig: regions.primary,
    alerting: base.primary.alerting,
    regions,
  });
  dns.addStackDependency(primaryCompute, 'health checks and failover records target the regional name it creates');
  dns.addStackDependency(secondaryCompute, 'health checks and failover records target the regional name it creates');

  const docs = (role: RegionRole, peer: RegionRole) =>
    new DocsStack(scope, {
      config,
      regionConfig: regions[role],
      alerting: base[role].alerting,
      peerRegion: regions[peer],
    });
  const secondaryDocs = docs('secondary', 'primary');
  const primaryDocs = docs('primary', 'secondary');
  // The primary replicates into, and its distribution reads from, the bucket the secondary creates.
  primaryDocs.addStackDependency(secondaryDocs, 'replicates into and fails over to the secondary docs bucket');

  return {
    primary: { ...base.primary, data: primaryData, compute: primaryCompute, docs: primaryDocs },
    secondary: { ...base.secondary, data: secondaryData, compute: secondaryCompute, docs: secondaryDocs },
    dns,
  };
}
