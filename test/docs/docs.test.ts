// The docs say what the code does: generated blocks are current, and every name, version, cron and figure they write matches the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { loadConfig } from '../../lib/config';
import { DrFunction } from '../../lib/constructs/dr-function';
import { DATABASE_HEALTH_THRESHOLDS } from '../../lib/constructs/database-alarms';
import { KUBERNETES_VERSION } from '../../lib/constructs/orchestrator-cluster';
import { ENDPOINT_TLS_POLICY } from '../../lib/constructs/regional-endpoint';
import { METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import { acknowledgementsUnder } from '../../lib/readiness/nag-summary';
import { scheduleRows } from '../../lib/readiness/inventory';
import { SERVICE_TIMINGS } from '../../lib/recovery';
import { AURORA_ENGINE_VERSION } from '../../lib/stacks/data-stack';
import { BLOCK_FILES, builtStage, expectedBlocks } from './generated';
import { ROOT, codeSpans, generatedBlocks, headings, linkTargets, markdownFiles, parse, read } from './markdown';

const prod = loadConfig({ stage: 'prod' });
const staging = loadConfig({ stage: 'staging' });

/** Every doc but the plan, which is the owner's text and names things this app does not build. */
const docs = markdownFiles().filter((file) => file !== 'docs/dr-plan.md');
const text = new Map(docs.map((file) => [file, read(file)]));
/** A doc with line breaks and runs of spaces folded, so a phrase matches however the prose wraps. */
const flat = (file: string) => (text.get(file) ?? read(file)).replace(/\s+/g, ' ');

describe('generated blocks', () => {
  const expected = expectedBlocks();

  test.each(Object.entries(BLOCK_FILES).flatMap(([name, files]) => files.map((file) => [file, name] as const)))(
    '%s holds the %s block once',
    (file, name) => {
      expect(generatedBlocks(read(file)).filter((block) => block.name === name)).toHaveLength(1);
    },
  );

  test.each(markdownFiles())('every generated block of %s is what the code renders now', (file) => {
    for (const block of generatedBlocks(read(file))) {
      expect(expected).toHaveProperty([block.name]);
      // On failure: run `npx tsx test/docs/update-docs.ts` and commit the result.
      expect(`${file} ${block.name}:\n${block.content}`).toBe(`${file} ${block.name}:\n${expected[block.name]}`);
    }
  });

  test("the diagram is the report's mermaid diagram of prod, in a mermaid block", () => {
    expect(expected.diagram).toMatch(/^```mermaid\nflowchart LR\n[\s\S]*\n```\n$/);
    expect(expected.diagram).toContain('subgraph secondary["us-west-2 secondary"]');
  });
});

// --- names -------------------------------------------------------------------------------------------

/** A fixed name of this project in text: `async-toolformer...`, `atf-...` or `AsyncToolformer...`, placeholders kept. */
const NAME = /(?<![\w-])\/?(?:async-toolformer|atf-|AsyncToolformer)[\w./*<>|-]*/g;

function namesIn(value: string): string[] {
  return [...value.replace(/\\\|/g, '|').replace(/:\/\//g, ':// ').matchAll(NAME)].map((match) =>
    match[0].replace(/[.]+$/, ''),
  );
}

/**
 * Names that exist only at run time, chosen by the operator or by a script, never by the app: the
 * runbooks' example names for a restored Aurora cluster, and restored cache groups, whose default
 * id `scripts/redis/restore.ts` builds (`atf-<stage>-<region code>-r<yyyyMMddHHmm>`).
 */
const RUNTIME_NAMES = [
  /^async-toolformer-prod-restored(-1)?$/,
  /^atf-<stage>-<use1\|usw2>-r<yyyyMMddHHmm>$/,
  /^atf-prod-usw2-r$/,
  /^atf-prod-usw2-r\d{12}$/,
];

/** Every string a resource property, a stack or a construct of the prod app holds, as names. */
function appNames(): Set<string> {
  const { app, config, stacks } = builtStage('prod');
  const names = new Set<string>([config.serviceName, config.stackPrefix]);
  const visit = (value: unknown): void => {
    if (typeof value === 'string') namesIn(value).forEach((name) => names.add(name));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const construct of app.node.findAll() as IConstruct[]) {
    visit(construct.node.path);
    if (construct instanceof CfnResource) {
      // The resource's properties as CloudFormation gets them, tokens resolved where the app knows them.
      const rendered = (construct as unknown as { _toCloudFormation(): unknown })._toCloudFormation();
      visit(Stack.of(construct).resolve(rendered));
    }
  }
  for (const regional of [stacks.primary, stacks.secondary]) {
    Object.values(regional).forEach((stack: Stack) => visit(stack.stackName));
  }
  visit(stacks.dns.stackName);
  return names;
}

/** A name with placeholders as a pattern: `<stage>` is a stage, `<use1|usw2>` a region code, `*` anything. */
function namePattern(name: string): RegExp {
  const escaped = name
    .split(/(<[^>]*>|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part === '<stage>') return '(?:prod|staging)';
      if (part === '<use1|usw2>') return '(?:use1|usw2)';
      if (part.startsWith('<')) return '[\\w-]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  // A name that ends in `-` or `/` is a prefix: `async-toolformer-<stage>-<use1|usw2>-` of alarm names.
  return new RegExp(`^${escaped}${/[-/]$/.test(name) ? '.*' : ''}$`);
}

describe('names', () => {
  const known = [...appNames()];

  test.each(docs)('every name of the app that %s writes is one the prod app has', (file) => {
    const unknown = [...new Set(namesIn(text.get(file)!))].filter(
      (name) =>
        !RUNTIME_NAMES.some((pattern) => pattern.test(name)) &&
        !known.some((candidate) => namePattern(name).test(candidate)),
    );
    expect(unknown).toEqual([]);
  });

  test('fails when a doc names something the app does not have', () => {
    const pattern = namePattern('async-toolformer-<stage>-no-such-thing');
    expect(known.some((candidate) => pattern.test(candidate))).toBe(false);
    expect(known.some((candidate) => namePattern('async-toolformer-<stage>-global').test(candidate))).toBe(true);
  });
});

// --- versions ----------------------------------------------------------------------------------------

const packageJson = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
const requirements = read('requirements-dev.txt');
const pullRequestWorkflow = readFileSync(join(ROOT, '.github', 'workflows', 'pull-request.yml'), 'utf8');

function drFunctionRuntimes(): string[] {
  const { app } = builtStage('prod');
  const functions = app.node.findAll().filter((construct): construct is DrFunction => construct instanceof DrFunction);
  return [...new Set(functions.map((fn) => fn.function.runtime.name))];
}

/** What the docs may write, and what the code says it is. Each match of `pattern` must equal `actual`. */
const VALUES: readonly { what: string; pattern: RegExp; actual: () => string }[] = [
  {
    what: 'Aurora engine version (AURORA_ENGINE_VERSION)',
    pattern: /Aurora PostgreSQL (\d+(?:\.\d+)*)/g,
    actual: () => AURORA_ENGINE_VERSION.auroraPostgresFullVersion,
  },
  {
    what: 'Valkey version (cache.engineVersion)',
    pattern: /Valkey (\d+\.\d+)/g,
    actual: () => prod.cache.engineVersion,
  },
  {
    what: 'Valkey parameter group family (cache.parameterGroupFamily)',
    pattern: /`(valkey\d+)`/g,
    actual: () => prod.cache.parameterGroupFamily,
  },
  {
    what: 'Kubernetes version (KUBERNETES_VERSION)',
    pattern: /Kubernetes (\d+\.\d+)/g,
    actual: () => KUBERNETES_VERSION.version,
  },
  {
    what: 'kubectl layer (package.json)',
    pattern: /lambda-layer-kubectl-v\d+`? pinned at (\d+\.\d+\.\d+)/g,
    actual: () => packageJson.dependencies['@aws-cdk/lambda-layer-kubectl-v35'] ?? 'missing',
  },
  {
    what: 'cfn-lint (requirements-dev.txt)',
    pattern: /cfn-lint (\d+\.\d+\.\d+)/g,
    actual: () => /^cfn-lint==(\S+)/m.exec(requirements)?.[1] ?? 'missing',
  },
  {
    what: 'runtime of every DrFunction',
    pattern: /Node\.js (\d+)(?=, ARM64| runtime)/g,
    actual: () =>
      drFunctionRuntimes()
        .map((runtime) => runtime.replace(/^nodejs(\d+)\.x$/, '$1'))
        .join(' and '),
  },
  {
    what: 'TLS policy (ENDPOINT_TLS_POLICY)',
    pattern: /(ELBSecurityPolicy-[\w-]+)/g,
    actual: () => ENDPOINT_TLS_POLICY,
  },
  {
    what: 'Node.js and Python of the pull-request workflow',
    pattern: /\(Node\.js (\d+), Python (\d+\.\d+)\)/g,
    actual: () =>
      [/node-version: (\S+)/, /python-version: '?([\d.]+)/]
        .map((pattern) => pattern.exec(pullRequestWorkflow)?.[1])
        .join(' '),
  },
  {
    what: 'Node.js of CI',
    pattern: /CI runs Node\.js (\d+)/g,
    actual: () => /node-version: (\S+)/.exec(pullRequestWorkflow)?.[1] ?? 'missing',
  },
  {
    what: 'oldest Python the setup script accepts',
    pattern: /Python (\d+\.\d+) or newer/g,
    actual: () =>
      (/sys\.version_info >= \((\d+), (\d+)\)/.exec(read('scripts/setup-python-tools.sh')) ?? ['', '?', '?'])
        .slice(1)
        .join('.'),
  },
];

describe('versions', () => {
  test.each(VALUES.map((value) => [value.what, value] as const))(
    'every %s the docs write is the code’s',
    (_, value) => {
      const found = docs.flatMap((file) =>
        [...flat(file).matchAll(value.pattern)].map((match) => `${file}: ${match.slice(1).join(' ')}`),
      );
      expect(found.length).toBeGreaterThan(0);
      const actual = value.actual();
      expect(found.filter((entry) => !entry.endsWith(`: ${actual}`))).toEqual([]);
    },
  );

  test('the runbooks write no version or size that would drift: they read them from AWS or the restore settings', () => {
    const flags =
      /--(?:engine-version|cache-node-type|db-instance-class|num-cache-clusters|port|snapshot-retention-limit|snapshot-window|preferred-maintenance-window)\s+(?!")\S+/g;
    const hardCoded = docs
      .filter((file) => file.startsWith('docs/runbooks/'))
      .flatMap((file) =>
        parse(text.get(file)!).code.flatMap((block) => [...block.text.matchAll(flags)].map((m) => `${file}: ${m[0]}`)),
      );
    expect(hardCoded).toEqual([]);
  });
});

// --- crons, metrics, schedules, acknowledgements --------------------------------------------------------

describe('schedules', () => {
  const crons = new Set([...prod.schedules, ...staging.schedules].map((schedule) => schedule.cron));

  test.each(docs)('every cron %s writes is a schedule of the config', (file) => {
    const written = [...text.get(file)!.matchAll(/cron\([^)]*\)/g)].map((match) => match[0]);
    expect(written.filter((cron) => !crons.has(cron))).toEqual([]);
  });

  test('every schedule of the jobs table runs in the prod or staging app, on the config schedule it names', () => {
    // Schedule names are `async-toolformer-<stage>-<schedule>`; the restore tests run in staging only.
    const deployed = new Set(
      (['prod', 'staging'] as const).flatMap((stage) =>
        scheduleRows(builtStage(stage).app).map((row) => row.name.replace(`async-toolformer-${stage}-`, '')),
      ),
    );
    const ids = new Set(prod.schedules.map((schedule) => schedule.id));
    const jobs = /## Jobs\n([\s\S]*?)\n## /.exec(read('docs/automation.md'))?.[1] ?? '';
    const rows = jobs.split('\n').filter((line) => /^\| `[\w-]+` \|/.test(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [schedule, on] = row.split(' | ');
      const name = /`([\w-]+)`/.exec(schedule!)![1]!;
      expect(deployed).toContain(name);
      expect(ids).toContain(/`([\w-]+)`/.exec(on!)![1]);
    }
  });
});

describe('metrics', () => {
  const names = new Set<string>(Object.values(METRIC));

  test.each(docs)('every DR metric %s names is one the functions emit', (file) => {
    const spans = parse(text.get(file)!).prose.flatMap((line) => codeSpans(line).spans);
    const metrics = spans.filter((span) =>
      /^[a-z]+(?:_[a-z]+)*_(?:seconds|rate|results|passed|percentage)$/.test(span),
    );
    // The plan's `service_availability_percentage` is named only to say that no metric carries it.
    expect(metrics.filter((metric) => !names.has(metric) && metric !== 'service_availability_percentage')).toEqual([]);
  });

  test('the degraded-mode runbook names the switch’s metrics and the namespace', () => {
    const runbook = flat('docs/runbooks/cache-degraded-mode.md');
    for (const metric of [METRIC.modeSwitches, METRIC.unknownEvents, METRIC.switchFailures, METRICS_NAMESPACE]) {
      expect(runbook).toContain(`\`${metric}\``);
    }
  });
});

