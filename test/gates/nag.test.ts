// cdk-nag gate: AwsSolutions, NIST 800-53 rev 5 and our DR pack report nothing unacknowledged; every acknowledgement says why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { STAGES, loadConfig, type Stage } from '../../lib/config';
import { nagPacks } from '../../lib/nag';
import { synthStage, testAssemblyDir } from '../helpers/synth';

/** Every violation of every pack under `scope`, as `rule at path` lines for a readable failure. */
function unacknowledged(scope: IConstruct): string[] {
  return nagPacks(scope, loadConfig()).flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
  );
}

/** The part of CDK's `validation-report.json` this gate reads. */
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

/**
 * Every acknowledgement the CLI synth of `stage` recorded, with the construct it sits on. Each stack
 * artifact carries the metadata of its constructs, acknowledgements included, by construct path.
 */
function acknowledgements(stage: Stage) {
  return synthStage(stage).assembly.stacks.flatMap((stack) =>
    stack.findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((entry) =>
      Object.entries(entry.data as unknown as Record<string, string>).map(([id, reason]) => ({
        path: entry.path,
        // `/<stack>`: a blanket acknowledgement on a whole stack would hide findings of resources added later.
        onStack: entry.path === `/${stack.hierarchicalId}`,
        id,
        reason,
      })),
    ),
  );
}

describe.each(STAGES)('%s', (stage) => {
  test('every stack of both regions has zero unacknowledged nag findings', () => {
    // bin/app.ts registers the packs as validation plugins, with the stacks the DR pack models, so the
    // global setup's `cdk synth` ran them over every stack of the stage; --no-validation leaves them
    // the only plugins. CDK writes the report whenever plugins ran, and lists each plugin that found
    // anything; a finding also fails that synth, and with it the run.
    expect(readFileSync(join(__dirname, '..', '..', 'bin', 'app.ts'), 'utf8')).toMatch(
      /Validations\.of\(app\)\.addPlugins\(\.\.\.nagPacks\(app, config, stacks\)\)/,
    );
    const reportFile = join(testAssemblyDir(stage), 'validation-report.json');
    expect(existsSync(reportFile)).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) => [
      `${plugin.pluginName}: ${plugin.conclusion}`,
      ...plugin.violations.flatMap((violation) =>
        violation.violatingConstructs.map((construct) => `${violation.ruleName} at ${construct.constructPath}`),
      ),
    ]);
    expect(findings).toEqual([]);
  });

  test('every acknowledgement sits on a resource below a stack, with a specific reason', () => {
    const acks = acknowledgements(stage);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ path: ack.path, onStack: ack.onStack }).toEqual({ path: ack.path, onStack: false });
      expect(ack.path.split('/').length).toBeGreaterThan(2);
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
