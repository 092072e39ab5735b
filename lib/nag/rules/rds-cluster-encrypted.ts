// DR rule: every Aurora cluster is encrypted with a customer-managed key.
import { Stack } from 'aws-cdk-lib';
import { CfnDBCluster } from 'aws-cdk-lib/aws-rds';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

export const RdsClusterEncrypted: DrRule = {
  id: 'RdsClusterEncrypted',
  info: 'The Aurora cluster is not encrypted with a customer-managed key.',
  explanation:
    'Cross-region copies and restores need a key the project controls in each region; the AWS-managed key cannot be shared or granted.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnDBCluster)) return NagRuleCompliance.NOT_APPLICABLE;
    const encrypted = NagRules.resolveIfPrimitive(node, Stack.of(node).resolve(node.storageEncrypted)) === true;
    return encrypted && node.kmsKeyId !== undefined ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
