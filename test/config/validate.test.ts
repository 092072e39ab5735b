// Config validation: the default stages pass, and each rule rejects bad input naming field, value and fix.
import { Duration, Lazy } from 'aws-cdk-lib';
import {
  ConfigValidationError,
  PLACEHOLDER_ACCOUNT,
  STAGES,
  configProblems,
  loadConfig,
  validateConfig,
  type DrConfig,
  type RegionConfig,
} from '../../lib/config';
import { cronError } from '../../lib/config/cron';
import { PLAN_OBJECTIVES } from '../../lib/config/plan';

const base = loadConfig({ stage: 'prod' });
const [primary, secondary] = base.regions as [RegionConfig, RegionConfig];

function withRegions(...regions: RegionConfig[]): DrConfig {
  return { ...base, regions };
}

/** `config` with its top-level `key` replaced, whatever the type says. */
function withTop(key: string, value: unknown): DrConfig {
  return { ...base, [key]: value } as unknown as DrConfig;
}

/** `config` with the value at `path` (keys and list indexes) replaced, leaving everything else shared. */
function withValueAt(config: unknown, path: readonly (string | number)[], value: unknown): DrConfig {
  const [head, ...rest] = path;
  if (head === undefined) return value as DrConfig;
  const container = config as Record<string | number, unknown>;
  const replaced = withValueAt(container[head], rest, value);
  return (Array.isArray(config)
    ? config.map((item, index) => (index === head ? replaced : item))
    : { ...container, [head]: replaced }) as unknown as DrConfig;
}

/** Every path below the root of `value` that holds something, containers and leaves alike. */
function pathsOf(value: unknown, at: readonly (string | number)[] = []): (string | number)[][] {
  if (value === undefined) return [];
  const here = at.length > 0 ? [[...at]] : [];
  if (value === null || typeof value !== 'object' || value instanceof Duration) return here;
  const children = Array.isArray(value)
    ? value.flatMap((item, index) => pathsOf(item, [...at, index]))
    : Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...at, key]));
  return [...here, ...children];
}

/** `['regions', 1, 'cidr']` as the problems name it: `regions[1].cidr`. */
function fieldOf(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (at, segment) => (typeof segment === 'number' ? `${at}[${segment}]` : at ? `${at}.${segment}` : segment),
    '',
  );
}

/** The problems of `config`, asserting there is at least one on `field`. */
function expectProblem(config: DrConfig, field: string | RegExp): void {
  const problems = configProblems(config);
  const fields = problems.map((problem) => problem.field);
  expect(fields).toEqual(expect.arrayContaining([typeof field === 'string' ? field : expect.stringMatching(field)]));
  expect(() => validateConfig(config)).toThrow(ConfigValidationError);
}

describe('default configuration', () => {
  test.each(STAGES)('%s passes validation', (stage) => {
    expect(configProblems(loadConfig({ stage }))).toEqual([]);
  });

  test('defaults to prod with the placeholder account', () => {
    const config = loadConfig();
    expect(config.stage).toBe('prod');
    expect(config.account).toBe(PLACEHOLDER_ACCOUNT);
  });

  test('takes the account it is given', () => {
    expect(loadConfig({ stage: 'staging', account: '210987654321' }).account).toBe('210987654321');
  });

  test('holds the plan RTO/RPO table', () => {
    const table = base.objectives.map((o) => [o.component, o.rto.toMinutes(), o.rpo.toMinutes(), o.priority]);
    expect(table).toEqual([
      ['core-api', 15, 5, 'critical'],
      ['rate-limiting', 10, 1, 'critical'],
      ['monitoring', 30, 15, 'high'],
      ['docs-site', 120, 60, 'medium'],
    ]);
  });

  test("holds the plan's two backup crons exactly, in UTC", () => {
    const crons = Object.fromEntries(base.schedules.map((s) => [s.id, s.cron]));
    expect(crons['daily-backup']).toBe('cron(0 2 * * ? *)');
    expect(crons['weekly-full-backup']).toBe('cron(0 1 ? * SUN *)');
    expect(Object.keys(crons)).toEqual(
      expect.arrayContaining(['daily-integrity-check', 'weekly-restore-test', 'monthly-cross-region-verification']),
    );
  });

  test("staging has no escalation subscriptions by default, and prod pages the plan's three levels by text", () => {
    expect(loadConfig({ stage: 'staging' }).contacts).toEqual({ critical: [], high: [], medium: [] });
    expect(base.contacts).toEqual({
      critical: [],
      high: [],
      medium: [],
      escalation: {
        onCall: { sms: '+15550123' },
        engineeringManager: { sms: '+15550124' },
        executive: { sms: '+15550125' },
      },
    });
  });

  test('prod and staging CIDRs are all disjoint', () => {
    const all = STAGES.flatMap((stage) => loadConfig({ stage }).regions);
    expect(configProblems({ ...base, regions: all }).filter((p) => p.fix.includes('overlaps'))).toEqual([]);
  });
});

