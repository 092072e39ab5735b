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
 * The incident table of a stage: one item per critical alarm's change to ALARM, keyed by the
 * alarm's name and the time of the change. The same name in both regions; each region's
 * escalation uses its own table, so an acknowledgement is given in the region that paged.
 */
export function incidentTableName(stage: string): string {
  return [RESOURCE_PREFIX, stage, 'incidents'].join('-');
}

/**
 * Attribute names of an incident item. EventBridge may deliver one state change twice: both
 * deliveries carry the same alarm and time, so the second finds the item and pages nobody.
 */
export const INCIDENT_ITEM = {
  /** Partition key: the alarm that opened it. */
  alarm: 'alarm',
  /** Sort key: when it opened, the alarm's state change time (ISO 8601). */
  openedAt: 'openedAt',
  /** Who acknowledged it; once present, the escalation stops before its next level. */
  acknowledgedBy: 'acknowledgedBy',
  /** When it was acknowledged, ISO 8601. */
  acknowledgedAt: 'acknowledgedAt',
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  expiresAt: 'expiresAt',
} as const;

/** How long an incident item is kept: long enough to read back in a post-mortem. */
export const INCIDENT_RETENTION_DAYS = 90;

/** Who an acknowledgement may name: a login or an email address, nothing that needs escaping. */
export const ACKNOWLEDGER_PATTERN = /^[A-Za-z0-9._@+-]{1,64}$/;

/**
 * What the escalation state machine is started with: the alarm's change to ALARM, as its
 * EventBridge rule transforms the CloudWatch event (and the drill starts it).
 */
export interface EscalationInput {
  /** The alarm's name. */
  readonly alarm: string;
  /** When it changed to ALARM (the event's `detail.state.timestamp`); with the name, the incident's key. */
  readonly changedAt: string;
  /** CloudWatch's reason for the change. */
  readonly reason: string;
}
