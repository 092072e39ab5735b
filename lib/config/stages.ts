// Per-stage configuration: prod and staging differ in size, CIDRs and protection, never in shape.
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PLAN_OBJECTIVES, PLAN_SCHEDULES } from './plan';
import { WARM_UP_MANIFEST } from '../contract/recovery-jobs';
import { PROD_PROVIDERS, STAGING_PROVIDERS } from './provider-defaults';
import type {
  AutomationConfig,
  CacheConfig,
  DataConfig,
  DrConfig,
  EscalationContacts,
  InterfaceEndpointName,
  GameDaysConfig,
  ObjectLockConfig,
  PipelineConfig,
  RecoveryObjective,
  Stage,
  TrafficConfig,
} from './types';

/**
 * Account used when none is given, so that synth works offline. It is AWS's documentation example
 * and cannot be deployed to: set `-c account=...` or `CDK_DEFAULT_ACCOUNT` for a real deploy.
 */
export const PLACEHOLDER_ACCOUNT = '123456789012';

/** Endpoints for what the backup Lambdas and EKS nodes call, so that traffic to them stays off NAT. */
const DEFAULT_INTERFACE_ENDPOINTS: readonly InterfaceEndpointName[] = [
  'ssm',
  'cloudwatch-monitoring',
  'cloudwatch-logs',
  'sts',
  'secrets-manager',
];

/** No subscriptions by default: they hold personal contact data, so each deployment adds its own. */
const NO_CONTACTS: EscalationContacts = { critical: [], high: [], medium: [] };

/**
 * Prod must reach a person at every priority (validation refuses it otherwise): the plan's
 * Emergency Contacts, paged by text. The numbers are the plan's (+1-555-0123, -0124, -0125),
 * placeholders to replace with the real ones; the plan's emergency hotline (+1-555-0100) is
 * published for people to call, and paged by nothing (docs/alerting.md).
 */
const PROD_CONTACTS: EscalationContacts = {
  ...NO_CONTACTS,
  escalation: {
    onCall: { sms: '+15550123' },
    engineeringManager: { sms: '+15550124' },
    executive: { sms: '+15550125' },
  },
};

type StageDefaults = Omit<DrConfig, 'account'>;

/** Data tier settings both stages share; each stage overrides size and protection. */
const DATA_COMMON = {
  instanceType: 'r7g.large',
  // Ends at 01:00, before the Sunday 01:00 full backup and the daily 02:00 backup.
  preferredBackupWindow: '00:00-01:00',
  preferredMaintenanceWindow: 'tue:03:00-tue:03:30',
  // A fifth of the Core API's 5-minute RPO: the alarm fires long before the objective is at risk.
  globalLagAlarmThreshold: Duration.minutes(1),
  dailyBackupRetention: Duration.days(35),
  weeklyBackupRetention: Duration.days(90),
  secretRotation: Duration.days(30),
  // The clusters create no database of their own; set the one the orchestrator's tables are in.
  applicationDatabase: 'postgres',
} as const;

const PROD_DATA: DataConfig = {
  ...DATA_COMMON,
  primaryReaders: 1,
  secondaryReaders: 1,
  backupRetention: Duration.days(35),
  logRetention: RetentionDays.ONE_YEAR,
  // Compliance: no principal, the account root included, can lift it or delete a recovery point
  // early. For the 3-day cooling-off after the first deploy the lock can still be changed or
  // removed; after it, never. See docs/data-tier.md.
  vaultLock: {
    mode: 'compliance',
    minRetention: Duration.days(7),
    maxRetention: Duration.days(365),
    changeableFor: Duration.days(3),
  },
};

const STAGING_DATA: DataConfig = {
  ...DATA_COMMON,
  primaryReaders: 0,
  // The secondary keeps its one instance and no extra reader: staging tests restores, not read scaling.
  secondaryReaders: 0,
  backupRetention: Duration.days(7),
  logRetention: RetentionDays.ONE_MONTH,
  // Governance: it rehearses the lock that prod holds in compliance mode, and can still be lifted
  // (backup:DeleteBackupVaultLockConfiguration) when a test leaves recovery points behind.
  vaultLock: { mode: 'governance', minRetention: Duration.days(1), maxRetention: Duration.days(365) },
};

