// Synth-time validation of the DR configuration: every problem names the field, the value and the fix.
import { Token } from 'aws-cdk-lib';
import { overlaps, parseCidr, type Ipv4Block } from './cidr';
import { cronError } from './cron';
import { PLAN_OBJECTIVES } from './plan';
import { INTERFACE_ENDPOINTS, SEVERITIES, STAGES, type DrConfig } from './types';

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Path of the field, for example `regions[1].cidr`. */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is wrong and how to fix it. */
  readonly fix: string;
}

/** Thrown when a configuration is invalid; lists every problem, not just the first. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid DR configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
/** AWS allows VPC CIDRs from /16 to /28; below /24 leaves too few addresses for three subnet tiers. */
const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 24;

function checkIdentity(config: DrConfig, problems: ConfigProblem[]): void {
  if (!(STAGES as readonly string[]).includes(config.stage)) {
    problems.push({
      field: 'stage',
      value: config.stage,
      fix: `unknown stage; use one of ${STAGES.join(', ')} (-c stage=...)`,
    });
  }
  if (typeof config.account !== 'string' || !ACCOUNT_PATTERN.test(config.account)) {
    problems.push({
      field: 'account',
      value: config.account,
      fix: 'must be a 12-digit AWS account id; set -c account=... or CDK_DEFAULT_ACCOUNT',
    });
  }
  if (!config.serviceName) {
    problems.push({ field: 'serviceName', value: config.serviceName, fix: 'must be a non-empty service name' });
  }
}

function checkRegions(config: DrConfig, problems: ConfigProblem[]): void {
  const seen = new Map<string, number>();
  const blocks: { index: number; block: Ipv4Block }[] = [];
  config.regions.forEach((region, index) => {
    const at = `regions[${index}]`;
    if (!REGION_PATTERN.test(region.region)) {
      problems.push({
        field: `${at}.region`,
        value: region.region,
        fix: 'must be an AWS region name such as us-east-1',
      });
    }
    const earlier = seen.get(region.region);
    if (earlier !== undefined) {
      problems.push({
        field: `${at}.region`,
        value: region.region,
        fix: `region already given as regions[${earlier}]; each region appears once, with one role (primary in one region, secondary in another)`,
      });
    } else {
      seen.set(region.region, index);
    }
    if (region.availabilityZones.length < 2) {
      problems.push({
        field: `${at}.availabilityZones`,
        value: region.availabilityZones,
        fix: 'list at least 2 AZs so the VPC and the databases survive an AZ failure',
      });
    }
    const azPattern = new RegExp(`^${region.region}[a-z]$`);
    region.availabilityZones.forEach((az, azIndex) => {
      if (!azPattern.test(az)) {
        problems.push({
          field: `${at}.availabilityZones[${azIndex}]`,
          value: az,
          fix: `is not an AZ of ${region.region}; use names such as ${region.region}a`,
        });
      }
    });
    if (new Set(region.availabilityZones).size !== region.availabilityZones.length) {
      problems.push({
        field: `${at}.availabilityZones`,
        value: region.availabilityZones,
        fix: 'lists an AZ more than once; give each AZ once',
      });
    }
    const block = parseCidr(region.cidr);
    if (!block) {
      problems.push({
        field: `${at}.cidr`,
        value: region.cidr,
        fix: 'must be an IPv4 network in CIDR form with no host bits set, such as 10.10.0.0/16',
      });
    } else if (block.prefix < MIN_VPC_PREFIX || block.prefix > MAX_VPC_PREFIX) {
      problems.push({
        field: `${at}.cidr`,
        value: region.cidr,
        fix: `prefix must be between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}`,
      });
    } else {
      for (const other of blocks) {
        if (overlaps(other.block, block)) {
          problems.push({
            field: `${at}.cidr`,
            value: region.cidr,
            fix: `overlaps regions[${other.index}].cidr (${config.regions[other.index]?.cidr}); give each region a disjoint range so the VPCs can be peered`,
          });
        }
      }
      blocks.push({ index, block });
    }
  });
  for (const role of ['primary', 'secondary'] as const) {
    const count = config.regions.filter((region) => region.role === role).length;
    if (count !== 1) {
      problems.push({
        field: 'regions[].role',
        value: config.regions.map((region) => `${region.region}:${region.role}`),
        fix: `needs exactly one ${role} region, found ${count}; set role "primary" on one region and "secondary" on another`,
      });
    }
  }
}