describe('validation rules', () => {
  test('fails when two regions have overlapping CIDRs', () => {
    expectProblem(withRegions(primary, { ...secondary, cidr: '10.10.128.0/17' }), 'regions[1].cidr');
  });

  test('fails when a CIDR is malformed', () => {
    expectProblem(withRegions({ ...primary, cidr: '10.10.0.0' }, secondary), 'regions[0].cidr');
  });

  test('fails when a CIDR has host bits set', () => {
    expectProblem(withRegions({ ...primary, cidr: '10.10.0.1/16' }, secondary), 'regions[0].cidr');
  });

  test('fails when a CIDR is wider than /16', () => {
    expectProblem(withRegions({ ...primary, cidr: '10.0.0.0/8' }, secondary), 'regions[0].cidr');
  });

  test('fails when a region is given twice', () => {
    expectProblem(withRegions(primary, { ...primary, cidr: '10.20.0.0/16' }), 'regions[1].region');
  });

  test('fails when both roles are in one region', () => {
    expectProblem(withRegions(primary, { ...primary, role: 'secondary', cidr: '10.20.0.0/16' }), 'regions[1].region');
  });

  test('fails when there is no secondary region', () => {
    expectProblem(withRegions(primary, { ...secondary, role: 'primary' }), 'regions[].role');
  });

  test('fails when a region has fewer than 2 AZs', () => {
    expectProblem(
      withRegions({ ...primary, availabilityZones: ['us-east-1a'] }, secondary),
      'regions[0].availabilityZones',
    );
  });

  test('fails when an AZ does not belong to its region', () => {
    expectProblem(
      withRegions(primary, { ...secondary, availabilityZones: ['us-west-2a', 'us-east-1b'] }),
      'regions[1].availabilityZones[1]',
    );
  });

  test('fails when an AZ is listed twice', () => {
    expectProblem(
      withRegions({ ...primary, availabilityZones: ['us-east-1a', 'us-east-1a'] }, secondary),
      'regions[0].availabilityZones',
    );
  });

  test('fails when a region name is malformed', () => {
    expectProblem(
      withRegions({ ...primary, region: 'useast1', availabilityZones: ['useast1a', 'useast1b'] }, secondary),
      'regions[0].region',
    );
  });

  test.each(['1234', 'abcdefghijkl', '1234567890123', ''])('fails when the account id is malformed (%p)', (account) => {
    expectProblem({ ...base, account }, 'account');
  });

  test.each(['rto', 'rpo'] as const)('fails when an %s is missing', (key) => {
    const objectives = base.objectives.map((o, i) => (i === 0 ? { ...o, [key]: undefined } : o));
    expectProblem({ ...base, objectives } as unknown as DrConfig, `objectives[0].${key}`);
  });

  test.each(['rto', 'rpo'] as const)('fails when an %s is not positive', (key) => {
    const objectives = base.objectives.map((o, i) => (i === 1 ? { ...o, [key]: Duration.seconds(0) } : o));
    expectProblem({ ...base, objectives }, `objectives[1].${key}`);
  });

  test('fails when a component is listed twice', () => {
    expectProblem({ ...base, objectives: [...base.objectives, base.objectives[0]!] }, 'objectives[4].component');
  });

  test('fails when the objectives table is empty', () => {
    expectProblem({ ...base, objectives: [] }, 'objectives');
  });

  test('fails when a component the plan lists has no objective', () => {
    const objectives = base.objectives.filter((o) => o.component !== 'docs-site');
    expect(() => validateConfig({ ...base, objectives })).toThrow(/add a row for docs-site/);
  });

  test('fails when a component is not one of the plan', () => {
    const objectives = [...base.objectives, { ...base.objectives[0]!, component: 'billing' }];
    expect(() => validateConfig({ ...base, objectives })).toThrow(
      /objectives\[4\]\.component = "billing": the recovery model estimates the plan's components only/,
    );
  });

  test.each(['rto', 'rpo'] as const)("fails when prod loosens the plan's %s", (key) => {
    const objectives = base.objectives.map((o, i) => (i === 0 ? { ...o, [key]: Duration.hours(1) } : o));
    expect(() => validateConfig({ ...base, objectives })).toThrow(
      new RegExp(`objectives\\[0\\]\\.${key} = "1 hour": prod promises the plan's ${key.toUpperCase()}`),
    );
  });

  test("staging carries its own, looser objectives and prod the plan's", () => {
    expect(base.objectives).toEqual(PLAN_OBJECTIVES);
    const staging = loadConfig({ stage: 'staging' });
    const coreApi = staging.objectives.find((o) => o.component === 'core-api')!;
    expect(coreApi.rto.toMinutes()).toBe(30);
    expect(configProblems(staging)).toEqual([]);
  });

  test('fails when the stage is unknown', () => {
    expectProblem({ ...base, stage: 'dev' } as unknown as DrConfig, 'stage');
    expect(() => loadConfig({ stage: 'dev' })).toThrow(/stage = "dev": unknown stage; use one of prod, staging/);
  });

  test.each([
    'rate(1 day)',
    'cron(0 2 * * *)',
    'cron(0 2 * * * *)',
    'cron(0 2 ? * ? *)',
    'cron(61 2 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 2 32 * ? *)',
    'cron(0 1 ? * SUNDAY *)',
    'cron(0 1 ? * 8 *)',
    'cron(0 1 ? 13 MON *)',
    'cron(0/0 * * * ? *)',
    'cron(0 1 ? * MON 1800)',
  ])('fails when a cron is invalid (%s)', (cron) => {
    const schedules = base.schedules.map((s, i) => (i === 2 ? { ...s, cron } : s));
    expectProblem({ ...base, schedules }, 'schedules[2].cron');
  });

  test('fails when a schedule id is given twice', () => {
    expectProblem({ ...base, schedules: [...base.schedules, base.schedules[0]!] }, /^schedules\[\d+\]\.id$/);
  });

  test.each([
    ['email', 'not-an-email'],
    ['sms', '555-0123'],
    ['https', 'http://events.pagerduty.example/hook'],
  ] as const)('fails when a %s contact endpoint is malformed (%s)', (protocol, endpoint) => {
    expectProblem(
      { ...base, contacts: { ...base.contacts, high: [{ protocol, endpoint }] } },
      'contacts.high[0].endpoint',
    );
  });

  test.each([0, 4, 1.5])('fails when natGateways is out of range (%p)', (natGateways) => {
    expectProblem({ ...base, network: { ...base.network, natGateways } }, 'network.natGateways');
  });

  test('fails when an interface endpoint is unknown', () => {
    const interfaceEndpoints = ['ssm', 'dynamodb'] as unknown as DrConfig['network']['interfaceEndpoints'];
    expectProblem({ ...base, network: { ...base.network, interfaceEndpoints } }, 'network.interfaceEndpoints[1]');
  });

  test('the error names the field, the value and the fix, and lists every problem', () => {
    const config = { ...withRegions(primary, { ...secondary, cidr: '10.10.0.0/16' }), account: 'x' };
    expect(() => validateConfig(config)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /2 problems[\s\S]*account = "x": must be a 12-digit AWS account id; set -c account=[\s\S]*regions\[1\]\.cidr = "10\.10\.0\.0\/16": overlaps regions\[0\]\.cidr/,
        ),
      }),
    );
  });
});

