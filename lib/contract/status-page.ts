// What the status page's publisher, its construct and the operator command agree on: object keys, statuses, components and the function's environment.
import type { FunctionContract } from './functions';

/** The operator's and the automation's statuses of an incident, in the order an incident moves through them. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** What a component shows a visitor. */
export const COMPONENT_STATES = ['operational', 'degraded', 'outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/**
 * Ids of the plan's four components (lib/config/plan.ts `PLAN_OBJECTIVES`), which the publisher's
 * automatic notices name without importing the CDK config; a unit test holds them to the plan.
 * The names a visitor reads come from the config through {@link STATUS_PAGE_ENV.components}.
 */
export const STATUS_COMPONENT = {
  coreApi: 'core-api',
  rateLimiting: 'rate-limiting',
  monitoring: 'monitoring',
  docs: 'docs-site',
} as const;
export type StatusComponentId = (typeof STATUS_COMPONENT)[keyof typeof STATUS_COMPONENT];

/** Objects the publisher writes into both regions' buckets. */
export const STATUS_PAGE_OBJECTS = {
  /** The page a visitor reads: components, open incidents and the history. */
  page: 'index.html',
  /** The machine-readable feed: the same components and incidents as JSON. */
  feed: 'incidents.json',
} as const;

/**
 * How long browsers and CloudFront may keep the page and the feed. Short TTLs instead of
 * invalidations: CloudFront's control plane (CreateInvalidation) lives in us-east-1, so an
 * invalidation would fail exactly when that region is lost, while a 30-second TTL needs no call.
 */
export const STATUS_PAGE_MAX_AGE_SECONDS = 30;

/**
 * Minutes between the publisher's scheduled refreshes (`{"kind": "refresh"}`): the first page appears
 * this soon after a deploy, and a region back from a loss gets the merged feed back this soon even if
 * nothing else publishes. Each refresh is one invocation and four small PUTs.
 */
export const STATUS_PAGE_REFRESH_MINUTES = 5;

/** Environment keys of the publisher. */
export const STATUS_PAGE_ENV = {
  /** Name of this region's status bucket. */
  bucket: 'STATUS_BUCKET',
  /** Name and region of the other region's status bucket, written to as well. */
  peerBucket: 'PEER_STATUS_BUCKET',
  peerRegion: 'PEER_REGION',
  /** The page's public name, `status.<zone>`, which the notices point to. */
  domainName: 'STATUS_DOMAIN_NAME',
  /** The enterprise customers' notice topic of this region. */
  noticeTopicArn: 'NOTICE_TOPIC_ARN',
  /** JSON `[{ id, name }]` of the plan's components, from the config's objectives. */
  components: 'STATUS_COMPONENTS',
  /** Name of the region failover state machine (the same in each region). */
  failoverStateMachineName: 'FAILOVER_STATE_MACHINE_NAME',
  /** Name of the failover decision's `act` composite alarm. */
  activateAlarmName: 'ACTIVATE_ALARM_NAME',
  /** Name of the failover decision's `page` composite alarm. */
  disagreementAlarmName: 'DISAGREEMENT_ALARM_NAME',
} as const;

type StatusPageEnvKey = (typeof STATUS_PAGE_ENV)[keyof typeof STATUS_PAGE_ENV];

/** The publisher's function contract, used by its construct (DrFunction) and its handler. */
export const STATUS_PAGE_PUBLISHER: FunctionContract<StatusPageEnvKey> = {
  entry: 'lambda/status-page/handler.ts',
  service: 'status-page-publisher',
  environment: Object.values(STATUS_PAGE_ENV),
};

/** Metric names of the publisher. */
export const STATUS_PAGE_METRIC = {
  /** 1 per publication that reached at least one bucket. */
  published: 'StatusPagePublished',
  /** Buckets a publication could not write to (the lost region's, during a region loss). */
  failedWrites: 'StatusPageFailedWrites',
} as const;

/** What the operator command sends the publisher to post a manual update. */
export interface OperatorUpdate {
  readonly kind: 'operator-update';
  readonly status: IncidentStatus;
  readonly message: string;
  /** Components the incident affects; opening an incident without them affects the Core API. */
  readonly affected?: readonly string[];
  /** Who posted it, for the log only (never shown). */
  readonly operator?: string;
}
