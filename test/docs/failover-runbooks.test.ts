// The failover runbooks hold the decision table exactly as lib/contract defines it, and the names the stacks give the new resources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decisionTableMarkdown } from '../../lib/contract';
import { loadConfig } from '../../lib/config';
import { failoverAlarmNames, failoverLockTableName, parameters } from '../../lib/naming';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const prod = loadConfig({ stage: 'prod' });
const secondary = prod.regions.find((region) => region.role === 'secondary')!;

test('the decision runbook holds the decision table as generated from DECISION_TABLE', () => {
  const doc = read('docs/runbooks/failover-decision.md');
  const block = /<!-- BEGIN decision table[^>]*-->\n([\s\S]*?)\n<!-- END decision table -->/.exec(doc)?.[1];
  expect(block).toBe(decisionTableMarkdown());
});

test('the runbooks name the alarms, the lock table and the parameter the app creates', () => {
  const docs = ['decision', 'fence', 'activation', 'failback']
    .map((name) => read(`docs/runbooks/failover-${name}.md`))
    .join('\n');
  const names = failoverAlarmNames(prod, secondary);
  for (const name of [
    names.probe,
    names.route53View,
    names.route53ViewHeartbeat,
    names.activate,
    names.disagreement,
    names.fence,
  ]) {
    expect(docs).toContain(name);
  }
  expect(docs).toContain(failoverLockTableName(prod, secondary).replace('usw2', '<use1|usw2>'));
  expect(docs).toContain(parameters(prod).activeRegion);
});
