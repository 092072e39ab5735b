// What a RegionFailover is built from: its props, their defaults, and the metric it records.
import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** Metric of a run that promoted a member: seconds from the start of the run to every member leading. */
export const FAILOVER_TIME_METRIC = 'failover_time_seconds';

/** The ElastiCache Global Datastore member of this region. */
export interface RegionFailoverCache {
  /** Id of this region's replication group, for example `async-toolformer-prod-usw2`. */
  readonly replicationGroupId: string;
  /**
   * Suffix of the Global Datastore id. ElastiCache prepends a prefix of its own, so the full id is
   * read at run time from this region's replication group; the suffix only bounds the IAM grant.
   */
  readonly globalDatastoreIdSuffix: string;
}

/** What starts a run without a human: an alarm entering ALARM. */
export interface RegionFailoverTrigger {
  /** Alarm whose transition to ALARM starts a run, for example the canary that probes the other region. */
  readonly alarm: cloudwatch.IAlarm;
  /**
   * Retries of the rule's target before the event goes to the dead-letter queue (0 to 185).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
   */
  readonly retryAttempts: number;
  /** How long EventBridge keeps retrying one event (1 minute to 24 hours). */
  readonly maxEventAge: Duration;
}

/** Props of {@link RegionFailover}. */
export interface RegionFailoverProps {
  /** Fixed name of the state machine, which the CLI and the alarms name. */
  readonly stateMachineName: string;
  /** Fixed-name SSM parameter that receives the state machine's ARN, for `failover-region.sh`. */
  readonly parameterName: string;
  /** Identifier of the stage's Aurora global cluster. */
  readonly globalClusterIdentifier: string;
  /** Identifier of this region's member cluster: the one to make the writer. */
  readonly clusterIdentifier: string;
  /** Identifier of the other region's member cluster, which the failover demotes. */
  readonly peerClusterIdentifier: string;
  /** Region of {@link peerClusterIdentifier}. */
  readonly peerRegion: string;
  /**
   * The cache member to promote alongside Aurora.
   * @default - Aurora only: the stage runs without an ElastiCache Global Datastore
   */
  readonly cache?: RegionFailoverCache;
  /** Stage, the `stage` dimension of {@link FAILOVER_TIME_METRIC}. */
  readonly stage: string;
  /** How every notice names the stage, for example `async-toolformer prod`. */
  readonly stageLabel: string;
  /** Namespace of {@link FAILOVER_TIME_METRIC}; the DR functions' namespace. */
  readonly metricNamespace: string;
  /** Topic told of every outcome: the region is active, or activation failed. */
  readonly alertTopic: sns.ITopic;
  /** Key of {@link alertTopic}: publishing to an encrypted topic needs a data key from it. */
  readonly alertTopicKey: kms.IKey;
  /**
   * Key of the execution log group and of the trigger's dead-letter queue. A key of this app, whose
   * policy already lets CloudWatch Logs of this region use it.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Pause between two looks at a member while it is being promoted.
   * @default Duration.seconds(15)
   */
  readonly pollInterval?: Duration;
  /**
   * How long each member may take to become writer or primary before the run gives up and fails.
   * AWS quotes minutes for Aurora and about one minute for ElastiCache.
   * @default Duration.minutes(15)
   */
  readonly promotionTimeout?: Duration;
  /**
   * Starts a run when an alarm enters ALARM.
   * @default - no trigger: runs start from `failover-region.sh` or the console
   */
  readonly trigger?: RegionFailoverTrigger;
}

/** The props with their defaults filled in, checked. */
export interface ResolvedFailoverProps extends RegionFailoverProps {
  readonly pollInterval: Duration;
  readonly promotionTimeout: Duration;
}

const DEFAULT_POLL_INTERVAL = Duration.seconds(15);
const DEFAULT_PROMOTION_TIMEOUT = Duration.minutes(15);

/** Fills in the defaults and throws on a value that cannot work, naming it and the fix. */
export function resolveFailoverProps(props: RegionFailoverProps): ResolvedFailoverProps {
  const pollInterval = props.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const promotionTimeout = props.promotionTimeout ?? DEFAULT_PROMOTION_TIMEOUT;
  if (pollInterval.toSeconds() < 1 || pollInterval.toSeconds() >= promotionTimeout.toSeconds()) {
    throw new Error(
      `pollInterval must be at least 1 second and shorter than promotionTimeout (${promotionTimeout.toHumanString()}), got: ${pollInterval.toHumanString()}`,
    );
  }
  const retries = props.trigger?.retryAttempts;
  if (
    retries !== undefined &&
    !Token.isUnresolved(retries) &&
    (!Number.isInteger(retries) || retries < 0 || retries > 185)
  ) {
    throw new Error(`trigger.retryAttempts must be an integer from 0 to 185, got: ${retries}`);
  }
  return { ...props, pollInterval, promotionTimeout };
}
