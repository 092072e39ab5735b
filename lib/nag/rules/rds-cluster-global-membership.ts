// DR rule: in prod, every Aurora cluster belongs to a global cluster (the Core API's 5-minute RPO needs it).
import { Stack } from 'aws-cdk-lib';
import { CfnDBCluster } from 'aws-cdk-lib/aws-rds';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

export const RdsClusterGlobalMembership: DrRule = {
  id: 'RdsClusterGlobalMembership',
  info: 'The prod Aurora cluster is not a member of a global cluster.',
  explanation:
    'Snapshot copies are at best hourly; only global database replication meets the Core API RPO of 5 minutes across regions.',
  level: NagMessageLevel.ERROR,
  check(node, context) {
    if (!(node instanceof CfnDBCluster) || context.stage !== 'prod') return NagRuleCompliance.NOT_APPLICABLE;
    return Stack.of(node).resolve(node.globalClusterIdentifier)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
};