function checkNetwork(config: DrConfig, problems: ConfigProblem[]): void {
  const { natGateways, interfaceEndpoints } = config.network;
  const fewestAzs = Math.min(...config.regions.map((region) => region.availabilityZones.length));
  if (natGateways !== undefined && (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > fewestAzs)) {
    problems.push({
      field: 'network.natGateways',
      value: natGateways,
      fix: `must be an integer from 1 to the number of AZs (${fewestAzs}); leave it unset for one per AZ`,
    });
  }
  interfaceEndpoints.forEach((name, index) => {
    if (!(INTERFACE_ENDPOINTS as readonly string[]).includes(name)) {
      problems.push({
        field: `network.interfaceEndpoints[${index}]`,
        value: name,
        fix: `unknown endpoint; use one of ${INTERFACE_ENDPOINTS.join(', ')}`,
      });
    }
  });
}

function checkObjectives(config: DrConfig, problems: ConfigProblem[]): void {
  if (config.objectives.length === 0) {
    problems.push({ field: 'objectives', value: [], fix: "list the plan's RTO/RPO table; it must not be empty" });
  }
  const components = new Set<string>();
  config.objectives.forEach((objective, index) => {
    const at = `objectives[${index}]`;
    if (components.has(objective.component)) {
      problems.push({
        field: `${at}.component`,
        value: objective.component,
        fix: 'component given twice; give each component one row',
      });
    }
    components.add(objective.component);
    for (const key of ['rto', 'rpo'] as const) {
      const duration = objective[key] as DrConfig['objectives'][number]['rto'] | undefined;
      if (duration === undefined || duration === null) {
        problems.push({
          field: `${at}.${key}`,
          value: duration,
          fix: `${objective.component} needs an ${key.toUpperCase()}; set it with Duration.minutes(...)`,
        });
      } else if (!Token.isUnresolved(duration) && duration.toSeconds() <= 0) {
        problems.push({
          field: `${at}.${key}`,
          value: duration.toHumanString(),
          fix: `${key.toUpperCase()} of ${objective.component} must be positive`,
        });
      }
    }
    if (!(SEVERITIES as readonly string[]).includes(objective.priority)) {
      problems.push({ field: `${at}.priority`, value: objective.priority, fix: `use one of ${SEVERITIES.join(', ')}` });
    }
    const plan = PLAN_OBJECTIVES.find((candidate) => candidate.component === objective.component);
    if (!plan) {
      problems.push({
        field: `${at}.component`,
        value: objective.component,
        fix: `the recovery model estimates the plan's components only: use one of ${PLAN_OBJECTIVES.map((row) => row.component).join(', ')}`,
      });
    } else if (config.stage === 'prod') {
      for (const key of ['rto', 'rpo'] as const) {
        const duration = objective[key];
        if (duration && !Token.isUnresolved(duration) && duration.toSeconds() > plan[key].toSeconds()) {
          problems.push({
            field: `${at}.${key}`,
            value: duration.toHumanString(),
            fix: `prod promises the plan's ${key.toUpperCase()} of ${plan[key].toHumanString()} for ${plan.component} or better; change the plan, not the config`,
          });
        }
      }
    }
  });
  for (const plan of PLAN_OBJECTIVES) {
    if (!components.has(plan.component)) {
      problems.push({
        field: 'objectives',
        value: [...components],
        fix: `add a row for ${plan.component}: every component of the plan's table needs an objective`,
      });
    }
  }
}

