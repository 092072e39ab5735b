// Synthesizes a stage once per test file and hands out its templates, so tests never re-synthesize.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadConfig, type DrConfig, type Stage } from '../../lib/config';
import { buildDrApp, type DrStacks } from '../../lib/dr-app';

/** A synthesized stage: its config, the app and stacks, and the cloud assembly. */
export interface SynthesizedStage {
  readonly config: DrConfig;
  readonly app: App;
  readonly stacks: DrStacks;
  readonly assembly: CloudAssembly;
  /** Template of a stack by its stack name; read from the assembly, not re-synthesized. */
  template(stackName: string): Template;
}

const cache = new Map<string, SynthesizedStage>();

/** The feature flags of cdk.json, so tests assert on the templates a deploy would use. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * A new App with the project's feature flags. Assets are neither bundled nor copied: templates are
 * the same, and the cfn-lint gate's real CLI synth still proves that bundling works.
 */
export function newApp(): App {
  return new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-asset-staging': true },
  });
}

/** Builds `config` into a fresh app and synthesizes it once. */
export function synthConfig(config: DrConfig): SynthesizedStage {
  const app = newApp();
  const stacks = buildDrApp(app, config);
  const assembly = app.synth();
  const templates = new Map<string, Template>();
  return {
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
}

/** The default configuration of `stage`, synthesized once per test file. */
export function synthStage(stage: Stage): SynthesizedStage {
  let synthesized = cache.get(stage);
  if (!synthesized) {
    synthesized = synthConfig(loadConfig({ stage }));
    cache.set(stage, synthesized);
  }
  return synthesized;
}
