// Network tier of one region: the VPC every later tier is placed in.
import type { Construct } from 'constructs';
import { stackDescription } from '../naming';
import { RegionalNetwork } from '../constructs/regional-network';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link NetworkStack}. */
export type NetworkStackProps = Omit<DrStackProps, 'purpose' | 'priority'>;

/** The VPC of one region and stage. */
export class NetworkStack extends DrStack {
  public readonly network: RegionalNetwork;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, {
      ...props,
      purpose: 'Network',
      // The network carries the Core API and rate limiting, so it is as critical as they are.
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'network tier'),
    });
    const { cidr } = this.regionConfig;
    const { natGateways, flowLogRetention, interfaceEndpoints } = this.config.network;
    this.network = new RegionalNetwork(this, 'Network', {
      cidr,
      flowLogRetention,
      interfaceEndpoints,
      ...(natGateways !== undefined ? { natGateways } : {}),
    });
  }
}