function checkSchedules(config: DrConfig, problems: ConfigProblem[]): void {
  const ids = new Set<string>();
  config.schedules.forEach((schedule, index) => {
    const at = `schedules[${index}]`;
    if (ids.has(schedule.id)) {
      problems.push({ field: `${at}.id`, value: schedule.id, fix: 'schedule id given twice; ids must be unique' });
    }
    ids.add(schedule.id);
    const problem = cronError(schedule.cron);
    if (problem) {
      problems.push({
        field: `${at}.cron`,
        value: schedule.cron,
        fix: `invalid EventBridge cron: ${problem}; for example cron(0 2 * * ? *) runs daily at 02:00 UTC`,
      });
    }
  });
}

/** `HH:MM` to minutes after midnight, or `undefined` when malformed. */
function minutesOfDay(time: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** The plan's daily backup runs at 02:00 UTC; the automatic snapshot must be done by then. */
const SNAPSHOT_DEADLINE_MINUTES = 2 * 60;
const MAX_SNAPSHOT_RETENTION_DAYS = 35;
const MIN_PROD_SNAPSHOT_RETENTION_DAYS = 7;
/** Replication Time Control replicates 99.99% of objects within this many minutes. */
const RTC_BOUND_MINUTES = 15;
/** S3 charges Standard-IA for at least 30 days and refuses an earlier transition. */
const MIN_IA_TRANSITION_DAYS = 30;

function checkCacheWindows(config: DrConfig, problems: ConfigProblem[]): void {
  const { snapshotWindow, maintenanceWindow } = config.cache;
  const [start, end, ...rest] = snapshotWindow.split('-').map(minutesOfDay);
  if (start === undefined || end === undefined || rest.length > 0) {
    problems.push({
      field: 'cache.snapshotWindow',
      value: snapshotWindow,
      fix: 'must be HH:MM-HH:MM in UTC, for example 00:30-01:30',
    });
  } else {
    if ((end - start + 24 * 60) % (24 * 60) < 60) {
      problems.push({
        field: 'cache.snapshotWindow',
        value: snapshotWindow,
        fix: 'must be at least 60 minutes long (ElastiCache minimum)',
      });
    }
    if (end > SNAPSHOT_DEADLINE_MINUTES) {
      problems.push({
        field: 'cache.snapshotWindow',
        value: snapshotWindow,
        fix: 'must end by 02:00 UTC, so the daily 02:00 backup exports a fresh snapshot; for example 00:30-01:30',
      });
    }
  }
  if (
    !/^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):[0-5]\d-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):[0-5]\d$/.test(
      maintenanceWindow,
    )
  ) {
    problems.push({
      field: 'cache.maintenanceWindow',
      value: maintenanceWindow,
      fix: 'must be ddd:HH:MM-ddd:HH:MM in UTC with lower-case days, for example sun:05:00-sun:06:00',
    });
  }
}

