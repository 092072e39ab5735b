// What every scheduled job of a region shares, and the few steps every job takes the same way.
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IConstruct } from 'constructs';
import type { DrConfig, RegionConfig } from '../../config';
import type { FunctionContract, FunctionEnvironment } from '../../contract';
import type { AutomationAlarms } from '../automation-alarms';
import { DrFunction } from '../dr-function';
import type { SteppedJob } from '../stepped-job';
import type { JobScheduler } from './job-scheduler';
import { denyLatestSnapshotDeletion } from './permissions';

/**
 * The plumbing the jobs of one region share. The Automation stack builds it once and hands it to
 * every job as a prop.
 */
export interface AutomationJobContext {
  /** The validated configuration of the stage: names, crons and thresholds. */
  readonly config: DrConfig;
  /** The region the jobs run in. */
  readonly regionConfig: RegionConfig;
  /**
   * Key of the functions' logs, dead-letter queues and environment, and of the jobs' execution
   * logs. It must be a key of this app: CloudWatch Logs is granted use of it.
   */
  readonly encryptionKey: kms.IKey;
  /** The region's VPC; every function runs in its `private` subnets. */
  readonly vpc: ec2.IVpc;
  /** The security group the data tier admits the automation from. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Alarms, each sent to the topic of its severity. */
  readonly alarms: AutomationAlarms;
  /** Starts jobs on the plan's crons, with the retry policy and dead-letter queue of the stage. */
  readonly scheduler: JobScheduler;
}

/** What the Automation stack reads off a job. */
export interface AutomationJob extends IConstruct {
  /** The job's function. */
  readonly function: DrFunction;
  /** The Step Functions loop of a job that waits between steps. */
  readonly steppedJob?: SteppedJob;
}

/** How often a stepped job looks at a snapshot, export or restore in progress. */
export const STEP_INTERVAL = Duration.minutes(2);

/** Props of {@link jobFunction}. */
export interface JobFunctionProps<Key extends string> {
  /** Handler, service name and environment keys of the function (lib/contract). */
  readonly contract: FunctionContract<Key>;
  /** What the function does, in one line. */
  readonly description: string;
  /** Every environment variable of the contract. */
  readonly environment: FunctionEnvironment<Key>;
  /**
   * Longest run of one invocation.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Whether the job replaces the plan's `-latest` snapshot itself: it may then delete the copy
   * that is not current, and is denied only the current one.
   * @default false - deleting `-latest` is denied outright
   */
  readonly rotatesLatestSnapshot?: boolean;
}

/**
 * The function of `job`: a DrFunction in the region's VPC under the automation key, with alarms on
 * its errors, throttles and dead letters named after the job. Its id is `Default`, which CDK leaves
 * out of logical ids: the function, its log group and its queue keep the ids they had when they
 * sat directly in the stack under the job's id.
 */
export function jobFunction<Key extends string>(
  job: Construct,
  context: AutomationJobContext,
  props: JobFunctionProps<Key>,
): DrFunction<Key> {
  const fn = new DrFunction(job, 'Default', {
    contract: props.contract,
    description: props.description,
    stage: context.config.stage,
    encryptionKey: context.encryptionKey,
    environment: props.environment,
    timeout: props.timeout ?? Duration.minutes(1),
    vpc: context.vpc,
    vpcSubnets: { subnetGroupName: 'private' },
    securityGroups: [context.securityGroup],
  });
  context.alarms.functionHealth(job.node.id, fn);
  // Whatever a job's own statements allow, none deletes the newest full backup.
  denyLatestSnapshotDeletion(fn, context.config, props.rotatesLatestSnapshot ?? false);
  return fn;
}
