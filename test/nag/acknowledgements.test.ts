// No acknowledgement sits on the app or on a whole stack, where it would hide findings of resources added later.
// The synth gate (test/gates/nag.test.ts) reads every other acknowledgement from the synthesized assembly,
// which records the metadata of stacks and their constructs but never that of the app: this checks the tree.
import { Stack, Validations } from 'aws-cdk-lib';
import { STAGES, loadConfig } from '../../lib/config';
import { buildDrApp } from '../../lib/dr-app';
import { acknowledgementsUnder } from '../../lib/readiness/nag-summary';
import { newApp } from '../helpers/synth';

test.each(STAGES)('%s: no acknowledgement sits on the app or on a whole stack', (stage) => {
  // Construction only, no synth: every acknowledgement of the app is recorded when its constructs are built.
  const app = newApp();
  buildDrApp(app, loadConfig({ stage }));
  expect(acknowledgementsUnder(app).length).toBeGreaterThan(0);
  const blanket = app.node
    .findAll()
    .filter((construct) => construct === app || Stack.isStack(construct))
    .filter((construct) =>
      construct.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
    )
    .map((construct) => construct.node.path || '(the app)');
  expect(blanket).toEqual([]);
});