function checkCacheCluster(config: DrConfig, problems: ConfigProblem[]): void {
  const cache = config.cache;
  if (cache.globalDatastore && /^cache\.t\d/.test(cache.nodeType)) {
    problems.push({
      field: 'cache.nodeType',
      value: cache.nodeType,
      fix: 'a Global Datastore does not support T-family nodes; use an M or R type such as cache.r7g.large',
    });
  }
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(cache.nodeType)) {
    problems.push({
      field: 'cache.nodeType',
      value: cache.nodeType,
      fix: 'must be a node type such as cache.r7g.large',
    });
  }
  const major = /^(\d+)\.\d+$/.exec(cache.engineVersion)?.[1];
  if (!major) {
    problems.push({
      field: 'cache.engineVersion',
      value: cache.engineVersion,
      fix: 'must be MAJOR.MINOR, such as 8.0',
    });
  } else if (cache.parameterGroupFamily !== `valkey${major}`) {
    problems.push({
      field: 'cache.parameterGroupFamily',
      value: cache.parameterGroupFamily,
      fix: `must match engine version ${cache.engineVersion}: use valkey${major}`,
    });
  }
  if (
    !Number.isInteger(cache.replicasPerNodeGroup) ||
    cache.replicasPerNodeGroup < 1 ||
    cache.replicasPerNodeGroup > 5
  ) {
    problems.push({
      field: 'cache.replicasPerNodeGroup',
      value: cache.replicasPerNodeGroup,
      fix: 'must be an integer from 1 to 5: Multi-AZ failover needs at least one replica',
    });
  }
  if (!Number.isInteger(cache.port) || cache.port < 1024 || cache.port > 65535 || cache.port === 6379) {
    problems.push({
      field: 'cache.port',
      value: cache.port,
      fix: 'must be an unprivileged port (1024-65535) other than the default 6379, for example 6380',
    });
  }
  if (!Token.isUnresolved(cache.snapshotRetention)) {
    const days = cache.snapshotRetention.toHours() / 24;
    const minimum = config.stage === 'prod' ? MIN_PROD_SNAPSHOT_RETENTION_DAYS : 1;
    if (!Number.isInteger(days) || days < minimum || days > MAX_SNAPSHOT_RETENTION_DAYS) {
      problems.push({
        field: 'cache.snapshotRetention',
        value: cache.snapshotRetention.toHumanString(),
        fix: `must be whole days from ${minimum} to ${MAX_SNAPSHOT_RETENTION_DAYS}${config.stage === 'prod' ? ' (prod keeps at least a week)' : ''}`,
      });
    }
  }
}

function checkCacheAlarms(config: DrConfig, problems: ConfigProblem[]): void {
  const { alarms } = config.cache;
  // The Global Datastore lag threshold is the rate-limiting RPO term of the recovery model, which
  // holds it to the objective; the in-region replica lag is checked here, against the same RPO.
  const rpo = config.objectives.find((objective) => objective.component === 'rate-limiting')?.rpo;
  for (const key of ['globalReplicationLag', 'replicationLag'] as const) {
    const threshold = alarms[key];
    if (threshold.toSeconds() <= 0) {
      problems.push({ field: `cache.alarms.${key}`, value: threshold.toHumanString(), fix: 'must be positive' });
    } else if (key === 'replicationLag' && rpo && threshold.toSeconds() >= rpo.toSeconds()) {
      problems.push({
        field: `cache.alarms.${key}`,
        value: threshold.toHumanString(),
        fix: `must be well under the rate-limiting RPO (${rpo.toHumanString()}), or the alarm fires only after the objective is missed; a quarter of it is the default`,
      });
    }
  }
  for (const key of ['engineCpuPercent', 'memoryPercent'] as const) {
    const percent = alarms[key];
    if (!(percent > 0 && percent < 100)) {
      problems.push({ field: `cache.alarms.${key}`, value: percent, fix: 'must be a percentage between 0 and 100' });
    }
  }
  const latency = alarms.s3ReplicationLatency.toSeconds();
  if (latency <= 0 || latency >= RTC_BOUND_MINUTES * 60) {
    problems.push({
      field: 'cache.alarms.s3ReplicationLatency',
      value: alarms.s3ReplicationLatency.toHumanString(),
      fix: `must be positive and under the ${RTC_BOUND_MINUTES} minute Replication Time Control bound, for example 12 minutes`,
    });
  }
}

function checkCacheBackupBucket(config: DrConfig, problems: ConfigProblem[]): void {
  const { transitionAfter, retention, noncurrentVersionExpiry } = config.cache.backupBucket;
  const days = (duration: typeof retention) => duration.toHours() / 24;
  const entries = { transitionAfter, retention, noncurrentVersionExpiry };
  for (const [key, duration] of Object.entries(entries)) {
    if (!Number.isInteger(days(duration)) || days(duration) < 1) {
      problems.push({
        field: `cache.backupBucket.${key}`,
        value: duration.toHumanString(),
        fix: 'must be whole days, at least 1 (S3 lifecycle rules count in days)',
      });
    }
  }
  if (days(transitionAfter) < MIN_IA_TRANSITION_DAYS) {
    problems.push({
      field: 'cache.backupBucket.transitionAfter',
      value: transitionAfter.toHumanString(),
      fix: `S3 moves objects to Standard-IA after ${MIN_IA_TRANSITION_DAYS} days at the earliest`,
    });
  }
  if (days(retention) <= days(transitionAfter)) {
    problems.push({
      field: 'cache.backupBucket.retention',
      value: retention.toHumanString(),
      fix: `must be longer than transitionAfter (${transitionAfter.toHumanString()}), or the transition never happens`,
    });
  }
}

