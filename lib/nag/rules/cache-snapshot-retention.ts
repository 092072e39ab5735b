// DR rule: every ElastiCache replication group keeps automatic snapshots.
import { Stack } from 'aws-cdk-lib';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

export const CacheSnapshotRetention: DrRule = {
  id: 'CacheSnapshotRetention',
  info: 'The replication group keeps no automatic snapshots.',
  explanation:
    'The daily export to S3 starts from the automatic snapshot; with retention 0 there is nothing to export.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnReplicationGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    // A secondary of a Global Datastore takes its settings from the datastore and may leave this unset.
    if (Stack.of(node).resolve(node.globalReplicationGroupId)) return NagRuleCompliance.NOT_APPLICABLE;
    const days = NagRules.resolveIfPrimitive(node, Stack.of(node).resolve(node.snapshotRetentionLimit)) as unknown;
    return typeof days === 'number' && days > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
