// The drill's composite alarm rule evaluator, on hand-written rules and on the decision's rules as synthesized.
import { readAssembly } from '../../scripts/drill/assembly';
import { alarmsOfRule, evaluateAlarmRule, type AlarmStateValue } from '../../scripts/drill/alarm-rule';
import { ALARM_STATE_OF_SIGNAL, DECISION_TABLE } from '../../lib/contract';
import { testAssemblyDir } from '../helpers/global-setup';

const states = (map: Record<string, AlarmStateValue>) => (alarm: string) => {
  const state = map[alarm];
  if (!state) throw new Error(`unknown alarm ${alarm}`);
  return state;
};

test.each([
  ['ALARM("a")', { a: 'ALARM' }, true],
  ['OK("a")', { a: 'ALARM' }, false],
  ['INSUFFICIENT_DATA(a-name)', {}, 'throws'],
  ['ALARM("a") AND OK("b")', { a: 'ALARM', b: 'OK' }, true],
  ['ALARM("a") OR ALARM("b") AND ALARM("c")', { a: 'ALARM', b: 'OK', c: 'OK' }, true],
  ['(ALARM("a") OR ALARM("b")) AND ALARM("c")', { a: 'ALARM', b: 'OK', c: 'OK' }, false],
  ['NOT ALARM("a") AND TRUE', { a: 'OK' }, true],
  [
    "ALARM('arn:aws:cloudwatch:us-west-2:1:alarm:x') OR FALSE",
    { 'arn:aws:cloudwatch:us-west-2:1:alarm:x': 'ALARM' },
    true,
  ],
  ['ALARM("a") AND', { a: 'ALARM' }, 'throws'],
] as [string, Record<string, AlarmStateValue>, boolean | 'throws'][])('%s', (rule, map, expected) => {
  if (expected === 'throws') expect(() => evaluateAlarmRule(rule, states(map))).toThrow();
  else expect(evaluateAlarmRule(rule, states(map))).toBe(expected);
});

test('the synthesized activate and disagreement rules give the decision table, row by row', () => {
  const assembly = readAssembly(testAssemblyDir('prod'));
  const rules = assembly.stacks.flatMap((stack) =>
    Object.values(stack.template.Resources)
      .filter((resource) => resource.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map((resource) => {
        const rule = resource.Properties!.AlarmRule as { 'Fn::Join': [string, unknown[]] };
        // The alarm references are tokens: each becomes its own JSON, so one alarm reads the same everywhere.
        const parts = rule['Fn::Join'][1];
        const text = parts
          .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'")))
          .join('');
        return { name: String(resource.Properties!.AlarmName), text };
      }),
  );
  const activate = rules.find((rule) => rule.name.endsWith('failover-activate'))!;
  const disagreement = rules.find((rule) => rule.name.endsWith('failover-disagreement'))!;
  const [probe, route53] = alarmsOfRule(activate.text);
  expect(alarmsOfRule(disagreement.text).sort()).toEqual([probe, route53].sort());
  for (const row of DECISION_TABLE) {
    const at = states({ [probe!]: ALARM_STATE_OF_SIGNAL[row.probe], [route53!]: ALARM_STATE_OF_SIGNAL[row.route53] });
    expect([row.outcome, evaluateAlarmRule(activate.text, at), evaluateAlarmRule(disagreement.text, at)]).toEqual([
      row.outcome,
      row.outcome === 'act',
      row.outcome === 'page',
    ]);
  }
});