test('the acknowledged findings table names exactly the rules the apps acknowledge', () => {
  const acknowledged = new Set(
    (['prod', 'staging'] as const).flatMap((stage) =>
      acknowledgementsUnder(builtStage(stage).app).map((ack) => ack.id.replace(/\[.*$/, '')),
    ),
  );
  const section = /## Acknowledged findings\n([\s\S]*)$/.exec(read('docs/quality-gates.md'))?.[1] ?? '';
  const documented = new Set(
    section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split(' | ')[0] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!)),
  );
  expect([...documented].sort()).toEqual([...acknowledged].sort());
});

// --- figures written in prose ---------------------------------------------------------------------------

const days = (duration: { toDays(): number }) => duration.toDays();
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const objective = (component: string) => prod.objectives.find((candidate) => candidate.component === component)!;
const { primary: prodFloor, secondary: prodSecondaryFloor } = prod.traffic.warmCapacity;
const { primary: stagingFloor, secondary: stagingSecondaryFloor } = staging.traffic.warmCapacity;
const detection = (config: typeof prod) =>
  config.traffic.healthCheck.interval.toSeconds() * config.traffic.healthCheck.failureThreshold;
const probeEvery = (config: typeof prod) =>
  config.traffic.probeInterval.toMinutes() === 1 ? 'every minute' : `every ${config.traffic.probeInterval.toMinutes()}`;

