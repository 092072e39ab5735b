// The shape of a DR nag rule: a pure function of one CfnResource and what the stage requires.
import type { CfnResource } from 'aws-cdk-lib';
import type { NagMessageLevel, NagRuleResult } from 'cdk-nag';
import type { Stage } from '../config';
import type { StageRecovery } from '../recovery';

/** What a stage asks of its resources, read from config once. */
export interface DrRuleContext {
  readonly stage: Stage;
  /** Aurora automated backup retention the config asks for, in days. */
  readonly minBackupRetentionDays: number;
  /**
   * The recovery model of the app being checked, computed once when first asked (after the tree is
   * complete). Absent when the scope is not a DR app; the objective rules are then not applicable.
   */
  readonly recovery?: () => StageRecovery;
}

/** One DR rule, in cdk-nag's style: compliant, non-compliant or not applicable, never a side effect. */
export interface DrRule {
  /** Rule id, reported as `DR-<id>`. */
  readonly id: string;
  /** Why the rule fired, in one line. */
  readonly info: string;
  /** Why the rule fired for this resource, when that depends on more than the rule: replaces `info`. */
  describe?(node: CfnResource, context: DrRuleContext): string | undefined;
  /** Why the rule exists. */
  readonly explanation: string;
  readonly level: NagMessageLevel;
  check(node: CfnResource, context: DrRuleContext): NagRuleResult;
}
