// The DR dashboard of one region, in a stack of its own: it reads the alarms of every other stack of the region, so it is deployed after them.
import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { DrDashboard, alarmsUnder, type RegionAlarms } from '../constructs/dr-dashboard';
import { dashboardName, stackDescription, stateMachineName } from '../naming';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link DashboardStack}. */
export interface DashboardStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  /** The stacks of this region whose alarms the dashboard shows. */
  readonly stacks: readonly Stack[];
  /** The other region, and its stacks, whose alarms with literal metrics the dashboard shows too. */
  readonly peerRegion: RegionConfig;
  readonly peerStacks: readonly Stack[];
}

/** One region's DR dashboard. */
export class DashboardStack extends DrStack {
  public readonly dashboard: DrDashboard;

  constructor(scope: Construct, props: DashboardStackProps) {
    super(scope, {
      ...props,
      purpose: 'Dashboard',
      priority: 'high',
      description: stackDescription(props.config, props.regionConfig, 'DR dashboard'),
    });
    const regionAlarms = (region: RegionConfig, stacks: readonly Stack[]): RegionAlarms => ({
      region: region.region,
      alarms: stacks.flatMap(alarmsUnder),
      failoverStateMachineName: stateMachineName(this.config, region, 'region-failover'),
    });
    this.dashboard = new DrDashboard(this, 'Dashboard', {
      dashboardName: dashboardName(this.config, props.regionConfig),
      local: regionAlarms(props.regionConfig, props.stacks),
      peer: regionAlarms(props.peerRegion, props.peerStacks),
    });
  }
}