/** Figures the prose writes, each built from the code it describes. */
const PHRASES: readonly (readonly [string, () => string])[] = [
  ['docs/architecture.md', () => `${2 * Object.keys(builtStage('prod').stacks.primary).length + 1} stacks per stage`],
  [
    'docs/cache-tier.md',
    () => `Rate limiting's RPO is ${plural(objective('rate-limiting').rpo.toMinutes(), 'minute')} in prod`,
  ],
  [
    'docs/cache-tier.md',
    () => `(prod ${prod.cache.replicasPerNodeGroup}, staging ${staging.cache.replicasPerNodeGroup})`,
  ],
  ['docs/cache-tier.md', () => `the non-default port ${prod.cache.port}`],
  [
    'docs/cache-tier.md',
    () =>
      `window ${prod.cache.snapshotWindow} UTC, kept ${days(prod.cache.snapshotRetention)} days in prod (${days(staging.cache.snapshotRetention)} in staging)`,
  ],
  [
    'docs/cache-tier.md',
    () =>
      `Standard-IA after ${days(prod.cache.backupBucket.transitionAfter)} days, expiry after ${days(prod.cache.backupBucket.retention)} days in prod (${days(staging.cache.backupBucket.retention)} in staging), noncurrent versions after ${days(prod.cache.backupBucket.noncurrentVersionExpiry)} days (${days(staging.cache.backupBucket.noncurrentVersionExpiry)} in staging)`,
  ],
  ['docs/cache-tier.md', () => `over ${prod.cache.alarms.globalReplicationLag.toSeconds()} s for 2 of 3 minutes`],
  ['docs/cache-tier.md', () => `over ${prod.cache.alarms.replicationLag.toSeconds()} s, 2 of 3 minutes`],
  ['docs/cache-tier.md', () => `over ${prod.cache.alarms.engineCpuPercent} %, 3 of 5 minutes`],
  ['docs/cache-tier.md', () => `over ${prod.cache.alarms.s3ReplicationLatency.toMinutes()} min (the RTC bound is 15)`],
  [
    'docs/data-tier.md',
    () =>
      `prod: ${plural(1 + prod.data.primaryReaders, 'instance')} in us-east-1, ${1 + prod.data.secondaryReaders} in us-west-2; staging: ${plural(1 + staging.data.primaryReaders, 'instance')} in us-east-1, ${1 + staging.data.secondaryReaders} in us-west-2; instance type ${prod.data.instanceType}`,
  ],
  [
    'docs/data-tier.md',
    () =>
      `backup retention ${days(prod.data.backupRetention)} days in prod, ${days(staging.data.backupRetention)} in staging`,
  ],
  ['docs/data-tier.md', () => `backup window ${prod.data.preferredBackupWindow} UTC`],
  ['docs/data-tier.md', () => `rotated every ${days(prod.data.secretRotation)} days`],
  [
    'docs/data-tier.md',
    () => `continuous backup (point-in-time restore), kept ${days(prod.data.dailyBackupRetention)} days`,
  ],
  ['docs/data-tier.md', () => `kept ${days(prod.data.weeklyBackupRetention)} days; every recovery point copied`],
  [
    'docs/data-tier.md',
    () =>
      `vault lock: prod ${prod.data.vaultLock.mode} mode, ${days(prod.data.vaultLock.minRetention)} to ${days(prod.data.vaultLock.maxRetention)} days; staging ${staging.data.vaultLock.mode}`,
  ],
  [
    'docs/data-tier.md',
    () =>
      `${prod.data.globalLagAlarmThreshold.toMilliseconds().toLocaleString('en-US')} ms (\`data.globalLagAlarmThreshold\``,
  ],
  [
    'docs/data-tier.md',
    () => `| ${DATABASE_HEALTH_THRESHOLDS.connections.toLocaleString('en-US')} (80 % of ${prod.data.instanceType})`,
  ],
  [
    'docs/data-tier.md',
    () => `| ${DATABASE_HEALTH_THRESHOLDS.replicaLag.toMilliseconds().toLocaleString('en-US')} ms |`,
  ],
  ['docs/data-tier.md', () => `| ${DATABASE_HEALTH_THRESHOLDS.cpuPercent} % |`],
  ...(['prod', 'staging'] as const).map(
    (stage) =>
      [
        'docs/traffic.md',
        () => {
          const config = stage === 'prod' ? prod : staging;
          const { interval, failureThreshold } = config.traffic.healthCheck;
          return `${interval.toSeconds()} s × ${failureThreshold} = **${detection(config)} s**`;
        },
      ] as const,
  ),
  ['docs/traffic.md', () => `| **≤ ${detection(prod) + 120} s** | **≤ ${detection(staging) + 120} s** |`],
  [
    'docs/traffic.md',
    () =>
      `prod ${prodSecondaryFloor.minReplicas} of the primary's ${prodFloor.minReplicas}, staging ${stagingSecondaryFloor.minReplicas} of ${stagingFloor.minReplicas}`,
  ],
  ['docs/traffic.md', () => `(${probeEvery(prod)} in prod, ${probeEvery(staging)} in staging)`],
  [
    'docs/traffic.md',
    () => `prod ${prod.traffic.healthCheck.interval.toSeconds()} s × ${prod.traffic.healthCheck.failureThreshold}`,
  ],
  [
    'docs/runbooks/scale-secondary.md',
    () => `(prod ${prodSecondaryFloor.minReplicas}, half the primary's ${prodFloor.minReplicas})`,
  ],
  ['docs/runbooks/scale-secondary.md', () => `{"spec":{"minReplicas":${prodFloor.minReplicas}}}`],
  [
    'docs/runbooks/aurora-restore-from-backup.md',
    () => `backup retention (${days(prod.data.backupRetention)} days in prod)`,
  ],
  ['docs/runbooks/aurora-move-writer.md', () => `alarmed above ${prod.data.globalLagAlarmThreshold.toSeconds()} s`],
  ['docs/runbooks/reset-secrets.md', () => `every ${days(prod.data.secretRotation)} days`],
  ['docs/runbooks/README.md', () => `every ${days(prod.data.secretRotation)} days`],
  [
    'docs/automation.md',
    () =>
      `own retry policy (${prod.automation.scheduleRetryAttempts} retries), maximum event age (${plural(prod.automation.scheduleMaxEventAge.toHours(), 'hour')})`,
  ],
  ['docs/automation.md', () => `latest restorable time within ${prod.automation.pointInTimeMaxLag.toMinutes()} min`],
  ['docs/automation.md', () => `younger than ${24 + prod.automation.backupAgeSlack.toHours()} h`],
  ['docs/automation.md', () => `younger than 7 days + ${prod.automation.backupAgeSlack.toHours()} h`],
  ['docs/automation.md', () => `available within ${staging.automation.maxRedisRestore.toMinutes()} min`],
  ['docs/automation.md', () => `restored within ${staging.automation.maxAuroraRestore.toHours()} h`],
  ['docs/automation.md', () => `for each of the last ${prod.automation.crossRegionVerifyDays} days`],
  ['docs/automation.md', () => `weekly snapshots past ${days(prod.data.weeklyBackupRetention)} days`],
];

