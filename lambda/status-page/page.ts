// The status page a visitor reads, as one static HTML document rendered from the feed: no script, and every field escaped and sanitized.
import type { ComponentState, IncidentStatus } from '../../lib/contract/status-page';
import type { Incident, StatusFeed } from './incidents';
import { SERVICE_NAME, formatDuration, formatTimestamp } from './notice';
import { escapeHtml, holdsInternalName, sanitizeText } from './sanitize';

/** What a visitor reads for each component state. */
export const STATE_LABEL: Readonly<Record<ComponentState, string>> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  outage: 'Major outage',
};

/** What a visitor reads for each incident status. */
export const STATUS_LABEL: Readonly<Record<IncidentStatus, string>> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/**
 * No script runs on the page, and nothing loads from elsewhere: even a field that escaped both the
 * sanitizer and the escaping could not run code or call out.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:48rem;padding:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:2rem 0 .75rem}
.banner{padding:1rem;border-radius:.5rem;font-weight:600;color:#fff}
.banner.ok{background:#1a7f37}.banner.incident{background:#bc4c00}.banner.outage{background:#cf222e}
ul.components{list-style:none;padding:0;margin:0;border:1px solid #d0d7de;border-radius:.5rem}
ul.components li{display:flex;justify-content:space-between;padding:.75rem 1rem;border-top:1px solid #d0d7de}
ul.components li:first-child{border-top:0}
.state-operational{color:#1a7f37}.state-degraded{color:#9a6700}.state-outage{color:#cf222e}
article{border:1px solid #d0d7de;border-radius:.5rem;padding:1rem;margin-bottom:1rem}
article h3{margin:0 0 .5rem;font-size:1rem}article p{margin:.25rem 0}
ol.updates{padding-left:1.25rem}.muted{color:#59636e;font-size:.875rem}
`;

/** Settings of the page. */
export interface PageSettings {
  /** `status.<zone>`, shown in the footer. */
  readonly statusHost: string;
}

function text(value: string, maxLength?: number): string {
  return escapeHtml(sanitizeText(value, maxLength));
}

function componentList(feed: StatusFeed): string {
  const items = feed.components.map(
    (component) =>
      `<li data-component="${text(component.id)}"><span class="name">${text(component.name)}</span>` +
      `<span class="state state-${component.state}">${STATE_LABEL[component.state]}</span></li>`,
  );
  return `<ul class="components">${items.join('')}</ul>`;
}

function affectedNames(incident: Incident, feed: StatusFeed): string {
  return incident.affected.map((id) => feed.components.find((c) => c.id === id)?.name ?? id).join(', ');
}

function incidentArticle(incident: Incident, feed: StatusFeed): string {
  const updates = [...incident.updates]
    .reverse()
    .map(
      (update) =>
        `<li><strong>${STATUS_LABEL[update.status]}</strong> <time datetime="${text(update.at)}">${formatTimestamp(new Date(update.at))}</time>: ${text(update.message)}</li>`,
    );
  const resolved = incident.resolvedAt
    ? `<p>Resolved: ${formatTimestamp(new Date(incident.resolvedAt))} (resolution time: ${formatDuration(
        Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt),
      )})</p>` + `<p>Root cause: ${text(incident.rootCause ?? 'not yet known')}</p>`
    : '';
  return (
    `<article class="incident" data-incident="${text(incident.id)}" data-status="${incident.status}">` +
    `<h3>${text(incident.title)}</h3>` +
    `<p>Status: <strong class="status">${STATUS_LABEL[incident.status]}</strong></p>` +
    `<p>Started: ${formatTimestamp(new Date(incident.startedAt))}</p>` +
    `<p>Impact: ${text(affectedNames(incident, feed))}</p>` +
    resolved +
    `<ol class="updates">${updates.join('')}</ol></article>`
  );
}

function banner(feed: StatusFeed): string {
  const open = feed.incidents.filter((incident) => incident.status !== 'resolved');
  if (open.length === 0) return '<p class="banner ok" id="overall">All systems operational</p>';
  const outage = feed.components.some((component) => component.state === 'outage');
  return `<p class="banner ${outage ? 'outage' : 'incident'}" id="overall">${
    outage ? 'Major outage' : 'Some systems are affected'
  }: ${open.length} open incident${open.length === 1 ? '' : 's'}</p>`;
}

/** The page: overall state, components, open incidents with their updates, and the history of resolved ones. */
export function renderPage(feed: StatusFeed, settings: PageSettings): string {
  const open = feed.incidents.filter((incident) => incident.status !== 'resolved');
  const resolved = feed.incidents.filter((incident) => incident.status === 'resolved');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${SERVICE_NAME} status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${SERVICE_NAME} status</h1>
${banner(feed)}
<h2>Components</h2>
${componentList(feed)}
<h2>Current incidents</h2>
<section id="open-incidents">${
    open.length === 0 ? '<p>No open incidents.</p>' : open.map((incident) => incidentArticle(incident, feed)).join('\n')
  }</section>
<h2>Incident history</h2>
<section id="history">${
    resolved.length === 0
      ? '<p>No incidents reported.</p>'
      : resolved.map((incident) => incidentArticle(incident, feed)).join('\n')
  }</section>
<p class="muted">Last updated ${formatTimestamp(new Date(feed.updatedAt))}. Changes reach this page within a minute; the same incidents as JSON: <a href="incidents.json">incidents.json</a>. ${text(settings.statusHost)}</p>
</body>
</html>
`;
  // The sanitizer ran on every field; this is the last line of defence if a new field forgot it.
  if (holdsInternalName(html))
    throw new Error('the rendered status page holds an internal name; a field was not sanitized');
  return html;
}

/** The feed as published: the same sanitized fields the page shows, with no source hashes' inputs. */
export function renderFeed(feed: StatusFeed): string {
  const json = `${JSON.stringify(feed, null, 2)}\n`;
  if (holdsInternalName(json)) throw new Error('the status feed holds an internal name; a field was not sanitized');
  return json;
}
