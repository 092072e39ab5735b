// The AWS service timings the recovery model assumes: one typed table, each figure with its source.
import { Duration } from 'aws-cdk-lib';

/** How sure a figure is: `documented` by AWS, or an `assumption` to replace with a drill's measurement. */
export type TimingBasis = 'documented' | 'assumption';

/** One timing the app cannot configure, only live with. */
export interface ServiceTiming {
  /** What takes this long, in the words the report prints. */
  readonly description: string;
  /** The worst case the model counts. */
  readonly duration: Duration;
  readonly basis: TimingBasis;
  /** Where the figure comes from: an AWS document, `../shared/design-notes.md`, or the plan. */
  readonly source: string;
}

const DESIGN_NOTES = 'design-notes.md (checked against AWS documentation, November 2026)';

/**
 * Every service timing of the model. Figures the app configures (health check interval, alarm
 * thresholds, schedules, TTLs it sets) are never here: the model reads those from the synthesized
 * stacks. Worst cases, not typical ones: the model promises an upper bound.
 */
export const SERVICE_TIMINGS = {
  route53Propagation: {
    description: 'Route 53 serves the changed answer from all its name servers',
    duration: Duration.seconds(60),
    basis: 'documented',
    source: `${DESIGN_NOTES}, Route 53: "changes propagate in under a minute"`,
  },
  aliasRecordTtl: {
    description: 'TTL of an alias record to a load balancer, fixed by Route 53',
    duration: Duration.seconds(60),
    basis: 'documented',
    source:
      'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html',
  },
  automationStart: {
    description: 'CloudWatch alarm state change reaches EventBridge and starts the failover state machine',
    duration: Duration.seconds(30),
    basis: 'assumption',
    source: 'EventBridge delivers alarm state changes within seconds; 30 s is the allowance until a drill measures it',
  },
  route53AnswerFollowsHealth: {
    description:
      "Route 53's name servers answer from a health check's new status (the first of them, which dns-view sees)",
    duration: Duration.seconds(10),
    basis: 'assumption',
    source:
      'Health checkers report to the name servers continuously; AWS quotes no figure (record changes propagate in under 60 s). 10 s until a drill measures it',
  },
  failoverGuards: {
    description:
      'Lock, cooldown and decision re-check before the data-loss step: three calls in the region (PutItem, GetItem, DescribeAlarms)',
    duration: Duration.seconds(5),
    basis: 'assumption',
    source: 'Single-digit-millisecond DynamoDB and CloudWatch reads; 5 s allows for retries until a drill measures it',
  },
  globalDatastoreDetach: {
    description: 'DisassociateGlobalReplicationGroup makes the secondary a standalone, writable group',
    duration: Duration.seconds(30),
    basis: 'assumption',
    source: `${DESIGN_NOTES}, ElastiCache: the secondary "becomes a standalone writable group"; AWS quotes no duration, 30 s until a drill measures it`,
  },
  manualResponse: {
    description: 'On-call engineer is paged, acknowledges and starts the failover runbook by hand',
    duration: Duration.minutes(15),
    basis: 'documented',
    source: 'dr-plan.md, Internal Escalation: level 2 is reached "within 15 minutes"',
  },
  auroraGlobalFailover: {
    description:
      'Aurora Global Database unplanned failover (FailoverGlobalCluster, AllowDataLoss) to a secondary with a reader',
    duration: Duration.minutes(3),
    basis: 'documented',
    source: `${DESIGN_NOTES}, Aurora: "usually has the new primary up within a few minutes"`,
  },
  auroraInstanceCreation: {
    description: 'Creating the first instance of a headless Aurora secondary cluster before it can be promoted',
    duration: Duration.minutes(15),
    basis: 'assumption',
    source:
      'AWS creates an Aurora DB instance in several to 15 minutes; 15 min until a run measures it (the staging restore test creates one but does not record how long it took)',
  },
  globalDatastorePromotion: {
    description: 'ElastiCache Global Datastore promotes the secondary (FailoverGlobalReplicationGroup)',
    duration: Duration.minutes(1),
    basis: 'documented',
    source: `${DESIGN_NOTES}, ElastiCache: "promotes a secondary in about 1 minute"`,
  },
  clientReconnect: {
    description: 'Orchestrator connection pools notice the new writer and reconnect',
    duration: Duration.seconds(30),
    basis: 'assumption',
    source: 'Regional endpoints keep their names through a promotion; 30 s covers pool retry back-off',
  },
  scaleToPeak: {
    description: 'HPA adds pods and EKS Auto Mode launches nodes until the secondary reaches the primary floor',
    duration: Duration.minutes(3),
    basis: 'assumption',
    source: 'EKS Auto Mode launches nodes in about a minute, pods start after; 3 min until a drill measures it',
  },
  s3ReplicationTimeControl: {
    description: 'S3 Replication Time Control replicates 99.99 % of objects within this bound',
    duration: Duration.minutes(15),
    basis: 'documented',
    source: `${DESIGN_NOTES}, S3; https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html`,
  },
  cloudFrontDefaultConnectionTimeout: {
    description: 'CloudFront connection timeout of an origin that does not set one',
    duration: Duration.seconds(10),
    basis: 'documented',
    source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html',
  },
} as const satisfies Record<string, ServiceTiming>;

export type ServiceTimingId = keyof typeof SERVICE_TIMINGS;

/** CloudFront tries an origin this many times when the origin sets no `ConnectionAttempts`. */
export const CLOUDFRONT_DEFAULT_CONNECTION_ATTEMPTS = 3;