function checkCache(config: DrConfig, problems: ConfigProblem[]): void {
  if (!config.cache) {
    problems.push({
      field: 'cache',
      value: config.cache,
      fix: 'give the cache tier settings (see lib/config/stages.ts)',
    });
    return;
  }
  checkCacheCluster(config, problems);
  checkCacheWindows(config, problems);
  checkCacheAlarms(config, problems);
  checkCacheBackupBucket(config, problems);
}

function checkContacts(config: DrConfig, problems: ConfigProblem[]): void {
  for (const severity of SEVERITIES) {
    const subscriptions = config.contacts[severity];
    if (!subscriptions) {
      problems.push({
        field: `contacts.${severity}`,
        value: subscriptions,
        fix: 'give a list of subscriptions, [] for none',
      });
      continue;
    }
    subscriptions.forEach((subscription, index) => {
      const at = `contacts.${severity}[${index}]`;
      const valid =
        (subscription.protocol === 'email' && EMAIL_PATTERN.test(subscription.endpoint)) ||
        (subscription.protocol === 'sms' && E164_PATTERN.test(subscription.endpoint)) ||
        (subscription.protocol === 'https' && subscription.endpoint.startsWith('https://'));
      if (!valid) {
        problems.push({
          field: `${at}.endpoint`,
          value: `${subscription.protocol}:${subscription.endpoint}`,
          fix: 'use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
        });
      }
    });
  }
}

const WINDOW_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const MAINTENANCE_PATTERN =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const MINUTES_PER_DAY = 24 * 60;
/** How long before the daily AWS Backup run the automated backup window may end. */
const BACKUP_WINDOW_LEAD_MINUTES = 6 * 60;

/** Minute of the day a daily cron fires at, when its minutes and hours are plain numbers. */
function dailyStartMinute(cron: string | undefined): number | undefined {
  const fields = /^cron\((\d+) (\d+) /.exec(cron ?? '');
  return fields ? Number(fields[2]) * 60 + Number(fields[1]) : undefined;
}

function days(duration: { toDays(opts?: { integral: boolean }): number }): number {
  return duration.toDays({ integral: false });
}

function checkBackupWindow(config: DrConfig, problems: ConfigProblem[]): void {
  const window = config.data.preferredBackupWindow;
  const match = WINDOW_PATTERN.exec(window);
  if (!match) {
    problems.push({
      field: 'data.preferredBackupWindow',
      value: window,
      fix: 'use hh:mm-hh:mm in UTC, for example 00:00-01:00',
    });
    return;
  }
  const [start, end] = [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])];
  if ((end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY < 30) {
    problems.push({
      field: 'data.preferredBackupWindow',
      value: window,
      fix: 'RDS needs a backup window of at least 30 minutes',
    });
  }
  const daily = dailyStartMinute(config.schedules.find((schedule) => schedule.id === 'daily-backup')?.cron);
  if (daily !== undefined && (daily - end + MINUTES_PER_DAY) % MINUTES_PER_DAY > BACKUP_WINDOW_LEAD_MINUTES) {
    problems.push({
      field: 'data.preferredBackupWindow',
      value: window,
      fix: `must end at most 6 hours before the daily backup (${String(Math.floor(daily / 60)).padStart(2, '0')}:${String(daily % 60).padStart(2, '0')} UTC) so that the two never overlap`,
    });
  }
}

