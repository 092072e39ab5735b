// DR rule: no modeled RTO or RPO uses more than half of its recovery objective.
import { NagMessageLevel } from 'cdk-nag';
import type { DrRule } from '../rule';
import { objectiveFindings, objectiveMessage } from './objective-figures';

export const ObjectiveMargin: DrRule = {
  id: 'ObjectiveMargin',
  info: 'A modeled RTO or RPO uses more than half of its recovery objective.',
  explanation:
    'Model terms are worst cases from documentation and assumptions, not drill measurements; a figure above half ' +
    'its objective leaves too little room for the slow day. Shorten the largest term, or acknowledge the finding ' +
    'on this resource with the drill measurement that shows the margin is enough.',
  level: NagMessageLevel.WARN,
  check: (node, context) => objectiveFindings(node, context, 'tight'),
  describe: (node, context) => objectiveMessage(node, context, 'tight'),
};
