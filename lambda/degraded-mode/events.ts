// What each ElastiCache event notification means for rate limiting: the degraded-mode decision table.
import type { SNSEvent } from 'aws-lambda';

import { DEGRADED_MODE, NORMAL_MODE, type RateLimiterMode as Mode } from '../../lib/contract';

/** What an event asks of the switch: degrade to in-memory, recover to redis, or nothing. */
export type EventAction = 'degrade' | 'recover' | 'none';

/** One row of the decision table: the action and why. */
export interface EventRule {
  readonly action: EventAction;
  readonly why: string;
}

/**
 * Every ElastiCache event the switch understands. Anything not listed is unknown and never flips
 * the mode: a new event name must be read and classified here first.
 * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ElastiCacheSNS.html
 */
export const EVENT_RULES: Readonly<Record<string, EventRule>> = {
  'ElastiCache:CacheNodeReplaceStarted': {
    action: 'degrade',
    why: 'ElastiCache is replacing a failed node; if it is the primary, writes fail until the replacement or a failover completes',
  },
  'ElastiCache:CacheClusterProvisioningFailed': {
    action: 'degrade',
    why: 'a node of the group could not be provisioned, so the group is not serving as configured',
  },
  'ElastiCache:CacheNodeReplaceComplete': {
    action: 'recover',
    why: 'the failed node was replaced and serves again',
  },
  'ElastiCache:FailoverComplete': {
    action: 'recover',
    why: 'a replica was promoted to primary and the group accepts writes again',
  },
  'ElastiCache:CreateReplicationGroupComplete': {
    action: 'recover',
    why: 'the group was (re)created, for example restored from an S3 backup, and is available',
  },
  'ElastiCache:CacheClusterProvisioningComplete': {
    action: 'recover',
    why: 'the nodes of the group are provisioned and ready',
  },
  'ElastiCache:AddCacheNodeComplete': { action: 'none', why: 'capacity added; availability unchanged' },
  'ElastiCache:AddCacheNodeFailed': { action: 'none', why: 'scaling failed; the existing nodes still serve' },
  'ElastiCache:RemoveCacheNodeComplete': { action: 'none', why: 'capacity removed on request; availability unchanged' },
  'ElastiCache:CacheClusterParametersChanged': { action: 'none', why: 'configuration change; availability unchanged' },
  'ElastiCache:CacheClusterScalingComplete': { action: 'none', why: 'scaling finished; the group serves' },
  'ElastiCache:CacheClusterScalingFailed': {
    action: 'none',
    why: 'scaling failed; the group keeps its old size and serves',
  },
  'ElastiCache:ReplicationGroupScalingComplete': { action: 'none', why: 'scaling finished; the group serves' },
  'ElastiCache:ReplicationGroupScalingFailed': {
    action: 'none',
    why: 'scaling failed; the group keeps its old size and serves',
  },
  'ElastiCache:CacheClusterSecurityGroupModified': {
    action: 'none',
    why: 'network rules changed; availability unchanged',
  },
  'ElastiCache:CacheNodesRebooted': { action: 'none', why: 'a reboot finished; the nodes serve again' },
  'ElastiCache:CertificateRenewalComplete': { action: 'none', why: 'TLS certificate renewed; availability unchanged' },
  'ElastiCache:NodeReplacementScheduled': { action: 'none', why: 'maintenance is scheduled, not happening' },
  'ElastiCache:NodeReplacementRescheduled': { action: 'none', why: 'maintenance is scheduled, not happening' },
  'ElastiCache:NodeReplacementCanceled': { action: 'none', why: 'scheduled maintenance was canceled' },
  'ElastiCache:ServiceUpdateAvailableForNode': { action: 'none', why: 'an update is available, nothing changed yet' },
  'ElastiCache:SnapshotComplete': { action: 'none', why: 'backup succeeded; the backup checks watch snapshots' },
  'ElastiCache:SnapshotFailed': {
    action: 'none',
    why: 'a backup failed but the group serves; the backup checks alert on it',
  },
  'ElastiCache:ReplicationGroupIncreaseReplicaCountStarted': {
    action: 'none',
    why: 'replicas are being added; the group serves',
  },
  'ElastiCache:ReplicationGroupIncreaseReplicaCountFinished': {
    action: 'none',
    why: 'replicas were added; the group serves',
  },
  'ElastiCache:ReplicationGroupDecreaseReplicaCountStarted': {
    action: 'none',
    why: 'replicas are being removed on request',
  },
  'ElastiCache:ReplicationGroupDecreaseReplicaCountFinished': {
    action: 'none',
    why: 'replicas were removed on request',
  },
  'ElastiCache:DeleteCacheClusterComplete': {
    action: 'none',
    why: 'a node cluster was deleted on request, for example a replica',
  },
};

