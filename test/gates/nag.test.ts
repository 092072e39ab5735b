// cdk-nag gate: AwsSolutions, NIST 800-53 rev 5 and our DR pack report nothing unacknowledged; every acknowledgement says why.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { STAGES, loadConfig, type DrConfig } from '../../lib/config';
import type { DrStacks } from '../../lib/dr-app';
import { nagPacks } from '../../lib/nag';
import { synthStage } from '../helpers/synth';

/** Every violation of every pack under `scope`, as `rule at path` lines for a readable failure. */
function unacknowledged(scope: IConstruct, config: DrConfig = loadConfig(), stacks?: DrStacks): string[] {
  return nagPacks(scope, config, stacks).flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
  );
}

/** Every acknowledgement recorded under `scope`, with the construct it sits on. */
function acknowledgements(scope: IConstruct): { path: string; onStackOrApp: boolean; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          // Blanket acknowledgements on a whole stack or app would hide findings of resources added later.
          onStackOrApp: Stack.isStack(construct) || construct.node.scope === undefined,
          id,
          reason,
        })),
      ),
  );
}

describe.each(STAGES)('%s', (stage) => {
  test('every stack of both regions has zero unacknowledged nag findings', () => {
    const { app, config, stacks } = synthStage(stage);
    // Synthesized as `cdk synth` would before its validation plugins run.
    app.synth();
    expect(unacknowledged(app, config, stacks)).toEqual([]);
  });

  test('every acknowledgement sits on a resource below a stack, with a specific reason', () => {
    const acks = acknowledgements(synthStage(stage).app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ path: ack.path, onStackOrApp: ack.onStackOrApp }).toEqual({ path: ack.path, onStackOrApp: false });
      expect(ack.reason.length).toBeGreaterThanOrEqual(60);
      expect(ack.reason).not.toMatch(/^(todo|tbd|n\/a|ok|fine|later|suppressed)\b/i);
    }
  });
});

test('the gate can fail: a topic without KMS or a TLS-only policy is reported by both packs', () => {
  const app = new App();
  new sns.Topic(new Stack(app, 'Negative'), 'Plain');
  const findings = unacknowledged(app);
  expect(findings).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-SNS3 at Negative\/Plain/),
      expect.stringMatching(/^NIST\.800\.53\.R5-SNSEncryptedKMS at Negative\/Plain/),
    ]),
  );
});