describe('data tier rules', () => {
  const staging = loadConfig({ stage: 'staging' });
  const withData = (data: Partial<DrConfig['data']>, config: DrConfig = base): DrConfig => ({
    ...config,
    data: { ...config.data, ...data },
  });

  test('staging may run a headless secondary', () => {
    expect(configProblems(withData({ secondaryReaders: 0 }, staging))).toEqual([]);
  });

  test.each([Duration.days(6), Duration.days(36)])(
    'fails when backup retention is outside 7..35 days (%s)',
    (backupRetention) => {
      expectProblem(withData({ backupRetention }), 'data.backupRetention');
    },
  );

  test('fails when prod has a headless secondary', () => {
    expectProblem(withData({ secondaryReaders: 0 }), 'data.secondaryReaders');
  });

  test('fails when prod has no reader beside the writer', () => {
    expectProblem(withData({ primaryReaders: 0 }), 'data.primaryReaders');
  });

  test('fails when a reader count is not a whole number', () => {
    expectProblem(withData({ secondaryReaders: 1.5 }, staging), 'data.secondaryReaders');
  });

  test('fails when the lag alarm threshold is not positive', () => {
    expectProblem(withData({ globalLagAlarmThreshold: Duration.seconds(0) }), 'data.globalLagAlarmThreshold');
  });

  test.each(['1:00-2:00', '00:00-00:20', '01:30-02:30', '12:00-13:00'])(
    'fails when the backup window is malformed, too short or not before the daily backup (%s)',
    (preferredBackupWindow) => {
      expectProblem(withData({ preferredBackupWindow }), 'data.preferredBackupWindow');
    },
  );

  test('accepts a backup window that ends exactly at the daily backup', () => {
    expect(configProblems(withData({ preferredBackupWindow: '01:00-02:00' }))).toEqual([]);
  });

  test('fails when the maintenance window is malformed', () => {
    expectProblem(withData({ preferredMaintenanceWindow: 'tuesday 03:00' }), 'data.preferredMaintenanceWindow');
  });

  test('fails when weekly backups are kept under 90 days', () => {
    expectProblem(withData({ weeklyBackupRetention: Duration.days(60) }), 'data.weeklyBackupRetention');
  });

  test('fails when daily continuous backups are kept over 35 days', () => {
    expectProblem(withData({ dailyBackupRetention: Duration.days(40) }), 'data.dailyBackupRetention');
  });

  test('fails when a compliance lock has a cooling-off under 3 days', () => {
    const vaultLock = { ...base.data.vaultLock, mode: 'compliance' as const, changeableFor: Duration.days(2) };
    expectProblem(withData({ vaultLock }), 'data.vaultLock.changeableFor');
  });

  test('fails when a governance lock is given a cooling-off', () => {
    const vaultLock = { ...staging.data.vaultLock, mode: 'governance' as const, changeableFor: Duration.days(3) };
    expectProblem(withData({ vaultLock }, staging), 'data.vaultLock.changeableFor');
  });

  test('fails when the vault lock would reject the backup rules', () => {
    const vaultLock = { ...base.data.vaultLock, minRetention: Duration.days(40), maxRetention: Duration.days(60) };
    expectProblem(withData({ vaultLock }), 'data.vaultLock.minRetention');
    expectProblem(withData({ vaultLock }), 'data.vaultLock.maxRetention');
  });

  test('fails when secret rotation is outside 1..365 days', () => {
    expectProblem(withData({ secretRotation: Duration.days(400) }), 'data.secretRotation');
  });
});