/** The plan's rate-limiting RPO (1 minute); the cache alarm thresholds are derived from it. */
const RATE_LIMITING_RPO = PLAN_OBJECTIVES.find((objective) => objective.component === 'rate-limiting')!.rpo;

/**
 * Cache settings shared by the stages. The Global Datastore lag alarm fires at a quarter of the RPO
 * (15 s of a 1 minute RPO): lag is normally under 1 s, and a quarter leaves three quarters of the
 * objective to fail over in.
 */
const CACHE_COMMON = {
  engineVersion: '8.0',
  parameterGroupFamily: 'valkey8',
  port: 6380,
  // 00:30-01:30 UTC: the snapshot is done before the plan's 02:00 daily backup exports it.
  snapshotWindow: '00:30-01:30',
  maintenanceWindow: 'sun:05:00-sun:06:00',
  // As the Aurora master secret: each rotation drops the token before the current one, so a token
  // outlives its replacement by one period, long enough for every client to have read the new one.
  authTokenRotation: Duration.days(30),
  alarms: {
    globalReplicationLag: Duration.seconds(RATE_LIMITING_RPO.toSeconds() / 4),
    replicationLag: Duration.seconds(RATE_LIMITING_RPO.toSeconds() / 4),
    engineCpuPercent: 80,
    memoryPercent: 80,
    // Replication Time Control's bound is 15 minutes; alert at 12, while there is still slack.
    s3ReplicationLatency: Duration.minutes(12),
  },
} as const;

const PROD_CACHE: CacheConfig = {
  ...CACHE_COMMON,
  nodeType: 'cache.r7g.large',
  replicasPerNodeGroup: 2,
  globalDatastore: true,
  snapshotRetention: Duration.days(35),
  backupBucket: {
    transitionAfter: Duration.days(30),
    retention: Duration.days(365),
    noncurrentVersionExpiry: Duration.days(30),
  },
};

/** Staging runs without the Global Datastore: its rate-limiting RPO is then the daily backup interval. */
const STAGING_CACHE: CacheConfig = {
  ...CACHE_COMMON,
  nodeType: 'cache.t4g.medium',
  replicasPerNodeGroup: 1,
  globalDatastore: false,
  // 15 days, not the 7 prod needs at least: NIST 800-53 asks 15 and the snapshots cost little.
  snapshotRetention: Duration.days(15),
  backupBucket: {
    transitionAfter: Duration.days(30),
    retention: Duration.days(90),
    noncurrentVersionExpiry: Duration.days(7),
  },
};

/** Traffic settings both stages share; each stage sets its zone and sizes. */
const TRAFFIC_COMMON = {
  // A pinned build: both regions must run the same one. Replace with the release being deployed.
  image: 'public.ecr.aws/async-toolformer/orchestrator:1.0.0',
  containerPort: 8080,
  // Private API endpoint: kubectl reaches it from the VPC, engineers through the VPN.
  apiPublicAccessCidrs: [],
  clusterAdminRoleNames: ['async-toolformer-platform-admin'],
} as const;

const PROD_TRAFFIC: TrafficConfig = {
  ...TRAFFIC_COMMON,
  hostedZone: { hostedZoneId: 'Z0PLACEHOLDERPROD00001', zoneName: 'async-toolformer.example.com' },
  // The secondary keeps half the primary's floor warm: enough to absorb traffic while the HPA and
  // Auto Mode add pods and nodes (about 2 minutes), within the Core API's 15-minute RTO.
  warmCapacity: { primary: { minReplicas: 6, maxReplicas: 30 }, secondary: { minReplicas: 3, maxReplicas: 30 } },
  // Fast checks: 10 s x 3 detects a dead region in 30 s, a small part of the 15-minute RTO.
  healthCheck: { interval: Duration.seconds(10), failureThreshold: 3 },
  probeInterval: Duration.minutes(1),
  logRetention: Duration.days(365),
};

