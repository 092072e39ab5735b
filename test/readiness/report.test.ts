// The readiness report: its content asserted, the README's copy of its table kept current, and its CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config';
import { buildDrApp } from '../../lib/dr-app';
import { buildReport, objectivesTable, renderMarkdown, summaryLines } from '../../lib/readiness/report';
import { newApp } from '../helpers/synth';

const ROOT = join(__dirname, '..', '..');
const config = loadConfig({ stage: 'prod' });
const app = newApp();
const report = buildReport(app, config, buildDrApp(app, config));
const markdown = renderMarkdown(report);

describe('objectives beside the model', () => {
  test('every component of the plan, with objective, modeled figure, verdict and terms', () => {
    expect(report.objectivesMet).toBe(true);
    expect(
      report.components.map(({ component, rto, rpo }) => [
        component,
        rto.objectiveSeconds,
        rto.modeledSeconds,
        rpo.objectiveSeconds,
        rpo.modeledSeconds,
      ]),
    ).toEqual([
      ['core-api', 900, 330, 300, 60],
      ['rate-limiting', 600, 220, 60, 15],
      ['monitoring', 1800, 120, 900, 60],
      ['docs-site', 7200, 30, 3600, 900],
    ]);
    const coreApi = report.components[0]!;
    expect(coreApi.rto.criticalPath[0]).toMatch(/^traffic.warmCapacity: .*scale out \(3 min\)$/);
    expect(coreApi.rto.estimate).toMatchObject({ kind: 'max', seconds: 330 });
  });

  test('the markdown shows each sum with its terms and sources', () => {
    expect(markdown).toContain('| Component | Priority | RTO: modeled of objective |');
    expect(markdown).toContain('|Core API Service|critical|5.5 min of 15 min: met|60 s of 5 min: met|');
    expect(markdown).toContain('service timing `failoverGuards` (assumption)');
    expect(markdown).toMatch(
      /- Route 53 health check detection: 10 s x 3 failures: \*\*30 s\*\* \(AsyncToolformer-prod-use1-Dns\/PrimaryHealthCheck/,
    );
    expect(markdown).toContain('service timing `globalDatastorePromotion` (documented)');
  });

  test("the README's Recovery objectives table is the report's, so it cannot go stale", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(objectivesTable(report));
  });
});

test('the diagram shows both regions, the replication paths and the failover path', () => {
  expect(report.diagram).toMatch(/^flowchart LR/);
  expect(markdown).toContain('```mermaid\nflowchart LR');
  for (const edge of [
    'subgraph primary["us-east-1 primary"]',
    'subgraph secondary["us-west-2 secondary"]',
    'db1 ==>|"global replication, lag alarm 60 s"| db2',
    'cache1 ==>|"Global Datastore, lag alarm 15 s"| cache2',
    'docs1 ==>|"CRR with RTC 15 min"| docs2',
    'canary2 -.->|"ALARM starts"| failover2',
    'failover2 -.->|"promote"| db2',
  ]) {
    expect(report.diagram).toContain(edge);
  }
});

