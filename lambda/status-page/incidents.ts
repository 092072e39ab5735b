// The incident model: the feed the page is rendered from, and the one pure function that applies a change to it and says which notice to send.
import { createHash } from 'node:crypto';
import { array, enum as oneOf, iso, literal, object, optional, prettifyError, regex, string } from 'zod/mini';
import type { infer as Infer } from 'zod/mini';
import {
  COMPONENT_STATES,
  INCIDENT_STATUSES,
  STATUS_COMPONENT,
  type ComponentState,
  type IncidentStatus,
} from '../../lib/contract/status-page';
import { renderInitialIncidentReport, renderResolutionNotice, type Notice } from './notice';
import { sanitizeText } from './sanitize';

/** How many resolved incidents the feed keeps; older ones leave the page (the post-mortems keep them). */
export const HISTORY_LIMIT = 50;

const updateSchema = object({
  status: oneOf(INCIDENT_STATUSES),
  at: iso.datetime(),
  message: string(),
});

const incidentSchema = object({
  id: string().check(regex(/^inc-[a-p]{12}$/)),
  /** A hash of what raised it (an alarm, the failover), never the name itself. */
  source: string().check(regex(/^[0-9a-f]{16}$/)),
  title: string(),
  impact: oneOf(['degraded', 'outage']),
  affected: array(string()),
  status: oneOf(INCIDENT_STATUSES),
  startedAt: iso.datetime(),
  resolvedAt: optional(iso.datetime()),
  rootCause: optional(string()),
  updates: array(updateSchema),
});

const componentSchema = object({ id: string(), name: string(), state: oneOf(COMPONENT_STATES) });

const feedSchema = object({
  version: literal(1),
  updatedAt: iso.datetime(),
  components: array(componentSchema),
  incidents: array(incidentSchema),
});

export type IncidentUpdate = Infer<typeof updateSchema>;
export type Incident = Infer<typeof incidentSchema>;
export type ComponentStatus = Infer<typeof componentSchema>;
export type StatusFeed = Infer<typeof feedSchema>;

/** A component of the plan: its id and the name a visitor reads. */
export interface Component {
  readonly id: string;
  readonly name: string;
}

