// Hands tests the config of a stage and the cloud assembly the jest global setup synthesized (real CLI, once per run).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { loadConfig, type DrConfig, type RegionConfig, type RegionRole, type Stage } from '../../lib/config';
import { stackName } from '../../lib/naming';
import { ASSEMBLY_READY, TEST_ASSEMBLY_ROOT, testAssemblyDir } from './global-setup';

/** What a regional stack holds: the last part of its name (`purpose` in lib/stacks/). */
export type RegionalPurpose =
  'Network' | 'Alerting' | 'Protection' | 'Data' | 'Cache' | 'CacheBackup' | 'Compute' | 'Docs' | 'Automation';

/** A stack as the synthesized assembly describes it. */
export interface StackView {
  readonly stackName: string;
  readonly region: string;
  readonly terminationProtection: boolean;
  /** Names of the stacks it deploys after: explicit dependencies and those its references imply. */
  readonly dependencies: readonly string[];
}

/** A stage: its config and the cloud assembly the global setup synthesized, read without building the app. */
export interface SynthesizedStage {
  readonly config: DrConfig;
  readonly assembly: CloudAssembly;
  /** The region of `role` in this stage's config. */
  region(role: RegionRole): RegionConfig;
  /** The stack of `purpose` in the region of `role`, named as lib/naming names it. */
  stack(role: RegionRole, purpose: RegionalPurpose): StackView;
  /** The global DNS stack, in the primary region. */
  dnsStack(): StackView;
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

/** The view of one stack artifact: name, region, termination protection and the stacks it depends on. */
function stackView(artifact: CloudFormationStackArtifact): StackView {
  return {
    stackName: artifact.stackName,
    region: artifact.environment.region,
    terminationProtection: artifact.terminationProtection === true,
    dependencies: artifact.dependencies
      .filter((dependency) => dependency instanceof CloudFormationStackArtifact)
      .map((dependency) => dependency.stackName),
  };
}

/**
 * The default configuration of `stage` and the assembly the global setup's `cdk synth` wrote once
 * per run. Nothing is built here: stacks, regions and dependencies are read from the assembly, so a
 * test file costs what it reads, not a construct tree per stage.
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
    const assembly = new CloudAssembly(testAssemblyDir(stage));
    const templates = new Map<string, Template>();
    const region = (role: RegionRole): RegionConfig => {
      const found = config.regions.find((candidate) => candidate.role === role);
      if (!found) throw new Error(`the ${stage} config has no ${role} region`);
      return found;
    };
    const view = (name: string): StackView => stackView(assembly.getStackByName(name));
    synthesized = {
      config,
      assembly,
      region,
      stack: (role, purpose) => view(stackName(config, region(role), purpose)),
      // Route 53 metrics exist only in us-east-1, so the app puts the DNS stack in the primary region.
      dnsStack: () => view(stackName(config, region('primary'), 'Dns')),
      template(name: string): Template {
        let template = templates.get(name);
        if (!template) {
          template = Template.fromJSON(assembly.getStackByName(name).template as Record<string, unknown>);
          templates.set(name, template);
        }
        return template;
      },
    };
    cache.set(stage, synthesized);
  }
  return synthesized;
}
