// Base class of every stack: environment, name, tags, termination protection and offline AZs from config.
import { Aspects, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ProviderDependencyCleanup } from '../aspects/provider-dependency-cleanup';
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
 * `cdk deploy <name>` show stage and region.
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
    Aspects.of(this).add(new ProviderDependencyCleanup());
  }

  /**
   * AZs come from config. A stack with a concrete account would otherwise look them up, which
   * needs credentials and breaks offline synth.
   */
  public override get availabilityZones(): string[] {
    return [...this.regionConfig.availabilityZones];
  }
}