describe('traffic rules', () => {
  const traffic = base.traffic;
  function withTraffic(overrides: Partial<DrConfig['traffic']>): DrConfig {
    return { ...base, traffic: { ...traffic, ...overrides } };
  }
  function withCapacity(role: 'primary' | 'secondary', minReplicas: number, maxReplicas: number): DrConfig {
    return withTraffic({ warmCapacity: { ...traffic.warmCapacity, [role]: { minReplicas, maxReplicas } } });
  }

  test('fails when the secondary has zero warm capacity, with a message naming the RTO', () => {
    const config = withCapacity('secondary', 0, 30);
    expectProblem(config, 'traffic.warmCapacity.secondary.minReplicas');
    expect(() => validateConfig(config)).toThrow(/must keep at least 1 warm replica.*15-minute RTO/);
  });

  test('fails when the primary has zero warm capacity', () => {
    expectProblem(withCapacity('primary', 0, 30), 'traffic.warmCapacity.primary.minReplicas');
  });

  test('fails when maxReplicas is under minReplicas', () => {
    expectProblem(withCapacity('primary', 6, 4), 'traffic.warmCapacity.primary.maxReplicas');
  });

  test('fails when the secondary keeps more warm replicas than the primary', () => {
    expectProblem(withCapacity('secondary', 8, 30), 'traffic.warmCapacity.secondary.minReplicas');
  });

  test("fails when the secondary cannot scale to the primary's floor", () => {
    expectProblem(withCapacity('secondary', 3, 5), 'traffic.warmCapacity.secondary.maxReplicas');
  });

  test.each([0, 11, 2.5])('fails when the health check threshold is outside 1-10 (%p)', (failureThreshold) => {
    const config = withTraffic({ healthCheck: { ...traffic.healthCheck, failureThreshold } });
    expectProblem(config, 'traffic.healthCheck.failureThreshold');
    expect(() => validateConfig(config)).toThrow(/accepts 1 to 10 consecutive failures/);
  });

  test.each([5, 20, 60])('fails when the health check interval is %p s (only 10 or 30)', (seconds) => {
    expectProblem(
      withTraffic({ healthCheck: { ...traffic.healthCheck, interval: Duration.seconds(seconds) } }),
      'traffic.healthCheck.interval',
    );
  });

  test.each(['z123', 'Z-ABC', ''])('fails when the hosted zone id is malformed (%p)', (hostedZoneId) => {
    expectProblem(
      withTraffic({ hostedZone: { ...traffic.hostedZone, hostedZoneId } }),
      'traffic.hostedZone.hostedZoneId',
    );
  });

  test.each(['Example.com', 'example.com.', 'localhost', '-a.example.com'])(
    'fails when the zone name is malformed (%p)',
    (zoneName) => {
      expectProblem(withTraffic({ hostedZone: { ...traffic.hostedZone, zoneName } }), 'traffic.hostedZone.zoneName');
    },
  );

  test.each(['repo/orchestrator', 'repo/orchestrator:latest', 'registry:5000/orchestrator'])(
    'fails when the image is not pinned (%p)',
    (image) => {
      expectProblem(withTraffic({ image }), 'traffic.image');
    },
  );

  test('accepts an image pinned by digest', () => {
    const image = `repo/orchestrator@sha256:${'a'.repeat(64)}`;
    expect(configProblems(withTraffic({ image }))).toEqual([]);
  });

  test.each([80, 70000, 8080.5])('fails when the container port is %p', (containerPort) => {
    expectProblem(withTraffic({ containerPort }), 'traffic.containerPort');
  });

  test.each(['0.0.0.0/0', '203.0.113.7'])('fails when a public API CIDR is %p', (cidr) => {
    expectProblem(withTraffic({ apiPublicAccessCidrs: [cidr] }), 'traffic.apiPublicAccessCidrs[0]');
  });

  test('fails when prod has no cluster admin role', () => {
    expectProblem(withTraffic({ clusterAdminRoleNames: [] }), 'traffic.clusterAdminRoleNames');
  });

  test('fails when a cluster admin is given as an ARN', () => {
    expectProblem(
      withTraffic({ clusterAdminRoleNames: ['arn:aws:iam::123456789012:role/admin'] }),
      'traffic.clusterAdminRoleNames[0]',
    );
  });

  test.each([
    ['30 s', Duration.seconds(30)],
    ['90 s', Duration.seconds(90)],
    ['2 h', Duration.hours(2)],
  ])('fails when the probe interval is %s', (_label, probeInterval) => {
    expectProblem(withTraffic({ probeInterval }), 'traffic.probeInterval');
  });

  test('fails when logs are kept under a day', () => {
    expectProblem(withTraffic({ logRetention: Duration.hours(1) }), 'traffic.logRetention');
  });
});

