// DR rule: every schedule retries its target and dead-letters what it cannot deliver.
import { Stack } from 'aws-cdk-lib';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { DrRule } from '../rule';

export const ScheduleRetriesAndDlq: DrRule = {
  id: 'ScheduleRetriesAndDlq',
  info: 'The schedule has no retry policy or no dead-letter queue.',
  explanation:
    'A backup or check that silently never started is worse than one that failed: retries absorb blips, the DLQ makes the rest visible.',
  level: NagMessageLevel.ERROR,
  check(node) {
    if (!(node instanceof CfnSchedule)) return NagRuleCompliance.NOT_APPLICABLE;
    const target = Stack.of(node).resolve(node.target) as {
      retryPolicy?: { maximumRetryAttempts?: number };
      deadLetterConfig?: { arn?: unknown };
      RetryPolicy?: { MaximumRetryAttempts?: number };
      DeadLetterConfig?: { Arn?: unknown };
    };
    const retries = target.retryPolicy?.maximumRetryAttempts ?? target.RetryPolicy?.MaximumRetryAttempts ?? 0;
    const dlq = target.deadLetterConfig?.arn ?? target.DeadLetterConfig?.Arn;
    return retries > 0 && dlq ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
