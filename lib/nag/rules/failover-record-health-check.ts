// DR rule: every Route 53 failover record has a health check, or DNS never fails over.
import { Stack } from 'aws-cdk-lib';
import { CfnRecordSet } from 'aws-cdk-lib/aws-route53';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

export const FailoverRecordHealthCheck: DrRule = {
  id: 'FailoverRecordHealthCheck',
  info: 'The failover record has no health check.',
  explanation:
    'Route 53 fails over on health checks, which are data plane; a record without one stays PRIMARY through a region outage.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnRecordSet) || !Stack.of(node).resolve(node.failover))
      return NagRuleCompliance.NOT_APPLICABLE;
    return Stack.of(node).resolve(node.healthCheckId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
