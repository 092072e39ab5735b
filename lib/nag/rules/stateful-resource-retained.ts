// DR rule: stateful resources survive a stack delete or replacement (RETAIN or SNAPSHOT).
import { CfnDeletionPolicy, type CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

/** Resource types that hold data, keys or recovery points. */
export const STATEFUL_TYPES = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::GlobalCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::GlobalReplicationGroup',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Backup::BackupVault',
  'AWS::SecretsManager::Secret',
]);

const KEEPS_DATA = new Set([
  CfnDeletionPolicy.RETAIN,
  CfnDeletionPolicy.SNAPSHOT,
  CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE,
]);

export const StatefulResourceRetained: DrRule = {
  id: 'StatefulResourceRetained',
  info: 'The stateful resource is deleted with its stack or on replacement.',
  explanation:
    'Databases, caches, buckets, keys, vaults and secrets must outlive a stack update or delete; losing them is the disaster the plan is about.',
  level: NagMessageLevel.ERROR,
  check(node: CfnResource) {
    if (!STATEFUL_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const { deletionPolicy, updateReplacePolicy } = node.cfnOptions;
    const keeps = (policy: CfnDeletionPolicy | undefined) => policy !== undefined && KEEPS_DATA.has(policy);
    return keeps(deletionPolicy) && keeps(updateReplacePolicy)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
};
