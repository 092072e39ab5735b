// Hands tests the templates of the stage the jest global setup synthesized (real CLI, once per run) and a fresh construct tree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadConfig, type DrConfig, type Stage } from '../../lib/config';
import { buildDrApp, type DrStacks } from '../../lib/dr-app';
import { ASSEMBLY_READY, TEST_ASSEMBLY_ROOT, testAssemblyDir } from './global-setup';

/** A stage: its config, the app and stacks as built, and the cloud assembly the global setup synthesized. */
export interface SynthesizedStage {
  readonly config: DrConfig;
  /** The construct tree of the stage, built in this test file and not synthesized. */
  readonly app: App;
  readonly stacks: DrStacks;
  readonly assembly: CloudAssembly;
  /** Template of a stack by its stack name; read from the assembly, not re-synthesized. */
  template(stackName: string): Template;
}

export { TEST_ASSEMBLY_ROOT, testAssemblyDir };

const cache = new Map<string, SynthesizedStage>();

/** The feature flags of cdk.json, so tests assert on the templates a deploy would use. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * A new App with the project's feature flags, for trees a test builds itself. Assets are neither
 * bundled nor copied: that changes no resource a test reads, and the global setup's real CLI synth
 * proves that bundling works. CDK's built-in template validation is off, as in `npm run synth`:
 * the cfn-lint gate checks the templates, and the built-in one took seconds per synthesized tree.
 */
export function newApp(outdir?: string): App {
  return new App({
    ...(outdir ? { outdir } : {}),
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-asset-staging': true },
  });
}

/**
 * The default configuration of `stage`: its construct tree built once per test file (about 1 s),
 * its templates read from the assembly the global setup's `cdk synth` wrote once per run. Building
 * is deterministic, so the tree and the templates describe the same app.
 */
export function synthStage(stage: Stage): SynthesizedStage {
  let synthesized = cache.get(stage);
  if (!synthesized) {
    if (process.env[ASSEMBLY_READY] !== '1') {
      throw new Error(
        `synthStage('${stage}') reads the assembly the synth project's global setup writes, and none was written in this run: ` +
          'add this test file to the synth project in jest.config.js',
      );
    }
    const config = loadConfig({ stage });
    const app = newApp();
    const stacks = buildDrApp(app, config);
    const assembly = new CloudAssembly(testAssemblyDir(stage));
    const templates = new Map<string, Template>();
    synthesized = {
      config,
      app,
      stacks,
      assembly,
      template(stackName: string): Template {
        let template = templates.get(stackName);
        if (!template) {
          template = Template.fromJSON(assembly.getStackByName(stackName).template as Record<string, unknown>);
          templates.set(stackName, template);
        }
        return template;
      },
    };
    cache.set(stage, synthesized);
  }
  return synthesized;
}
