// DR rule: every ElastiCache replication group is Multi-AZ with automatic failover.
import { Stack } from 'aws-cdk-lib';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

export const CacheMultiAzFailover: DrRule = {
  id: 'CacheMultiAzFailover',
  info: 'The replication group is not Multi-AZ with automatic failover.',
  explanation:
    'Without both, losing the primary node or its AZ stops rate limiting until someone promotes a replica by hand.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnReplicationGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const multiAz = NagRules.resolveIfPrimitive(node, stack.resolve(node.multiAzEnabled)) === true;
    const failover = NagRules.resolveIfPrimitive(node, stack.resolve(node.automaticFailoverEnabled)) === true;
    return multiAz && failover ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