const STAGING_TRAFFIC: TrafficConfig = {
  ...TRAFFIC_COMMON,
  hostedZone: { hostedZoneId: 'Z0PLACEHOLDERSTAGING01', zoneName: 'staging.async-toolformer.example.com' },
  warmCapacity: { primary: { minReplicas: 2, maxReplicas: 6 }, secondary: { minReplicas: 1, maxReplicas: 6 } },
  // Standard checks cost less; staging tests the mechanism, not the seconds.
  healthCheck: { interval: Duration.seconds(30), failureThreshold: 3 },
  probeInterval: Duration.minutes(5),
  logRetention: Duration.days(30),
};
const AUTOMATION_COMMON = {
  scheduleRetryAttempts: 3,
  scheduleMaxEventAge: Duration.hours(1),
  // A daily job may start late and take a while: two hours past its interval before it counts as stale.
  backupAgeSlack: Duration.hours(2),
  pointInTimeMaxLag: Duration.minutes(15),
  maxAuroraRestore: Duration.hours(1),
  maxRedisRestore: Duration.minutes(30),
  crossRegionVerifyDays: 7,
  iacBackupRetention: Duration.days(90),
  // The plan's Disaster Scenario 1 fails over automatically; the canary alarm waits for two failed
  // runs in a row, so one lost probe does not move the writer.
  autoFailover: true,
  // Longer than an activation takes end to end (the state machine's own timeout is 25 minutes),
  // so a flapping primary cannot start a second unplanned failover on the heels of the first.
  failoverCooldown: Duration.minutes(30),
} as const;

/** Prod backs up and verifies; the plan's weekly full restore test runs in staging. */
const PROD_AUTOMATION: AutomationConfig = { ...AUTOMATION_COMMON, restoreTests: false };

/**
 * The plan's monthly DR tests at 15:00 UTC (10:00 in New York), in working hours on both coasts. Staging
 * runs them; prod does not until someone enables it, and then each run waits for a human's approval.
 */
const GAME_DAYS_COMMON = {
  hour: 15,
  minute: 0,
  approvalTimeout: Duration.hours(4),
  acknowledgeWithin: Duration.minutes(15),
  resultGrace: Duration.hours(12),
  testContacts: [{ protocol: 'email', endpoint: 'dr-game-day@example.com' }],
  // The operator's default manifest: the game day warms up what dr warm-cache would after a failover.
  warmUpManifest: WARM_UP_MANIFEST.defaultKey,
} as const satisfies Omit<GameDaysConfig, 'enabled'>;
const STAGING_AUTOMATION: AutomationConfig = { ...AUTOMATION_COMMON, restoreTests: true };

/**
 * Prod locks in compliance mode, which nobody can lift. Cache exports stay locked 35 days, the window
 * every tier's daily backups are kept; IaC backups 90 days, their whole life as old versions
 * (`iacBackupRetention`). Staging locks in governance mode for a week: it tests the mechanism, and a
 * governance lock can be lifted when a test leaves junk behind.
 */
const PROD_OBJECT_LOCK: ObjectLockConfig = {
  mode: 'compliance',
  cacheBackupRetention: Duration.days(35),
  iacBackupRetention: Duration.days(90),
};
const STAGING_OBJECT_LOCK: ObjectLockConfig = {
  mode: 'governance',
  cacheBackupRetention: Duration.days(7),
  iacBackupRetention: Duration.days(7),
};

/**
 * The repository and its deploy role. Placeholders like the account: the repository is the one this
 * project's workflows run in, and the role the one `AWS_DEPLOY_ROLE_ARN` names (docs/deploying.md);
 * a deploy fails while the role does not exist, since the freeze guard cannot be attached to it.
 * Bundles stay locked 90 days in prod (a compromise can go unnoticed that long) and a week in staging.
 */