/** One ElastiCache event, as ElastiCache publishes it: `{"ElastiCache:<Event>": "<cluster or group id>"}`. */
export interface CacheNotification {
  /** The SNS message id, for tracing a decision back to its message. */
  readonly messageId: string;
  /** The event name, for example `ElastiCache:FailoverComplete`. */
  readonly event: string;
  /** The id the event is about: a node cluster (`<group>-001`) or the replication group. */
  readonly source: string;
}

/** Why a notification led to its action. */
export type DecisionReason =
  'failure-event' | 'recovery-event' | 'informational-event' | 'unknown-event' | 'other-group';

/** The decision for one notification. */
export interface Decision extends CacheNotification {
  readonly action: EventAction;
  readonly reason: DecisionReason;
  readonly why: string;
}

/** Thrown when an SNS event does not carry ElastiCache notifications; the invocation fails and retries to the DLQ. */
export class MalformedMessageError extends Error {
  constructor(detail: string) {
    super(`not an ElastiCache event notification: ${detail}`);
    this.name = 'MalformedMessageError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ElastiCache notifications of an SNS event; throws {@link MalformedMessageError} on anything else. */
export function parseNotifications(event: SNSEvent): CacheNotification[] {
  if (!isRecord(event) || !Array.isArray(event.Records) || event.Records.length === 0) {
    throw new MalformedMessageError('the event has no SNS records');
  }
  return event.Records.flatMap((record, index) => {
    const sns: unknown = isRecord(record) ? record.Sns : undefined;
    if (!isRecord(sns) || typeof sns.Message !== 'string') {
      throw new MalformedMessageError(`record ${index} has no SNS message`);
    }
    const messageId = typeof sns.MessageId === 'string' ? sns.MessageId : `record-${index}`;
    let body: unknown;
    try {
      body = JSON.parse(sns.Message);
    } catch {
      throw new MalformedMessageError(`message ${messageId} is not JSON: ${sns.Message.slice(0, 200)}`);
    }
    if (!isRecord(body) || Object.keys(body).length === 0) {
      throw new MalformedMessageError(`message ${messageId} is not a JSON object of events`);
    }
    return Object.entries(body).map(([name, source]) => {
      if (!name.startsWith('ElastiCache:') || typeof source !== 'string' || source === '') {
        throw new MalformedMessageError(`message ${messageId} has ${JSON.stringify(name)}: ${JSON.stringify(source)}`);
      }
      return { messageId, event: name, source };
    });
  });
}

/**
 * Whether `source` is the replication group or one of its node clusters. Node clusters are named
 * `<group>-NNN` (cluster mode disabled) or `<group>-NNNN-NNN` (enabled); a prefix match alone would
 * also take another group named `<group>-something`.
 */
export function belongsToGroup(source: string, replicationGroupId: string): boolean {
  if (source === replicationGroupId) return true;
  if (!source.startsWith(`${replicationGroupId}-`)) return false;
  return /^\d{3,4}(-\d{3,4})?$/.test(source.slice(replicationGroupId.length + 1));
}

/** The decision for one notification about `replicationGroupId`'s region. */
export function decide(notification: CacheNotification, replicationGroupId: string): Decision {
  if (!belongsToGroup(notification.source, replicationGroupId)) {
    return { ...notification, action: 'none', reason: 'other-group', why: `not about ${replicationGroupId}` };
  }
  const rule = EVENT_RULES[notification.event];
  if (!rule) {
    return { ...notification, action: 'none', reason: 'unknown-event', why: 'event not in the decision table' };
  }
  const reason: DecisionReason =
    rule.action === 'degrade' ? 'failure-event' : rule.action === 'recover' ? 'recovery-event' : 'informational-event';
  return { ...notification, action: rule.action, reason, why: rule.why };
}

/** The mode an action leads to, or `undefined` for none. */
export function targetMode(action: EventAction): Mode | undefined {
  if (action === 'degrade') return DEGRADED_MODE;
  if (action === 'recover') return NORMAL_MODE;
  return undefined;
}
