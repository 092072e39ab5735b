// Base class of every stack: environment, name, tags, termination protection, offline AZs, and no DependsOn a reference implies.
import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig, Severity } from '../config';
import { TAG_KEYS, stackName } from '../naming';

/** Props every DR stack takes. */
export interface DrStackProps extends Omit<StackProps, 'env' | 'stackName' | 'terminationProtection'> {
  /** The validated configuration of the stage. */
  readonly config: DrConfig;
  /** The region this stack is deployed to. */
  readonly regionConfig: RegionConfig;
  /** What the stack holds, last part of its name, for example `Network`. */
  readonly purpose: string;
  /**
   * The plan priority of what the stack serves, written as the `dr-priority` tag.
   * @default - no priority tag
   */
  readonly priority?: Severity;
}

/**
 * A stack of one stage in one region. Its construct id is its stack name, so `cdk list` and
 * `cdk deploy <name>` show stage and region. Its template never says `DependsOn` where a reference
 * already orders two resources ({@link withoutImpliedDependsOn}).
 */
export class DrStack extends Stack {
  public readonly config: DrConfig;
  public readonly regionConfig: RegionConfig;

  constructor(scope: Construct, props: DrStackProps) {
    const { config, regionConfig, purpose, priority, ...stackProps } = props;
    const name = stackName(config, regionConfig, purpose);
    super(scope, name, {
      ...stackProps,
      stackName: name,
      env: { account: config.account, region: regionConfig.region },
      terminationProtection: config.terminationProtection,
    });
    this.config = config;
    this.regionConfig = regionConfig;

    Tags.of(this).add(TAG_KEYS.service, config.serviceName);
    Tags.of(this).add(TAG_KEYS.stage, config.stage);
    Tags.of(this).add(TAG_KEYS.regionRole, regionConfig.role);
    if (priority) Tags.of(this).add(TAG_KEYS.priority, priority);
  }

  /**
   * The one way this app deals with cfn-lint W3005 ("DependsOn already enforced by a Ref or
   * GetAtt"). CDK's L2s make a resource DependsOn constructs it also references: a Lambda function
   * its role, a state machine its role, a custom resource provider's handler its role. Instead of
   * an override in each construct, every DrStack renders its template without the DependsOn
   * entries that a reference in the same resource's Properties already implies, so constructs need
   * no workaround of their own. Orders that nothing else expresses stay: a function still waits
   * for its managed policy (Lambda checks at creation that it may send to its dead-letter queue)
   * and a state machine for its role's policy (Step Functions checks log delivery), because
   * neither references the policy.
   *
   * It works on the rendered template because CDK turns construct dependencies into DependsOn
   * after aspects have run, so an aspect cannot see them. `_toCloudFormation` is CDK's internal
   * rendering hook: test/stacks/dr-stack.test.ts and the cfn-lint gate fail if an upgrade of
   * aws-cdk-lib stops calling it.
   */
  protected override _toCloudFormation(): unknown {
    return withoutImpliedDependsOn(super._toCloudFormation() as CfnTemplate);
  }

  /**
   * AZs come from config. A stack with a concrete account would otherwise look them up, which
   * needs credentials and breaks offline synth.
   */
  public override get availabilityZones(): string[] {
    return [...this.regionConfig.availabilityZones];
  }
}

/** The part of a CloudFormation template that {@link withoutImpliedDependsOn} reads and changes. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Properties?: unknown; readonly DependsOn?: unknown }>>;
  readonly [section: string]: unknown;
}

/**
 * `template` without the `DependsOn` entries whose target the resource's Properties already name
 * with `Ref`, `Fn::GetAtt` or `Fn::Sub`: CloudFormation orders those by the reference, so the
 * entry changes neither creation nor deletion order. A reference inside `Fn::If` implies nothing
 * (the other branch may be the one taken), so its DependsOn stays.
 */
export function withoutImpliedDependsOn(template: CfnTemplate): CfnTemplate {
  if (!template.Resources) return template;
  const resources = Object.entries(template.Resources).map(([id, resource]) => {
    if (resource.DependsOn === undefined) return [id, resource] as const;
    const implied = referencedLogicalIds(resource.Properties);
    const dependsOn = [resource.DependsOn].flat().filter((target) => !implied.has(target as string));
    const rest: Record<string, unknown> = { ...resource };
    delete rest.DependsOn;
    return [id, dependsOn.length > 0 ? { ...rest, DependsOn: dependsOn } : rest] as const;
  });
  return { ...template, Resources: Object.fromEntries(resources) };
}

/** Logical ids that `value` references with `Ref`, `Fn::GetAtt` or `Fn::Sub`, outside `Fn::If`. */
function referencedLogicalIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedLogicalIds(item, found);
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const [intrinsic, argument] = entries.length === 1 ? entries[0]! : [];
    if (intrinsic === 'Ref' && typeof argument === 'string') {
      found.add(argument);
    } else if (intrinsic === 'Fn::GetAtt') {
      const target = Array.isArray(argument) ? argument[0] : String(argument).split('.')[0];
      if (typeof target === 'string') found.add(target);
    } else if (intrinsic === 'Fn::Sub') {
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const target = name!.split('.')[0]!;
        if (!Object.hasOwn(variables as object, target)) found.add(target);
      }
      referencedLogicalIds(variables, found);
    } else if (intrinsic !== 'Fn::If') {
      for (const [, item] of entries) referencedLogicalIds(item, found);
    }
  }
  return found;
}
