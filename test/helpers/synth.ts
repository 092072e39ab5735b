// Synthesizes a stage once per test file and hands out its templates, so tests never re-synthesize.
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

/** Builds `config` into a fresh app and synthesizes it once. */
export function synthConfig(config: DrConfig): SynthesizedStage {
  // No Lambda bundling here: templates do not depend on the bundle, and every test file would run
  // esbuild again. The cfn-lint gate's CLI synth still bundles every function for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
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