function checkData(config: DrConfig, problems: ConfigProblem[]): void {
  const data = config.data;
  const retention = days(data.backupRetention);
  if (retention < 7 || retention > 35) {
    problems.push({
      field: 'data.backupRetention',
      value: data.backupRetention.toHumanString(),
      fix: 'Aurora keeps 1 to 35 days and this project requires at least 7; use Duration.days(7) to Duration.days(35)',
    });
  }
  for (const key of ['primaryReaders', 'secondaryReaders'] as const) {
    const count = data[key];
    if (!Number.isInteger(count) || count < 0 || count > 15) {
      problems.push({ field: `data.${key}`, value: count, fix: 'must be an integer from 0 to 15' });
    } else if (config.stage === 'prod' && count < 1) {
      problems.push({
        field: `data.${key}`,
        value: count,
        fix:
          key === 'secondaryReaders'
            ? 'prod needs at least 1 reader in the secondary cluster, so a promotion does not wait for an instance to be created'
            : 'prod needs at least 1 reader in another AZ, so an AZ failure does not take the writer away for long',
      });
    }
  }
  // The recovery model counts this threshold as the Core API RPO and holds it to the objective.
  const threshold = data.globalLagAlarmThreshold.toSeconds();
  if (threshold <= 0) {
    problems.push({
      field: 'data.globalLagAlarmThreshold',
      value: data.globalLagAlarmThreshold.toHumanString(),
      fix: 'must be positive',
    });
  }
  checkBackupWindow(config, problems);
  if (!MAINTENANCE_PATTERN.test(data.preferredMaintenanceWindow)) {
    problems.push({
      field: 'data.preferredMaintenanceWindow',
      value: data.preferredMaintenanceWindow,
      fix: 'use ddd:hh:mm-ddd:hh:mm in UTC, for example tue:03:00-tue:03:30',
    });
  }
  const daily = days(data.dailyBackupRetention);
  if (daily < 1 || daily > 35) {
    problems.push({
      field: 'data.dailyBackupRetention',
      value: data.dailyBackupRetention.toHumanString(),
      fix: 'the daily rule keeps continuous backups, which AWS Backup keeps 1 to 35 days',
    });
  }
  const weekly = days(data.weeklyBackupRetention);
  if (weekly < 90) {
    problems.push({
      field: 'data.weeklyBackupRetention',
      value: data.weeklyBackupRetention.toHumanString(),
      fix: 'weekly full backups are kept at least 90 days; use Duration.days(90) or more',
    });
  }
  const lock = data.vaultLock;
  if (lock.mode !== 'none') {
    if (days(lock.minRetention) > Math.min(daily, weekly)) {
      problems.push({
        field: 'data.vaultLock.minRetention',
        value: lock.minRetention.toHumanString(),
        fix: `must not exceed the shortest rule retention (${Math.min(daily, weekly)} days), or the vault rejects those recovery points`,
      });
    }
    if (days(lock.maxRetention) < Math.max(daily, weekly)) {
      problems.push({
        field: 'data.vaultLock.maxRetention',
        value: lock.maxRetention.toHumanString(),
        fix: `must be at least the longest rule retention (${Math.max(daily, weekly)} days), or the vault rejects those recovery points`,
      });
    }
  }
  if (lock.mode === 'compliance' && (!lock.changeableFor || days(lock.changeableFor) < 3)) {
    problems.push({
      field: 'data.vaultLock.changeableFor',
      value: lock.changeableFor?.toHumanString(),
      fix: 'compliance mode needs a cooling-off of at least 3 days (Duration.days(3)); after it the lock can never be removed',
    });
  }
  if (lock.mode !== 'compliance' && lock.changeableFor) {
    problems.push({
      field: 'data.vaultLock.changeableFor',
      value: lock.changeableFor.toHumanString(),
      fix: 'only compliance mode has a cooling-off period; remove it or set mode "compliance"',
    });
  }
  const rotation = days(data.secretRotation);
  if (rotation < 1 || rotation > 365) {
    problems.push({
      field: 'data.secretRotation',
      value: data.secretRotation.toHumanString(),
      fix: 'Secrets Manager rotates every 1 to 365 days',
    });
  }
}