/** The feed as read from a bucket; throws naming what is wrong, so a corrupt feed is never overwritten blindly. */
export function parseFeed(json: string): StatusFeed {
  const parsed = feedSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`the status feed is not valid: ${prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The feed of a page that has never had an incident. */
export function emptyFeed(components: readonly Component[], now: Date): StatusFeed {
  return {
    version: 1,
    updatedAt: now.toISOString(),
    components: components.map(({ id, name }) => ({ id, name, state: 'operational' })),
    incidents: [],
  };
}

/** What an event or an operator asks of the page. */
export type StatusChange =
  | {
      /** An automatic source went bad: open its incident, or add an update to the one open. */
      readonly kind: 'open';
      /** What raised it, such as an alarm name; only its hash is kept. */
      readonly source: string;
      readonly title: string;
      readonly impact: 'degraded' | 'outage';
      readonly affected: readonly string[];
      readonly status: IncidentStatus;
      readonly message: string;
    }
  | {
      /** An automatic source moved on; nothing happens unless its incident is open. */
      readonly kind: 'update';
      readonly source: string;
      readonly status: Exclude<IncidentStatus, 'resolved'>;
      readonly message: string;
    }
  | {
      /** An automatic source recovered: resolve its open incident (only while still `investigating`, when `whileInvestigating`). */
      readonly kind: 'resolve';
      readonly source: string;
      readonly rootCause: string;
      readonly message: string;
      readonly whileInvestigating?: boolean;
    }
  | {
      /** An operator's update: it opens an incident (investigating) or moves the newest open one. */
      readonly kind: 'operator';
      readonly status: IncidentStatus;
      readonly message: string;
      readonly affected?: readonly string[];
    };

/** The feed after a change, and the notice to send customers, if the change opened or resolved an incident. */
export interface Applied {
  readonly feed: StatusFeed;
  readonly notice?: Notice;
  /** What happened, for the log. */
  readonly outcome: 'opened' | 'updated' | 'resolved' | 'unchanged';
  readonly incidentId?: string;
}

/** Settings the rendering needs. */
export interface FeedSettings {
  readonly components: readonly Component[];
  /** `status.<zone>`, which the Initial Incident Report names. */
  readonly statusHost: string;
}

/** Thrown when an operator's update cannot apply (nothing open to move); the command exits 2 on it. */
export class UpdateRefused extends Error {}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** An incident id of letters only (hex digits moved to a-p), so no id ever reads like an account id. */
function incidentId(text: string): string {
  const letters = [...hash(text, 12)].map((digit) => String.fromCharCode(97 + parseInt(digit, 16)));
  return `inc-${letters.join('')}`;
}

const OPERATOR_SOURCE = 'operator';

export function applyChange(feed: StatusFeed, change: StatusChange, now: Date, settings: FeedSettings): Applied {
  const at = now.toISOString();
  const open = feed.incidents.filter((incident) => incident.status !== 'resolved');
  const source = change.kind === 'operator' ? undefined : hash(change.source, 16);
  const target =
    change.kind === 'operator'
      ? open.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]
      : open.find((incident) => incident.source === source);
  const message = sanitizeText(change.message);

  const opens = (change.kind === 'open' && !target) || (change.kind === 'operator' && !target);
  if (opens) {
    if (change.kind === 'operator' && change.status !== 'investigating') {
      throw new UpdateRefused(
        `no incident is open, so there is nothing to mark ${change.status}; open one with --status investigating`,
      );
    }
    const affected = known(
      change.kind === 'open' ? change.affected : (change.affected ?? [STATUS_COMPONENT.coreApi]),
      settings,
    );
    const title = sanitizeText(change.kind === 'open' ? change.title : change.message, 200);
    const incident: Incident = {
      id: incidentId(`${change.kind === 'open' ? change.source : OPERATOR_SOURCE}@${at}`),
      source: source ?? hash(`${OPERATOR_SOURCE}@${at}`, 16),
      title,
      impact: change.kind === 'open' ? change.impact : 'degraded',
      affected,
      status: change.status,
      startedAt: at,
      updates: [{ status: change.status, at, message }],
    };
    const notice = renderInitialIncidentReport({
      issueDescription: title,
      startedAt: now,
      affectedServices: affected.map((id) => nameOf(id, settings)),
      statusHost: settings.statusHost,
    });
    return {
      feed: withIncidents(feed, [incident, ...feed.incidents], at, settings),
      notice,
      outcome: 'opened',
      incidentId: incident.id,
    };
  }
  // An update or recovery of something not open (an OK without its ALARM): nothing to say.
  if (!target) return { feed, outcome: 'unchanged' };
  const next: IncidentStatus = change.kind === 'resolve' ? 'resolved' : change.status;
  const last = target.updates.at(-1);
  // The same event seen twice (EventBridge and SNS deliver at least once).
  const repeated = change.kind !== 'operator' && last?.status === next && last.message === message;
  // A recovery that means the incident is over only if nothing else (an activation) has happened since.
  const tooLate = change.kind === 'resolve' && change.whileInvestigating === true && target.status !== 'investigating';
  if (repeated || tooLate) return { feed, outcome: 'unchanged', incidentId: target.id };
  const resolves = next === 'resolved';
  if (resolves) {
    const rootCause = sanitizeText(change.kind === 'resolve' ? change.rootCause : change.message, 300);
    const resolved: Incident = {
      ...target,
      status: 'resolved',
      resolvedAt: at,
      rootCause,
      updates: [...target.updates, { status: 'resolved', at, message }],
    };
    const notice = renderResolutionNotice({
      problemDescription: target.title,
      startedAt: new Date(target.startedAt),
      resolvedAt: now,
      rootCause,
    });
    return {
      feed: withIncidents(feed, replace(feed.incidents, resolved), at, settings),
      notice,
      outcome: 'resolved',
      incidentId: target.id,
    };
  }
  const updated: Incident = { ...target, status: next, updates: [...target.updates, { status: next, at, message }] };
  return {
    feed: withIncidents(feed, replace(feed.incidents, updated), at, settings),
    outcome: 'updated',
    incidentId: target.id,
  };
}

function known(ids: readonly string[], settings: FeedSettings): string[] {
  const unknown = ids.filter((id) => !settings.components.some((component) => component.id === id));
  if (unknown.length > 0) {
    throw new UpdateRefused(
      `unknown component ${unknown.join(', ')}; the components are ${settings.components.map((c) => c.id).join(', ')}`,
    );
  }
  return [...new Set(ids)];
}

function nameOf(id: string, settings: FeedSettings): string {
  return settings.components.find((component) => component.id === id)?.name ?? id;
}

function replace(incidents: readonly Incident[], next: Incident): Incident[] {
  return incidents.map((incident) => (incident.id === next.id ? next : incident));
}

/** When an incident last changed: its newest update, or its resolution. */
function lastTouched(incident: Incident): string {
  const times = [...incident.updates.map((update) => update.at), incident.resolvedAt ?? ''];
  return times.reduce((latest, at) => (at > latest ? at : latest), incident.startedAt);
}

/**
 * One feed from the feeds of both regions' buckets. A region that was lost missed what the other
 * published meanwhile; its stale feed must not erase that history when it publishes again. So every
 * incident of either feed is kept, each in the version that changed last (resolved on a tie), and the
 * components' states follow from the merged incidents.
 */
export function mergeFeeds(feeds: readonly [StatusFeed, ...StatusFeed[]], settings: FeedSettings): StatusFeed {
  const newest = feeds.reduce((latest, feed) => (feed.updatedAt > latest.updatedAt ? feed : latest));
  const byId = new Map<string, Incident>();
  for (const incident of feeds.flatMap((feed) => feed.incidents)) {
    const known = byId.get(incident.id);
    const newer =
      !known ||
      lastTouched(incident) > lastTouched(known) ||
      (lastTouched(incident) === lastTouched(known) && incident.status === 'resolved');
    if (newer) byId.set(incident.id, incident);
  }
  return withIncidents(newest, [...byId.values()], newest.updatedAt, settings);
}

/** The feed with `incidents` (open first, then the newest resolved up to {@link HISTORY_LIMIT}) and the components' states they imply. */
function withIncidents(
  feed: StatusFeed,
  incidents: readonly Incident[],
  at: string,
  settings: FeedSettings,
): StatusFeed {
  const open = incidents.filter((incident) => incident.status !== 'resolved');
  const resolved = incidents
    .filter((incident) => incident.status === 'resolved')
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''))
    .slice(0, HISTORY_LIMIT);
  return {
    ...feed,
    updatedAt: at,
    components: settings.components.map(({ id, name }) => ({ id, name, state: componentState(id, open) })),
    incidents: [...open, ...resolved],
  };
}

/** The worst state the open incidents give a component; an incident being monitored only degrades it. */
export function componentState(id: string, open: readonly Incident[]): ComponentState {
  const states = open
    .filter((incident) => incident.affected.includes(id))
    .map((incident): ComponentState => (incident.status === 'monitoring' ? 'degraded' : incident.impact));
  if (states.includes('outage')) return 'outage';
  return states.length > 0 ? 'degraded' : 'operational';
}
