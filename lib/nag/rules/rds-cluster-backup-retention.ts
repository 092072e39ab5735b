// DR rule: every Aurora cluster keeps automated backups at least as long as the config asks.
import { Stack } from 'aws-cdk-lib';
import { CfnDBCluster } from 'aws-cdk-lib/aws-rds';
import { NagMessageLevel, NagRuleCompliance, NagRules } from 'cdk-nag';
import type { DrRule } from '../rule';

export const RdsClusterBackupRetention: DrRule = {
  id: 'RdsClusterBackupRetention',
  info: 'The Aurora cluster keeps automated backups for less than the configured retention.',
  explanation:
    'Point-in-time restore reaches back only as far as the retention; the config sets how far the plan needs.',
  level: NagMessageLevel.ERROR,
  check(node, context) {
    if (!(node instanceof CfnDBCluster)) return NagRuleCompliance.NOT_APPLICABLE;
    const days = NagRules.resolveIfPrimitive(node, Stack.of(node).resolve(node.backupRetentionPeriod)) as unknown;
    return typeof days === 'number' && days >= context.minBackupRetentionDays
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
};
