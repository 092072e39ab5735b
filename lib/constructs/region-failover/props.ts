// What a RegionFailover is built from: its props, their defaults, and the metric it records.
import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { METRIC } from '../../contract';

/** Metric of a run that promoted a member: seconds from the start of the run to every member leading. */
export const FAILOVER_TIME_METRIC = METRIC.failoverTimeSeconds;

/** The ElastiCache Global Datastore member of this region. */
export interface RegionFailoverCache {
  /** Id of this region's replication group, for example `async-toolformer-prod-usw2`. */
  readonly replicationGroupId: string;
  /**
   * Suffix of the Global Datastore id. ElastiCache prepends a prefix of its own, so the full id is
   * read at run time from this region's replication group; the suffix only bounds the IAM grant.
   */
  readonly globalDatastoreIdSuffix: string;
  /** Id of the other region's replication group: a failback makes it primary again. */
  readonly peerReplicationGroupId: string;
  /**
   * How long an activation waits for `FailoverGlobalReplicationGroup` before it detaches this
   * region's group from the Global Datastore instead (`DisassociateGlobalReplicationGroup`): the
   * failover needs the primary region to answer, the detach does not.
   * @default Duration.seconds(45)
   */
  readonly activateDeadline?: Duration;
}

/** The decision an alarm-started activation re-checks right before its data-loss step. */
export interface RegionFailoverDecision {
  /** Name of signal S1's alarm in this region (the canary's failover alarm). */
  readonly probeAlarmName: string;
  /** Name of signal S2's alarm in this region (Route 53's view). */
  readonly route53ViewAlarmName: string;
}

/** The DNS fence this region's runs raise (activate, switchover) and lift (failback). */
export interface RegionFailoverFence {
  /** Metric the fence alarm watches; published in {@link RegionFailoverProps.metricNamespace}. */
  readonly metricName: string;
  /** Its dimensions, exactly as the fence alarm names them. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Name of the fence alarm, for the notices. */
  readonly alarmName: string;
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
  /** Fixed name of this region's lock table (one run at a time, and the last activation). */
  readonly lockTableName: string;
  /** Fixed name of the SSM parameter that receives the active region; the pods read it. */
  readonly activeRegionParameterName: string;
  /** Value of that parameter at creation: the configured primary region. */
  readonly initialActiveRegion: string;
  /**
   * Alarm-started activations within this time of the last activation are refused (anti-flap).
   * @default Duration.minutes(30)
   */
  readonly cooldown?: Duration;
  /**
   * The signals an alarm-started activation re-checks before its data-loss step. Without it, this
   * region's state machine refuses runs requested by an alarm.
   * @default - only operators may start runs
   */
  readonly decision?: RegionFailoverDecision;
  /**
   * The DNS fence this region owns (the secondary). Without it, the machine raises no fence and
   * refuses `failback`, which only the fence's owner may run.
   * @default - no fence
   */
  readonly fence?: RegionFailoverFence;
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
  readonly cooldown: Duration;
  /** Of the cache's activation, when there is a cache. */
  readonly activateDeadline: Duration;
}

const DEFAULT_POLL_INTERVAL = Duration.seconds(15);
const DEFAULT_PROMOTION_TIMEOUT = Duration.minutes(15);
const DEFAULT_COOLDOWN = Duration.minutes(30);
const DEFAULT_ACTIVATE_DEADLINE = Duration.seconds(45);

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
  const cooldown = props.cooldown ?? DEFAULT_COOLDOWN;
  const activateDeadline = props.cache?.activateDeadline ?? DEFAULT_ACTIVATE_DEADLINE;
  if (
    activateDeadline.toSeconds() < pollInterval.toSeconds() ||
    activateDeadline.toSeconds() >= promotionTimeout.toSeconds()
  ) {
    throw new Error(
      `cache.activateDeadline must be from pollInterval (${pollInterval.toHumanString()}) to below promotionTimeout (${promotionTimeout.toHumanString()}), got: ${activateDeadline.toHumanString()}`,
    );
  }
  if (props.trigger && !props.decision) {
    throw new Error('a trigger needs decision: an alarm-started activation re-checks both signals before it promotes');
  }
  return { ...props, pollInterval, promotionTimeout, cooldown, activateDeadline };
}