function pipeline(stage: Stage, mirrorDays: number): PipelineConfig {
  return {
    githubRepository: 'async-toolformer/async-toolformer-dr',
    deployRoleNames: [`github-deploy-${stage}`],
    mirrorRetention: Duration.days(mirrorDays),
  };
}

/** The plan's objective of `component`, with the given figures replaced. */
function planObjective(component: string, changes: Partial<Pick<RecoveryObjective, 'rto' | 'rpo'>>): RecoveryObjective {
  const objective = PLAN_OBJECTIVES.find((candidate) => candidate.component === component)!;
  return { ...objective, ...changes };
}

/**
 * Staging's own objectives. The plan's table is production's promise; staging exists to test
 * restores cheaply, so it runs no Global Datastore (rate limiting recovers from the daily export),
 * probes every 5 minutes and keeps a smaller warm secondary. The recovery model holds staging to these
 * figures exactly as it holds prod to the plan's, and the readiness report prints both.
 */
const STAGING_OBJECTIVES: readonly RecoveryObjective[] = [
  // Detection by a 5-minute canary is the largest term: 10 of 30 minutes.
  planObjective('core-api', { rto: Duration.minutes(30) }),
  // Counters come back from the newest daily export: its interval, plus replication, plus one missed run.
  planObjective('rate-limiting', { rto: Duration.hours(2), rpo: Duration.days(3) }),
  planObjective('monitoring', {}),
  planObjective('docs-site', {}),
];

const COMMON = {
  serviceName: 'async-toolformer-orchestrator',
  stackPrefix: 'AsyncToolformer',
  schedules: PLAN_SCHEDULES,
  contacts: NO_CONTACTS,
} as const;

/** Defaults of every stage, before the account is filled in. */
export const STAGE_DEFAULTS: Readonly<Record<Stage, StageDefaults>> = {
  prod: {
    ...COMMON,
    stage: 'prod',
    objectives: PLAN_OBJECTIVES,
    contacts: PROD_CONTACTS,
    regions: [
      {
        region: 'us-east-1',
        role: 'primary',
        availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        cidr: '10.10.0.0/16',
      },
      {
        region: 'us-west-2',
        role: 'secondary',
        availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
        cidr: '10.20.0.0/16',
      },
    ],
    network: {
      // One NAT gateway per AZ: an AZ failure must not take egress away from the other AZs.
      natGateways: undefined,
      flowLogRetention: RetentionDays.ONE_YEAR,
      interfaceEndpoints: DEFAULT_INTERFACE_ENDPOINTS,
    },
    data: PROD_DATA,
    cache: PROD_CACHE,
    traffic: PROD_TRAFFIC,
    automation: PROD_AUTOMATION,
    objectLock: PROD_OBJECT_LOCK,
    gameDays: { ...GAME_DAYS_COMMON, enabled: false },
    providers: PROD_PROVIDERS,
    pipeline: pipeline('prod', 90),
    terminationProtection: true,
  },
  staging: {
    ...COMMON,
    stage: 'staging',
    objectives: STAGING_OBJECTIVES,
    // Ranges distinct from prod too, so a restore test in staging can peer with prod if ever needed.
    regions: [
      { region: 'us-east-1', role: 'primary', availabilityZones: ['us-east-1a', 'us-east-1b'], cidr: '10.30.0.0/16' },
      { region: 'us-west-2', role: 'secondary', availabilityZones: ['us-west-2a', 'us-west-2b'], cidr: '10.40.0.0/16' },
    ],
    network: {
      natGateways: 1,
      flowLogRetention: RetentionDays.ONE_MONTH,
      interfaceEndpoints: DEFAULT_INTERFACE_ENDPOINTS,
    },
    data: STAGING_DATA,
    cache: STAGING_CACHE,
    traffic: STAGING_TRAFFIC,
    automation: STAGING_AUTOMATION,
    objectLock: STAGING_OBJECT_LOCK,
    gameDays: { ...GAME_DAYS_COMMON, enabled: true },
    providers: STAGING_PROVIDERS,
    pipeline: pipeline('staging', 7),
    terminationProtection: false,
  },
};