describe('cron grammar', () => {
  test.each([
    'cron(0 2 * * ? *)',
    'cron(0 1 ? * SUN *)',
    'cron(0/15 * * * ? *)',
    'cron(0 8 ? * MON-FRI *)',
    'cron(0 10 ? * MON#1 *)',
    'cron(0 10 ? * 2#2 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 15W * ? *)',
    'cron(0 0 ? * 6L *)',
    'cron(5,35 14 * JAN-MAR ? 2026-2030)',
  ])('accepts %s', (cron) => {
    expect(cronError(cron)).toBeUndefined();
  });
});

describe('cache rules', () => {
  const staging = loadConfig({ stage: 'staging' });
  const withCache = (config: DrConfig, cache: Partial<DrConfig['cache']>): DrConfig => ({
    ...config,
    cache: { ...config.cache, ...cache },
  });
  const withAlarms = (alarms: Partial<DrConfig['cache']['alarms']>): DrConfig =>
    withCache(base, { alarms: { ...base.cache.alarms, ...alarms } });
  const withBucket = (backupBucket: Partial<DrConfig['cache']['backupBucket']>): DrConfig =>
    withCache(base, { backupBucket: { ...base.cache.backupBucket, ...backupBucket } });

  test('prod runs the Global Datastore and staging may go without it', () => {
    expect(base.cache.globalDatastore).toBe(true);
    expect(configProblems(withCache(staging, { globalDatastore: false }))).toEqual([]);
  });

  test('the Global Datastore lag threshold is derived from the rate-limiting RPO, a quarter of it', () => {
    expect(base.cache.alarms.globalReplicationLag.toSeconds()).toBe(15);
  });

  test.each([Duration.days(6), Duration.days(0)])('fails when prod keeps snapshots less than 7 days (%s)', (d) => {
    expectProblem(withCache(base, { snapshotRetention: d }), 'cache.snapshotRetention');
  });

  test.each([Duration.days(36), Duration.hours(36)])(
    'fails when snapshot retention is not 1-35 whole days (%s)',
    (d) => {
      expectProblem(withCache(staging, { snapshotRetention: d }), 'cache.snapshotRetention');
    },
  );

  test.each(['01:30-02:30', '00:00-00:30', '1:00-2:00', '00:30'])(
    'fails when the snapshot window is malformed, too short or ends after 02:00 UTC (%s)',
    (snapshotWindow) => {
      expectProblem(withCache(base, { snapshotWindow }), 'cache.snapshotWindow');
    },
  );

  test('accepts a snapshot window that wraps midnight and ends by 02:00', () => {
    expect(configProblems(withCache(base, { snapshotWindow: '23:30-01:00' }))).toEqual([]);
  });

  test.each(['sunday:05:00-sunday:06:00', 'sun:25:00-sun:26:00'])(
    'fails when the maintenance window is malformed (%s)',
    (maintenanceWindow) => {
      expectProblem(withCache(base, { maintenanceWindow }), 'cache.maintenanceWindow');
    },
  );

  // Thresholds at or above the RPO are the recovery model's to reject (test/recovery).
  test.each([Duration.seconds(0)])(
    'fails when the Global Datastore lag threshold is not positive (%s)',
    (globalReplicationLag) => {
      expectProblem(withAlarms({ globalReplicationLag }), 'cache.alarms.globalReplicationLag');
    },
  );

  test('fails when the in-region replication lag threshold is at or above the RPO', () => {
    expectProblem(withAlarms({ replicationLag: Duration.minutes(1) }), 'cache.alarms.replicationLag');
  });

  test('fails when the rate-limiting objective the thresholds derive from is missing', () => {
    const objectives = base.objectives.filter((o) => o.component !== 'rate-limiting');
    expectProblem({ ...base, objectives }, 'objectives');
  });

  test.each([Duration.minutes(15), Duration.minutes(20), Duration.seconds(0)])(
    'fails when the S3 replication latency threshold is not under the 15 minute RTC bound (%s)',
    (s3ReplicationLatency) => {
      expectProblem(withAlarms({ s3ReplicationLatency }), 'cache.alarms.s3ReplicationLatency');
    },
  );

  test.each([0, 100, 120])('fails when a CPU or memory percentage is out of range (%p)', (percent) => {
    expectProblem(withAlarms({ engineCpuPercent: percent }), 'cache.alarms.engineCpuPercent');
    expectProblem(withAlarms({ memoryPercent: percent }), 'cache.alarms.memoryPercent');
  });

  test.each([0, 6, 1.5])('fails when replicas per shard are not 1-5 (%p)', (replicasPerNodeGroup) => {
    expectProblem(withCache(base, { replicasPerNodeGroup }), 'cache.replicasPerNodeGroup');
  });

  test.each([6379, 80, 70000])('fails when the port is the default, privileged or invalid (%p)', (port) => {
    expectProblem(withCache(base, { port }), 'cache.port');
  });

  test('fails when a Global Datastore gets T-family nodes', () => {
    expectProblem(withCache(base, { nodeType: 'cache.t4g.medium' }), 'cache.nodeType');
  });

  test('fails when the parameter group family does not match the engine version', () => {
    expectProblem(withCache(base, { parameterGroupFamily: 'valkey7' }), 'cache.parameterGroupFamily');
  });

  test('fails when backups move to Standard-IA before 30 days', () => {
    expectProblem(withBucket({ transitionAfter: Duration.days(7) }), 'cache.backupBucket.transitionAfter');
  });

  test('fails when backups expire before they would transition', () => {
    expectProblem(withBucket({ retention: Duration.days(30) }), 'cache.backupBucket.retention');
  });

  test('fails when a lifecycle age is not whole days', () => {
    expectProblem(
      withBucket({ noncurrentVersionExpiry: Duration.hours(12) }),
      'cache.backupBucket.noncurrentVersionExpiry',
    );
  });
});