test('every schedule, with its cron, what it starts, retries and DLQ', () => {
  expect(report.schedules.map(({ region, name, expression }) => `${region} ${name} ${expression}`)).toEqual([
    'us-east-1 async-toolformer-prod-aurora-sentinel cron(50 0,1 * * ? *)',
    'us-east-1 async-toolformer-prod-daily-backup-redis cron(0 2 * * ? *)',
    'us-east-1 async-toolformer-prod-daily-integrity-check cron(0 4 * * ? *)',
    'us-east-1 async-toolformer-prod-iac-backup cron(30 2 * * ? *)',
    'us-east-1 async-toolformer-prod-weekly-full-backup-aurora cron(0 1 ? * SUN *)',
    'us-east-1 async-toolformer-prod-weekly-full-backup-redis cron(0 1 ? * SUN *)',
    // The backups and the daily check run in both regions and act where the writer is.
    'us-west-2 async-toolformer-prod-aurora-sentinel cron(50 0,1 * * ? *)',
    'us-west-2 async-toolformer-prod-daily-backup-redis cron(0 2 * * ? *)',
    'us-west-2 async-toolformer-prod-daily-integrity-check cron(0 4 * * ? *)',
    'us-west-2 async-toolformer-prod-iac-backup cron(30 2 * * ? *)',
    'us-west-2 async-toolformer-prod-monthly-cross-region-verification cron(0 5 1 * ? *)',
    'us-west-2 async-toolformer-prod-weekly-full-backup-aurora cron(0 1 ? * SUN *)',
    'us-west-2 async-toolformer-prod-weekly-full-backup-redis cron(0 1 ? * SUN *)',
  ]);
  for (const schedule of report.schedules) {
    expect(schedule).toMatchObject({ timezone: 'Etc/UTC', retryAttempts: 3, deadLetterQueue: true });
    expect(schedule.target).toMatch(/^AsyncToolformer-prod-(use1|usw2)-Automation\//);
    expect(schedule.purpose.length).toBeGreaterThan(20);
  }
});

test('every alarm, with metric, threshold, region and topic', () => {
  expect(report.alarms.length).toBeGreaterThan(30);
  expect(report.alarms).toContainEqual(
    expect.objectContaining({
      region: 'us-west-2',
      alarm: 'AsyncToolformer-prod-usw2-Data/Alarms/GlobalReplicationLag',
      metric: 'AWS/RDS AuroraGlobalDBRPOLag',
      threshold: '> 60000',
      topics: ['async-toolformer-prod-alerts-critical'],
    }),
  );
  for (const alarm of report.alarms) {
    expect(alarm.topics.length).toBeGreaterThan(0);
    for (const topic of alarm.topics) expect(topic).toMatch(/^async-toolformer-prod-alerts-(critical|high|medium)$/);
  }
});

test('the nag summary counts each pack and lists every acknowledgement with its reason', () => {
  expect(report.nag.packs.map(({ pack, unacknowledged }) => [pack, unacknowledged])).toEqual([
    ['AwsSolutions', 0],
    ['NIST.800.53.R5', 0],
    ['DR', 0],
  ]);
  // The DR pack's own rules hold without a single acknowledgement.
  expect(report.nag.packs.map(({ pack, acknowledged }) => [pack, acknowledged > 0])).toEqual([
    ['AwsSolutions', true],
    ['NIST.800.53.R5', true],
    ['DR', false],
  ]);
  // The rest acknowledge CDK's own template validation (CloudFormation-Validate).
  expect(report.nag.acknowledgements.length).toBeGreaterThan(
    report.nag.packs.reduce((total, pack) => total + pack.acknowledged, 0),
  );
  for (const ack of report.nag.acknowledgements) expect(ack.reason.length).toBeGreaterThanOrEqual(60);
  const first = report.nag.acknowledgements[0]!;
  expect(markdown).toContain(`|${first.id.replace(/\|/g, '\\|')}|${first.path}|`);
});

test('the printed summary is short: one line per component', () => {
  const lines = summaryLines(report);
  expect(lines[0]).toBe('DR readiness (prod): objectives met');
  expect(lines).toHaveLength(2 + report.components.length);
});

describe('npm run report', () => {
  const run = (...args: string[]) =>
    // One Node.js process with tsx as a loader, as the app runs: the tsx CLI would start a second one.
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  test('writes both files for a stage, prints the summary and exits 0 while objectives are met', () => {
    const out = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      const result = run('--stage', 'staging', '--out', out);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^DR readiness \(staging\): objectives met\n {2}core-api {7}RTO 9.1 min of 30 min: met/,
      );
      const json = JSON.parse(readFileSync(join(out, 'dr-readiness.json'), 'utf8')) as {
        stage: string;
        objectivesMet: boolean;
      };
      expect(json).toMatchObject({ stage: 'staging', objectivesMet: true });
      expect(readFileSync(join(out, 'dr-readiness.md'), 'utf8')).toMatch(/^# DR readiness: staging\n/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test.each([
    [['--stage', 'dev'], /--stage "dev" is not one of prod, staging/],
    [['--stage'], /--stage/],
    [['--verbose'], /Unknown option '--verbose'/],
    [['--out', ' '], /--out needs a directory/],
  ])('bad input %j exits 2 with a message and writes nothing', (args, message) => {
    const out = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      const result = run(...args, ...(args.includes('--out') ? [] : ['--out', out]));
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(existsSync(join(out, 'dr-readiness.md'))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
