// DR rule: every Aurora cluster refuses deletion.
import { Stack } from 'aws-cdk-lib';
import { CfnDBCluster } from 'aws-cdk-lib/aws-rds';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

export const RdsClusterDeletionProtection: DrRule = {
  id: 'RdsClusterDeletionProtection',
  info: 'The Aurora cluster has no deletion protection.',
  explanation:
    'A deleted cluster takes its automated backups with it; deletion protection makes that a deliberate two-step act.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnDBCluster)) return NagRuleCompliance.NOT_APPLICABLE;
    return NagRules.resolveIfPrimitive(node, Stack.of(node).resolve(node.deletionProtection)) === true
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
};
