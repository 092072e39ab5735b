// The exact posts for social media (out of scope to automate): the plan's two notices of a region loss, rendered by the publisher's own model for the runbook.
// Docs-only: the publisher's bundle never imports this module, which reads the CDK config.
import { loadConfig } from '../../lib/config';
import { statusDomainName } from '../../lib/naming';
import { alarmChange, failoverRunChange, type EventNames } from './events';
import { applyChange, emptyFeed, type FeedSettings, type StatusChange } from './incidents';
import type { Notice } from './notice';

/** Prod's components and status page, as its publisher has them. */
function prodSettings(): FeedSettings {
  const config = loadConfig({ stage: 'prod' });
  return {
    components: config.objectives.map(({ component, name }) => ({ id: component, name })),
    statusHost: statusDomainName(config),
  };
}

const NAMES: EventNames = {
  failoverStateMachineName: 'machine',
  activateAlarmName: 'act',
  disagreementAlarmName: 'page',
};

/** A region loss from the decision to the failback, 67 minutes long, as the publisher sees it. */
export function regionLossNotices(): Notice[] {
  const settings = prodSettings();
  const changes: [string, StatusChange][] = [
    ['2026-11-28T13:05:00Z', alarmChange(NAMES, { name: 'act', state: 'ALARM' })!],
    ['2026-11-28T13:06:00Z', failoverRunChange('activate', 'RUNNING')!],
    ['2026-11-28T13:09:00Z', failoverRunChange('activate', 'SUCCEEDED')!],
    ['2026-11-28T14:12:00Z', failoverRunChange('failback', 'SUCCEEDED')!],
  ];
  let feed = emptyFeed(settings.components, new Date(changes[0]![0]));
  const notices: Notice[] = [];
  for (const [at, change] of changes) {
    const applied = applyChange(feed, change, new Date(at), settings);
    feed = applied.feed;
    if (applied.notice) notices.push(applied.notice);
  }
  return notices;
}

/** The runbook's generated block: each notice as a fenced block, with its length against a 280-character post. */
export function socialMediaPosts(): string {
  const [opened, resolved] = regionLossNotices();
  const block = (title: string, notice: Notice) =>
    `${title} (${[...notice.text].length} characters):\n\n\`\`\`text\n${notice.text}\n\`\`\`\n`;
  return [block('Initial Incident Report', opened!), block('Resolution Notice', resolved!)].join('\n');
}