describe('automation', () => {
  const withAutomation = (autoFailover: boolean, probeInterval: Duration): DrConfig => ({
    ...base,
    automation: { ...base.automation, autoFailover },
    traffic: { ...base.traffic, probeInterval },
  });

  test('a slow canary is no problem while failover stays manual', () => {
    expect(configProblems(withAutomation(false, Duration.minutes(8)))).toEqual([]);
  });
});

describe('missing or malformed sections', () => {
  const SECTIONS = [
    'regions',
    'network',
    'objectives',
    'schedules',
    'contacts',
    'data',
    'cache',
    'traffic',
    'automation',
    'objectLock',
    'gameDays',
    'pipeline',
    'providers',
  ];
  const FIELDS = ['stage', 'account', 'serviceName', 'stackPrefix', 'terminationProtection'];

  test('the tests cover every top-level key of the config', () => {
    expect([...SECTIONS, ...FIELDS].sort()).toEqual(Object.keys(base).sort());
  });

  test.each(SECTIONS)('fails when the %s section is missing, naming the section', (key) => {
    expect(configProblems(withTop(key, undefined))).toEqual([
      {
        field: key,
        value: undefined,
        fix: expect.stringMatching(/^section missing; give .*, as in lib\/config\/stages\.ts$/),
      },
    ]);
  });

  test.each(SECTIONS.flatMap((key) => ['a string', 42, null].map((value) => [key, value] as const)))(
    'fails when the %s section is %p, naming the section',
    (key, value) => {
      expect(configProblems(withTop(key, value))).toEqual([
        { field: key, value, fix: expect.stringMatching(/^section must be .*, as in lib\/config\/stages\.ts; got /) },
      ]);
    },
  );

  test.each(['regions', 'objectives', 'schedules'])('fails when the %s list is given as an object', (key) => {
    expect(configProblems(withTop(key, {}))).toEqual([
      { field: key, value: {}, fix: expect.stringMatching(/^section must be a list with .*; got an object$/) },
    ]);
  });

  test.each(FIELDS)('fails when %s is missing', (key) => {
    expect(configProblems(withTop(key, undefined)).map((problem) => problem.field)).toEqual([key]);
  });

  test('the error names the missing section, its value and what to give', () => {
    expect(() => validateConfig(withTop('data', undefined))).toThrow(
      /1 problem\):\n {2}- data = undefined: section missing; give the Aurora and AWS Backup settings of the data tier, as in lib\/config\/stages\.ts$/,
    );
  });

  test('fails when the config is not an object at all', () => {
    expect(configProblems(undefined as unknown as DrConfig)).toEqual([
      { field: 'config', value: undefined, fix: expect.stringContaining('DrConfig') },
    ]);
  });

  // Cross-field rules run only on fields of the right type, so no value anywhere can make one throw.
  test.each(Object.keys(base))(
    'every field under %s, missing or null, is reported on that field, never a TypeError',
    (key) => {
      const unreported = pathsOf(base[key as keyof DrConfig], [key]).flatMap((path) =>
        [undefined, null]
          .filter((value) => !configProblems(withValueAt(base, path, value)).some((p) => p.field === fieldOf(path)))
          .map((value) => `${fieldOf(path)} = ${String(value)}`),
      );
      expect(unreported).toEqual([]);
    },
  );
});