const HOSTED_ZONE_ID_PATTERN = /^Z[A-Z0-9]{1,32}$/;
const DOMAIN_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const IAM_ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** Route 53 checks every 10 s (fast) or every 30 s, nothing else. */
const HEALTH_CHECK_INTERVALS = [10, 30];

function checkTraffic(config: DrConfig, problems: ConfigProblem[]): void {
  const traffic = config.traffic;
  const { hostedZoneId, zoneName } = traffic.hostedZone;
  if (!HOSTED_ZONE_ID_PATTERN.test(hostedZoneId)) {
    problems.push({
      field: 'traffic.hostedZone.hostedZoneId',
      value: hostedZoneId,
      fix: 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (see aws route53 list-hosted-zones)',
    });
  }
  if (!DOMAIN_PATTERN.test(zoneName)) {
    problems.push({
      field: 'traffic.hostedZone.zoneName',
      value: zoneName,
      fix: 'must be a lower-case domain name without a trailing dot, such as async-toolformer.example.com',
    });
  }
  const image = traffic.image;
  const tag = /^[^@]+:([\w][\w.-]{0,127})$/.exec(image.split('/').pop() ?? '')?.[1];
  if (!image.includes('@sha256:') && (!tag || tag === 'latest')) {
    problems.push({
      field: 'traffic.image',
      value: image,
      fix: 'pin a tag or digest other than latest, such as repo/orchestrator:1.4.2, so both regions run the same build',
    });
  }
  if (!Number.isInteger(traffic.containerPort) || traffic.containerPort < 1024 || traffic.containerPort > 65535) {
    problems.push({
      field: 'traffic.containerPort',
      value: traffic.containerPort,
      fix: 'must be an integer from 1024 to 65535: the container runs as a non-root user',
    });
  }
  for (const role of ['primary', 'secondary'] as const) {
    const { minReplicas, maxReplicas } = traffic.warmCapacity[role];
    if (!Number.isInteger(minReplicas) || minReplicas < 1) {
      problems.push({
        field: `traffic.warmCapacity.${role}.minReplicas`,
        value: minReplicas,
        fix:
          role === 'secondary'
            ? 'the secondary must keep at least 1 warm replica; at zero a failover waits for pods and nodes to start, eating the 15-minute RTO'
            : 'must be an integer of at least 1',
      });
    }
    if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas) {
      problems.push({
        field: `traffic.warmCapacity.${role}.maxReplicas`,
        value: maxReplicas,
        fix: `must be an integer of at least minReplicas (${minReplicas})`,
      });
    }
  }
  const { primary, secondary } = traffic.warmCapacity;
  if (secondary.minReplicas > primary.minReplicas) {
    problems.push({
      field: 'traffic.warmCapacity.secondary.minReplicas',
      value: secondary.minReplicas,
      fix: `a warm standby keeps no more than the primary (${primary.minReplicas}); lower it or swap the region roles`,
    });
  }
  if (secondary.maxReplicas < primary.minReplicas) {
    problems.push({
      field: 'traffic.warmCapacity.secondary.maxReplicas',
      value: secondary.maxReplicas,
      fix: `must reach at least the primary's floor (${primary.minReplicas}) so the secondary can take all the traffic after a failover`,
    });
  }
  const { interval, failureThreshold } = traffic.healthCheck;
  const intervalSeconds = interval.toSeconds();
  if (!HEALTH_CHECK_INTERVALS.includes(intervalSeconds)) {
    problems.push({
      field: 'traffic.healthCheck.interval',
      value: interval.toHumanString(),
      fix: 'Route 53 checks every 10 s (fast) or 30 s (standard); use Duration.seconds(10) or Duration.seconds(30)',
    });
  }
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
    problems.push({
      field: 'traffic.healthCheck.failureThreshold',
      value: failureThreshold,
      fix: 'Route 53 accepts 1 to 10 consecutive failures; 3 is its default',
    });
  }
  traffic.apiPublicAccessCidrs.forEach((cidr, index) => {
    const block = parseCidr(cidr);
    if (!block || block.prefix === 0) {
      problems.push({
        field: `traffic.apiPublicAccessCidrs[${index}]`,
        value: cidr,
        fix: 'must be an IPv4 network in CIDR form, never 0.0.0.0/0; leave the list empty for a private endpoint',
      });
    }
  });
  if (config.stage === 'prod' && traffic.clusterAdminRoleNames.length === 0) {
    problems.push({
      field: 'traffic.clusterAdminRoleNames',
      value: [],
      fix: 'prod needs at least one admin role, or nobody can run the runbooks kubectl commands during a failover',
    });
  }
  traffic.clusterAdminRoleNames.forEach((name, index) => {
    if (!IAM_ROLE_NAME_PATTERN.test(name)) {
      problems.push({
        field: `traffic.clusterAdminRoleNames[${index}]`,
        value: name,
        fix: 'must be an IAM role name (not an ARN): up to 64 letters, digits and +=,.@_-',
      });
    }
  });
  const probeMinutes = traffic.probeInterval.toSeconds() / 60;
  if (!Number.isInteger(probeMinutes) || probeMinutes < 1 || probeMinutes > 60) {
    problems.push({
      field: 'traffic.probeInterval',
      value: traffic.probeInterval.toHumanString(),
      fix: 'canaries run every 1 to 60 whole minutes; use Duration.minutes(1) in prod',
    });
  }
  if (days(traffic.logRetention) < 1) {
    problems.push({
      field: 'traffic.logRetention',
      value: traffic.logRetention.toHumanString(),
      fix: 'keep logs at least 1 day; use Duration.days(...)',
    });
  }
}

