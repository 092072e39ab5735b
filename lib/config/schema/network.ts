// Schema of the network section: NAT gateways per region, flow log retention and interface endpoints.
import { z } from 'zod';
import { INTERFACE_ENDPOINTS, type NetworkConfig } from '../types';
import type { RuleContext } from './context';
import { integer, retentionDays } from './rules';
import { eachOnce, section } from './sections';

/** The `network` section; NAT gateways are bounded by the AZs of the smallest region. */
export function networkSchema(context: RuleContext): z.ZodType<NetworkConfig> {
  const azs = context.fewestAzs;
  return section('the network settings', {
    natGateways: integer(
      1,
      azs ?? Number.POSITIVE_INFINITY,
      `must be an integer from 1 to the number of AZs${azs === undefined ? '' : ` (${azs})`}; leave it unset for one per AZ`,
    ).optional(),
    flowLogRetention: retentionDays(),
    interfaceEndpoints: z
      .array(z.enum(INTERFACE_ENDPOINTS, { error: `unknown endpoint; use one of ${INTERFACE_ENDPOINTS.join(', ')}` }))
      .superRefine(eachOnce('endpoint', 'each endpoint is created once per VPC')),
  });
}