describe('schema rules', () => {
  test.each(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])(
    'both maintenance windows take %s, in one day order',
    (day) => {
      const window = `${day}:03:00-${day}:04:00`;
      const config: DrConfig = {
        ...base,
        data: { ...base.data, preferredMaintenanceWindow: window },
        cache: { ...base.cache, maintenanceWindow: window },
      };
      expect(configProblems(config)).toEqual([]);
    },
  );

  test('both maintenance windows explain the format the same way', () => {
    const config: DrConfig = {
      ...base,
      data: { ...base.data, preferredMaintenanceWindow: 'Tue:03:00-Tue:03:30' },
      cache: { ...base.cache, maintenanceWindow: 'Sun:05:00-Sun:06:00' },
    };
    const fixes = configProblems(config).map((problem) => problem.fix.replace(/, for example .*$/, ''));
    expect(fixes).toEqual([
      'must be ddd:hh24:mi-ddd:hh24:mi in UTC, with a lower-case day (mon to sun)',
      'must be ddd:hh24:mi-ddd:hh24:mi in UTC, with a lower-case day (mon to sun)',
    ]);
  });

  test('durations that are unresolved tokens are left to deploy time', () => {
    const days = (n: number) => Duration.days(Lazy.number({ produce: () => n }));
    const config: DrConfig = {
      ...base,
      data: { ...base.data, backupRetention: days(1), weeklyBackupRetention: days(1) },
      cache: { ...base.cache, snapshotRetention: days(1) },
    };
    expect(configProblems(config)).toEqual([]);
  });

  test('a problem shows a Duration as people write it', () => {
    const config: DrConfig = { ...base, automation: { ...base.automation, maxRedisRestore: Duration.seconds(0) } };
    expect(configProblems(config)).toEqual([
      { field: 'automation.maxRedisRestore', value: '0 seconds', fix: 'must be positive' },
    ]);
  });

  test.each(['Async Toolformer', 'Async_Toolformer', '1Async', ''])(
    'fails when the stack prefix is %p',
    (stackPrefix) => {
      expectProblem({ ...base, stackPrefix }, 'stackPrefix');
    },
  );

  test('fails when the Aurora instance class carries the db. prefix CDK adds itself', () => {
    expectProblem({ ...base, data: { ...base.data, instanceType: 'db.r7g.large' } }, 'data.instanceType');
  });

  test('fails when a log retention is not a RetentionDays value', () => {
    const network = { ...base.network, flowLogRetention: 42 as DrConfig['network']['flowLogRetention'] };
    expectProblem({ ...base, network }, 'network.flowLogRetention');
  });

  test('fails when a daily window is malformed, with one message for both tiers', () => {
    const config: DrConfig = {
      ...base,
      data: { ...base.data, preferredBackupWindow: '1:00-2:00' },
      cache: { ...base.cache, snapshotWindow: '00:30' },
    };
    expect(configProblems(config)).toEqual([
      {
        field: 'data.preferredBackupWindow',
        value: '1:00-2:00',
        fix: 'must be hh24:mi-hh24:mi in UTC, for example 00:00-01:00',
      },
      { field: 'cache.snapshotWindow', value: '00:30', fix: 'must be hh24:mi-hh24:mi in UTC, for example 00:30-01:30' },
    ]);
  });
});

describe('automation.failoverCooldown', () => {
  test.each([Duration.minutes(1), Duration.hours(25)])('fails when the cooldown is %s', (cooldown) => {
    const problems = configProblems(withValueAt(base, ['automation', 'failoverCooldown'], cooldown));
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'automation.failoverCooldown',
        value: cooldown.toHumanString(),
        fix: expect.stringMatching(/must be from 5 minutes to 24 hours/),
      }),
    ]);
  });

  test('the default is 30 minutes in both stages', () => {
    for (const stage of STAGES) expect(loadConfig({ stage }).automation.failoverCooldown.toMinutes()).toBe(30);
  });
});
