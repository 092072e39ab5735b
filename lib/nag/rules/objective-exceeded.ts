// DR rule: no modeled RTO or RPO exceeds the plan's objective for its component.
import { NagMessageLevel } from 'cdk-nag';
import type { DrRule } from '../rule';
import { objectiveFindings, objectiveMessage } from './objective-figures';

export const ObjectiveExceeded: DrRule = {
  id: 'ObjectiveExceeded',
  info: 'A modeled RTO or RPO exceeds its recovery objective.',
  explanation:
    'The recovery model adds up what the stacks configure (detection, promotion, DNS, replication lag alarms, ' +
    'backup intervals); a sum above the objective means the plan cannot be met. The finding sits on the ' +
    'resource behind the largest term: shorten that term, or change the objective in the plan.',
  level: NagMessageLevel.ERROR,
  check: (node, context) => objectiveFindings(node, context, 'exceeded'),
  describe: (node, context) => objectiveMessage(node, context, 'exceeded'),
};
