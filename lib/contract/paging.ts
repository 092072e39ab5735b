// The escalation of a critical alarm: its levels and when each is paged, and the incident record that an acknowledgement stops it with.
import { RESOURCE_PREFIX } from './names';

/**
 * The plan's internal escalation (Communication Plan), in order: each level is paged this many
 * minutes after the incident opened, unless someone acknowledged it first. The state machine's
 * Wait states, the drill, the tests and the docs all read these numbers from here.
 */
export const ESCALATION_LEVELS = [
  { level: 1, key: 'onCall', who: 'the on-call engineer', afterMinutes: 0 },
  { level: 2, key: 'engineeringManager', who: 'the engineering manager', afterMinutes: 15 },
  { level: 3, key: 'executive', who: 'the CTO and executive team', afterMinutes: 30 },
] as const;

/** A level's key: the field of `contacts.escalation` that holds its contact. */
export type EscalationLevelKey = (typeof ESCALATION_LEVELS)[number]['key'];

/**
 * The incident table of a stage: one item per critical alarm that entered ALARM, keyed by
 * {@link incidentId}. The same name in both regions; each region's escalation uses its own.
 */
export function incidentTableName(stage: string): string {
  return [RESOURCE_PREFIX, stage, 'incidents'].join('-');
}

/** Attribute names of an incident item. */
export const INCIDENT_ITEM = {
  /** Partition key: {@link incidentId}. */
  id: 'incident',
  /** The alarm that opened it. */
  alarm: 'alarm',
  /** When it opened, ISO 8601 (the alarm's state change time). */
  openedAt: 'openedAt',
  /** Who acknowledged it; present once acknowledged, and the escalation stops at its next stage. */
  acknowledgedBy: 'acknowledgedBy',
  /** When it was acknowledged, ISO 8601. */
  acknowledgedAt: 'acknowledgedAt',
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  expiresAt: 'expiresAt',
} as const;

/** How long an incident item is kept: long enough to read back after a post-mortem. */
export const INCIDENT_RETENTION_DAYS = 90;

/**
 * The id of the incident a critical alarm's state change opens: the alarm's name and the time of
 * its change to ALARM. EventBridge may deliver one change twice; both deliveries name the same
 * incident, so the second opens nothing and pages nobody.
 */
export function incidentId(alarmName: string, stateChangeTime: string): string {
  return `${alarmName}@${stateChangeTime}`;
}

/** Who an acknowledgement may name: a login or an email address, nothing that needs escaping. */
export const ACKNOWLEDGER_PATTERN = /^[A-Za-z0-9._@+-]{1,64}$/;
