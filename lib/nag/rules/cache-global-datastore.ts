// DR rule: in prod, every ElastiCache replication group is in a Global Datastore (rate limiting's 1-minute RPO needs it).
import { Stack } from 'aws-cdk-lib';
import { CfnGlobalReplicationGroup, CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

export const CacheGlobalDatastore: DrRule = {
  id: 'CacheGlobalDatastore',
  info: 'The prod replication group is not a member of a Global Datastore.',
  explanation:
    'Daily exports give a 24-hour RPO; only the Global Datastore meets the 1-minute rate-limiting RPO across regions.',
  level: NagMessageLevel.ERROR,
  check(node, context) {
    if (!(node instanceof CfnReplicationGroup) || context.stage !== 'prod') return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    // A secondary joins by id; the primary is named as a member by the datastore in its own stack.
    if (stack.resolve(node.globalReplicationGroupId)) return NagRuleCompliance.COMPLIANT;
    const ref = JSON.stringify(stack.resolve(node.ref));
    const member = stack.node
      .findAll()
      .filter((child): child is CfnGlobalReplicationGroup => child instanceof CfnGlobalReplicationGroup)
      .some((datastore) => JSON.stringify(stack.resolve(datastore.members)).includes(ref));
    return member ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