function checkAutomation(config: DrConfig, problems: ConfigProblem[]): void {
  const automation = config.automation;
  const retries = automation.scheduleRetryAttempts;
  if (!Number.isInteger(retries) || retries < 0 || retries > 185) {
    problems.push({
      field: 'automation.scheduleRetryAttempts',
      value: retries,
      fix: 'EventBridge Scheduler retries 0 to 185 times; use an integer in that range',
    });
  }
  const age = automation.scheduleMaxEventAge.toSeconds();
  if (age < 60 || age > 86_400) {
    problems.push({
      field: 'automation.scheduleMaxEventAge',
      value: automation.scheduleMaxEventAge.toHumanString(),
      fix: 'must be from 1 minute to 24 hours',
    });
  }
  const days = automation.crossRegionVerifyDays;
  if (!Number.isInteger(days) || days < 1 || days > 35) {
    problems.push({
      field: 'automation.crossRegionVerifyDays',
      value: days,
      fix: 'verify 1 to 35 days: copies are kept at most 35 days by the daily rule',
    });
  }
  for (const key of [
    'backupAgeSlack',
    'pointInTimeMaxLag',
    'maxAuroraRestore',
    'maxRedisRestore',
    'iacBackupRetention',
  ] as const) {
    if (automation[key].toSeconds() <= 0) {
      problems.push({ field: `automation.${key}`, value: automation[key].toHumanString(), fix: 'must be positive' });
    }
  }
}

/** Every problem of `config`; empty when it is valid. */
export function configProblems(config: DrConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkIdentity(config, problems);
  checkRegions(config, problems);
  checkNetwork(config, problems);
  checkObjectives(config, problems);
  checkSchedules(config, problems);
  checkContacts(config, problems);
  checkData(config, problems);
  checkCache(config, problems);
  checkTraffic(config, problems);
  checkAutomation(config, problems);
  return problems;
}

/** Throws {@link ConfigValidationError} listing every problem of `config`. */
export function validateConfig(config: DrConfig): DrConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
