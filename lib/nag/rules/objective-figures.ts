// Shared by the two objective rules: the modeled figures of one verdict that are reported on a resource.
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { explain, figuresAnchoredAt, type Verdict } from '../../recovery';
import type { DrRuleContext } from '../rule';

function figures(node: CfnResource, context: DrRuleContext, verdict: Verdict) {
  const recovery = context.recovery?.();
  return recovery ? figuresAnchoredAt(recovery.components, node.node.path, verdict) : [];
}

/** Non-compliant with one finding per figure (`core-api:RTO`) anchored at `node`, else not applicable. */
export function objectiveFindings(node: CfnResource, context: DrRuleContext, verdict: Verdict): NagRuleResult {
  const found = figures(node, context, verdict);
  if (found.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return found.map(({ component, kind }) => `${component.objective.component}:${kind.toUpperCase()}`);
}

/** The findings' message: component, objective, modeled value and largest terms of each figure. */
export function objectiveMessage(node: CfnResource, context: DrRuleContext, verdict: Verdict): string | undefined {
  const found = figures(node, context, verdict);
  return found.length === 0 ? undefined : found.map(({ component, kind }) => explain(component, kind)).join(' | ');
}
