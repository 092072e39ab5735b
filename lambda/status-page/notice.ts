// The plan's two notice templates (Communication Plan > Communication Templates), word for word, with their bracketed fields filled.
import { sanitizeText } from './sanitize';

/** The service the plan's notices name. */
export const SERVICE_NAME = 'async-toolformer-orchestrator';

/**
 * The plan's "Initial Incident Report", as the plan writes it (including the space that ends its
 * second line). Each `[field]` is filled by {@link renderInitialIncidentReport}; the plan's
 * `status.async-toolformer.com` becomes the stage's own `status.<zone>`.
 */
export const INITIAL_INCIDENT_REPORT = `🚨 SERVICE ALERT: async-toolformer-orchestrator

We're currently investigating reports of [issue description]. 
Our team is actively working on a resolution.

Status: Investigating
Started: [timestamp]
Impact: [affected services]

Updates: status.async-toolformer.com`;

/** The plan's "Resolution Notice", as the plan writes it. */
export const RESOLUTION_NOTICE = `✅ RESOLVED: async-toolformer-orchestrator

The issue with [problem description] has been resolved.

Resolution time: [duration]
Root cause: [brief explanation]

Full post-mortem will be published within 72 hours.`;

/** The plan's status page name, which {@link INITIAL_INCIDENT_REPORT} links to. */
const PLAN_STATUS_HOST = 'status.async-toolformer.com';

/** A rendered notice: a subject for email and the plan's text. */
export interface Notice {
  readonly subject: string;
  readonly text: string;
}

/** What the Initial Incident Report needs. */
export interface InitialReportFields {
  readonly issueDescription: string;
  readonly startedAt: Date;
  /** The affected components' names, as the page shows them. */
  readonly affectedServices: readonly string[];
  /** The stage's status page, `status.<zone>`. */
  readonly statusHost: string;
}

/** What the Resolution Notice needs. */
export interface ResolutionFields {
  readonly problemDescription: string;
  readonly startedAt: Date;
  readonly resolvedAt: Date;
  readonly rootCause: string;
}

/** `2026-11-28 13:55 UTC`: a timestamp a customer reads the same in any time zone. */
export function formatTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A measured duration in words: `less than a minute`, `47 minutes`, `2 hours 5 minutes`, `1 day 3 hours`. */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) {
    throw new Error(`a duration must be a finite number of milliseconds from 0 up, got: ${milliseconds}`);
  }
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return 'less than a minute';
  const unit = (count: number, name: string) => `${count} ${name}${count === 1 ? '' : 's'}`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return [unit(days, 'day'), ...(hours > 0 ? [unit(hours, 'hour')] : [])].join(' ');
  if (hours > 0) return [unit(hours, 'hour'), ...(rest > 0 ? [unit(rest, 'minute')] : [])].join(' ');
  return unit(rest, 'minute');
}

function fill(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\[([a-z ]+)\]/g, (match, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`no value for the template field ${match}`);
    return value;
  });
}

/** One line of a field: a sanitized value with no line breaks, so it cannot add lines to the template. */
function field(value: string): string {
  const clean = sanitizeText(value.replace(/\s+/g, ' '), 300);
  return clean === '' ? 'not yet known' : clean;
}

/** An SNS subject: printable ASCII only, under 100 characters. */
function subject(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '').slice(0, 99);
}

/** The Initial Incident Report with its fields filled. */
export function renderInitialIncidentReport(fields: InitialReportFields): Notice {
  const description = field(fields.issueDescription);
  const text = fill(INITIAL_INCIDENT_REPORT, {
    'issue description': description,
    timestamp: formatTimestamp(fields.startedAt),
    'affected services': field(fields.affectedServices.join(', ')),
  }).replace(`Updates: ${PLAN_STATUS_HOST}`, `Updates: ${field(fields.statusHost)}`);
  return { subject: subject(`SERVICE ALERT: ${SERVICE_NAME}: ${description}`), text };
}

/** The Resolution Notice with its fields filled; the resolution time is measured, resolved minus started. */
export function renderResolutionNotice(fields: ResolutionFields): Notice {
  const description = field(fields.problemDescription);
  const text = fill(RESOLUTION_NOTICE, {
    'problem description': description,
    duration: formatDuration(fields.resolvedAt.getTime() - fields.startedAt.getTime()),
    'brief explanation': field(fields.rootCause),
  });
  return { subject: subject(`RESOLVED: ${SERVICE_NAME}: ${description}`), text };
}
