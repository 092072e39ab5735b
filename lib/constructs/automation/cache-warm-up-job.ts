// The cache warm-up of one region: a state machine that loads a versioned manifest from the cache backup bucket into the region's cache primary.
import { Duration } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FUNCTIONS, WARM_UP_MANIFEST } from '../../contract';
import {
  cacheAuthTokenSecretName,
  cacheBackupBucketName,
  cacheReplicationGroupId,
  parameters,
  stateMachineName,
} from '../../naming';
import type { DrFunction } from '../dr-function';
import { SteppedJob } from '../stepped-job';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowCacheAuthTokenRead, allowCachePrimaryLookup, bucketArn } from './permissions';

/** Keys per SET pipeline: one round trip each, small enough for a node's output buffer. */
export const WARM_UP_BATCH_SIZE = 500;
/** Keys one invocation loads: well inside its timeout at a few thousand keys a second. */
export const WARM_UP_KEYS_PER_STEP = 20_000;

/** Props of {@link CacheWarmUpJob}. */
export interface CacheWarmUpJobProps {
  /** What the jobs of the region share; the function runs in its VPC with the automation group, which the cache admits. */
  readonly context: AutomationJobContext;
  /**
   * Longest run of the state machine.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * The operator's cache warm-up (`dr warm-cache`, docs/runbooks/cache-warm-up.md). Manifests sit under
 * `warm-up/` of the region's cache backup bucket, which is versioned and replicates to the other
 * region, so a manifest uploaded before an incident is there in the region being recovered into.
 * Started by the operator only: no schedule.
 */
export class CacheWarmUpJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;

  constructor(scope: Construct, id: string, props: CacheWarmUpJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const bucket = cacheBackupBucketName(config, regionConfig);
    this.function = jobFunction(this, context, {
      contract: FUNCTIONS.cacheWarmUp,
      description: 'Cache warm-up step: a versioned manifest from S3 loaded into the cache primary in batches',
      timeout: Duration.minutes(5),
      environment: {
        REPLICATION_GROUP_ID: cacheReplicationGroupId(config, regionConfig),
        CACHE_AUTH_SECRET_NAME: cacheAuthTokenSecretName(config),
        MANIFEST_BUCKET: bucket,
        BATCH_SIZE: String(WARM_UP_BATCH_SIZE),
        KEYS_PER_STEP: String(WARM_UP_KEYS_PER_STEP),
      },
    });
    allow(this.function, {
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucketArn(this, bucket, `${WARM_UP_MANIFEST.prefix}*`)],
      wildcardReason:
        'Manifests and their sources are any object under the warm-up/ prefix of the cache backup bucket.',
    });
    allowCachePrimaryLookup(this.function, config, regionConfig);
    allowCacheAuthTokenRead(this.function, config);

    this.steppedJob = new SteppedJob(this, 'StateMachine', {
      step: this.function,
      stateMachineName: stateMachineName(config, regionConfig, 'cache-warm-up'),
      // Each step loads its share and returns at once: the pause only spaces the invocations.
      interval: Duration.seconds(1),
      timeout: props.timeout ?? Duration.hours(1),
      logKey: context.encryptionKey,
    });
    context.alarms.jobFailures('CacheWarmUpFailures', {
      stateMachine: this.steppedJob.stateMachine,
      what: 'Recovery procedure failure',
    });
    new ssm.StringParameter(this, 'StateMachineArn', {
      parameterName: parameters(config).cacheWarmUpStateMachineArn,
      stringValue: this.steppedJob.stateMachine.stateMachineArn,
      description: `The cache warm-up state machine of ${regionConfig.region}, which dr warm-cache starts`,
    });
  }
}