describe('figures in prose', () => {
  test.each(PHRASES.map(([file, phrase]) => [file, phrase()] as const))(
    '%s says "%s", as the code does',
    (file, phrase) => {
      expect(flat(file)).toContain(phrase);
    },
  );

  test('recovery objectives name every service timing that is still an assumption', () => {
    const assumptions = Object.entries(SERVICE_TIMINGS)
      .filter(([, timing]) => timing.basis === 'assumption')
      .map(([id]) => id);
    const page = flat('docs/recovery-objectives.md');
    const words = ['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];
    expect(page).toContain(`${words[assumptions.length]} timings are assumptions`);
    for (const id of assumptions) expect(page).toContain(`\`${id}\``);
  });

  test('prod runs automatic failover, as the region failover runbook says', () => {
    expect(prod.automation.autoFailover && staging.automation.autoFailover).toBe(true);
    expect(flat('docs/runbooks/region-failover.md')).toContain('With `automation.autoFailover` (on in both stages)');
  });
});

// --- the plan ----------------------------------------------------------------------------------------------

test('every section of the plan has a row in the traceability table', () => {
  const plan = headings(read('docs/dr-plan.md'));
  const leaves = plan.filter(
    (heading, index) => heading.level >= 2 && !((plan[index + 1]?.level ?? 0) > heading.level),
  );
  const linked = new Set(
    linkTargets(read('docs/traceability.md'))
      .filter((target) => target.startsWith('dr-plan.md#'))
      .map((target) => target.slice('dr-plan.md#'.length)),
  );
  expect(leaves.length).toBeGreaterThan(20);
  expect(leaves.filter((heading) => !linked.has(heading.anchor)).map((heading) => heading.text)).toEqual([]);
});
