// The status page in a real browser (Debian's headless chromium through playwright-core): what a visitor reads with an open incident and with none.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { alarmChange, failoverRunChange, type EventNames } from '../../lambda/status-page/events';
import { HOSTILE_INPUTS, SETTINGS } from '../../lambda/status-page/fixtures';
import { applyChange, emptyFeed, type StatusChange, type StatusFeed } from '../../lambda/status-page/incidents';
import { renderFeed, renderPage } from '../../lambda/status-page/page';

/** Installed by scripts/setup-browser.sh, which `npm test` runs first. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of this run (gitignored); docs/status-page.md names them. */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'status-page');

const NAMES: EventNames = {
  failoverStateMachineName: 'async-toolformer-prod-usw2-region-failover',
  activateAlarmName: 'async-toolformer-prod-usw2-failover-activate',
  disagreementAlarmName: 'async-toolformer-prod-usw2-failover-disagreement',
};

function feedAfter(changes: readonly StatusChange[]): StatusFeed {
  let feed = emptyFeed(SETTINGS.components, new Date('2026-11-28T12:00:00Z'));
  changes.forEach((change, index) => {
    feed = applyChange(feed, change, new Date(Date.parse('2026-11-28T13:00:00Z') + index * 7 * 60_000), SETTINGS).feed;
  });
  return feed;
}

/** A resolved operator incident whose every text field is hostile, then a region loss still open. */
const OPEN_FEED = feedAfter([
  ...HOSTILE_INPUTS.slice(0, 3).map(([hostile]): StatusChange => ({
    kind: 'operator',
    status: 'investigating',
    message: `Slow responses: ${hostile}`,
  })),
  { kind: 'operator', status: 'resolved', message: `a faulty deploy ${HOSTILE_INPUTS.map(([h]) => h).join(' ')}` },
  alarmChange(NAMES, { name: NAMES.activateAlarmName, state: 'ALARM' })!,
  failoverRunChange('activate', 'RUNNING')!,
]);
const CALM_FEED = feedAfter([]);

let browser: Browser;
let page: Page;
let site: string;

/** Writes the page and feed as the publisher would into a directory, and opens it. */
async function visit(name: string, feed: StatusFeed): Promise<void> {
  const dir = join(site, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), renderPage(feed, SETTINGS));
  writeFileSync(join(dir, 'incidents.json'), renderFeed(feed));
  await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
}

async function componentStates(): Promise<Record<string, string>> {
  const names = await page.locator('ul.components li .name').allTextContents();
  const states = await page.locator('ul.components li .state').allTextContents();
  return Object.fromEntries(names.map((name, index) => [name, states[index] ?? '']));
}

/** What a visitor reads in the element `selector`, as the browser lays it out. */
async function read(selector: string): Promise<string> {
  return page.locator(selector).innerText();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: run npm run setup:browser (npm test does), or set CHROMIUM_PATH`);
  }
  site = mkdtempSync(join(tmpdir(), 'status-page-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in CI the sandbox cannot start; the page is our own static file.
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

describe('with an open incident', () => {
  let scriptsRan: boolean;
  let dialogs: string[];

  beforeAll(async () => {
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await visit('open', OPEN_FEED);
    scriptsRan = (await page.evaluate('window.pwned === true')) as boolean;
    await page.screenshot({ path: join(SCREENSHOTS, 'open-incident.png'), fullPage: true });
  }, 30_000);

  test('the banner and the components say what is down', async () => {
    expect(await read('#overall')).toBe('Major outage: 1 open incident');
    expect(await componentStates()).toEqual({
      'Core API Service': 'Major outage',
      'Rate Limiting': 'Major outage',
      'Monitoring/Metrics': 'Operational',
      'Documentation Site': 'Operational',
    });
  });

  test('the open incident reads as the Initial Incident Report does, with its updates newest first', async () => {
    const text = await read('#open-incidents');
    expect(text).toContain('errors and unavailability of the API in one of our regions');
    expect(text).toContain('Status: Identified');
    expect(text).toContain('Started: 2026-11-28 13:28 UTC');
    expect(text).toContain('Impact: Core API Service, Rate Limiting');
    const updates = await page.locator('#open-incidents li').allTextContents();
    expect(updates[0]).toMatch(/^Identified 2026-11-28 13:35 UTC: We are moving the service to our standby region\.$/);
    expect(updates[1]).toMatch(/^Investigating /);
  });

  test('the history shows the resolved incident with its measured resolution time and root cause', async () => {
    const text = await read('#history');
    expect(text).toContain('Resolved: 2026-11-28 13:21 UTC (resolution time: 21 minutes)');
    expect(text).toContain('Root cause: a faulty deploy');
  });

  test('a visitor reads no internal name, and no injected markup ran', async () => {
    const text = await read('body');
    const html = await page.content();
    for (const [, leak] of HOSTILE_INPUTS) {
      expect(text).not.toMatch(leak);
      expect(html).not.toMatch(leak);
    }
    expect(await page.locator('script, img, svg, iframe').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(scriptsRan).toBe(false);
  });

  test('the JSON feed next to the page has the same incidents', async () => {
    await page.goto(pathToFileURL(join(site, 'open', 'incidents.json')).href);
    const feed = JSON.parse(await read('body')) as StatusFeed;
    expect(feed.incidents.map((incident) => incident.status)).toEqual(['identified', 'resolved']);
  });
});

describe('with no incident', () => {
  beforeAll(async () => {
    await visit('calm', CALM_FEED);
    await page.screenshot({ path: join(SCREENSHOTS, 'no-incident.png'), fullPage: true });
  }, 30_000);

  test('every component is operational and there is nothing to report', async () => {
    expect(await read('#overall')).toBe('All systems operational');
    expect(Object.values(await componentStates())).toEqual(Array(4).fill('Operational'));
    expect(await read('#open-incidents')).toBe('No open incidents.');
    expect(await read('#history')).toBe('No incidents reported.');
  });

  test('the screenshots of both pages were kept', () => {
    expect(existsSync(join(SCREENSHOTS, 'open-incident.png'))).toBe(true);
    expect(existsSync(join(SCREENSHOTS, 'no-incident.png'))).toBe(true);
  });
});
