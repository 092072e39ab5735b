// Types of the typed DR configuration that every stack and construct reads.
import type { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { EscalationContacts } from './contact-types';
import type { GameDaysConfig, PipelineConfig } from './operations-types';
import type { ProvidersConfig } from './provider-types';

export type * from './contact-types';
export type * from './operations-types';
export type * from './provider-types';

/** The deployment stages this app knows. `prod` is the default. */
export const STAGES = ['prod', 'staging'] as const;
export type Stage = (typeof STAGES)[number];

/** Role of a region in the warm-standby pair. */
export type RegionRole = 'primary' | 'secondary';

/** The plan's priority tiers, which are also the alert severities. */
export const SEVERITIES = ['critical', 'high', 'medium'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One region of the deployment. */
export interface RegionConfig {
  /** AWS region name, for example `us-east-1`. */
  readonly region: string;
  /** Whether this region serves traffic (`primary`) or stands by warm (`secondary`). */
  readonly role: RegionRole;
  /**
   * AZ names used by the VPC. Given explicitly so that synth never looks them up.
   * At least two, all in `region`.
   */
  readonly availabilityZones: readonly string[];
  /** IPv4 CIDR of the region's VPC. Must not overlap any other region's, so they can peer. */
  readonly cidr: string;
}

/** Interface endpoints the network tier can create, by the name used in config. */
export const INTERFACE_ENDPOINTS = [
  'ssm',
  'cloudwatch-monitoring',
  'cloudwatch-logs',
  'sts',
  'secrets-manager',
  'kms',
  'ecr-api',
  'ecr-dkr',
  'elasticache',
  'rds',
  'backup',
  'sns',
  'sqs',
  'events',
] as const;
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINTS)[number];

/** Network tier settings shared by the regions of one stage. */
export interface NetworkConfig {
  /**
   * NAT gateways per region. Prod runs one per AZ, so an AZ failure never cuts egress.
   * @default - one per AZ
   */
  readonly natGateways?: number;
  /** How long VPC flow logs are kept. */
  readonly flowLogRetention: RetentionDays;
  /** Interface endpoints to create in every region; empty switches them all off. */
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
}

/** One row of the plan's RTO/RPO table. */
export interface RecoveryObjective {
  /** Stable id of the component, used by tags and the readiness model. */
  readonly component: string;
  /** The component's name as the plan writes it. */
  readonly name: string;
  /** Recovery time objective: the longest tolerable outage. */
  readonly rto: Duration;
  /** Recovery point objective: the most data, in time, that may be lost. */
  readonly rpo: Duration;
  /** The plan's priority, which is also the severity of its alerts. */
  readonly priority: Severity;
}

/** A scheduled job from the plan's backup strategy, in UTC. */
export interface ScheduleConfig {
  /** Stable id, used for construct ids and names. */
  readonly id: string;
  /**
   * EventBridge cron expression, always evaluated in UTC, for example `cron(0 2 * * ? *)`.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
   */
  readonly cron: string;
  /** What the job does, in one line. */
  readonly purpose: string;
  /** The plan section or line the schedule comes from. */
  readonly planReference: string;
}

/**
 * Vault lock of the AWS Backup vaults. `governance` can be lifted by a privileged principal;
 * `compliance` becomes irreversible once `changeableFor` has passed.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export interface VaultLockConfig {
  readonly mode: 'none' | 'governance' | 'compliance';
  /** Shortest retention a recovery point in the vault may have. */
  readonly minRetention: Duration;
  /** Longest retention a recovery point in the vault may have. */
  readonly maxRetention: Duration;
  /**
   * Cooling-off period before a compliance lock becomes immutable; at least 3 days.
   * @default - none (governance mode)
   */
  readonly changeableFor?: Duration;
}

/** Aurora PostgreSQL Global Database and its backups (the Core API's data tier). */
export interface DataConfig {
  /** Instance class of every cluster instance, for example `r7g.large`. */
  readonly instanceType: string;
  /** Reader instances of the primary cluster, besides its writer. At least 1 in prod. */
  readonly primaryReaders: number;
  /**
   * Reader instances of the secondary cluster besides its first instance (which becomes the writer
   * on promotion). At least 1 in prod, so the promoted cluster still has a reader in another AZ; 0
   * only in staging.
   */
  readonly secondaryReaders: number;
  /** Automated backup retention of both clusters: 7 to 35 days. */
  readonly backupRetention: Duration;
  /** Daily automated backup window, `hh:mm-hh:mm` UTC; must end by the 02:00 AWS Backup run. */
  readonly preferredBackupWindow: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC. */
  readonly preferredMaintenanceWindow: string;
  /** Alarm on `AuroraGlobalDBRPOLag` above this; must be well under the Core API RPO. */
  readonly globalLagAlarmThreshold: Duration;
  /** How long AWS Backup keeps the `daily` rule's recovery points (and their copies). */
  readonly dailyBackupRetention: Duration;
  /** How long AWS Backup keeps the `weekly-full` rule's recovery points; at least 90 days. */
  readonly weeklyBackupRetention: Duration;
  /** Lock of the AWS Backup vault in each region. */
  readonly vaultLock: VaultLockConfig;
  /** How often Secrets Manager rotates the master password. */
  readonly secretRotation: Duration;
  /** Retention of the exported PostgreSQL log. */
  readonly logRetention: RetentionDays;
  /**
   * The database that holds the application's tables: the Aurora sentinel counts its tables' rows
   * before each backup and the restore test reads them back from the restored copy (Data API
   * `database`). The clusters are created without a database name, so `postgres` is the only one
   * until the application creates its own; name that one here.
   */
  readonly applicationDatabase: string;
}

/**
 * Warm capacity of the orchestrator in one region role: the replicas that serve (or stand ready to
 * serve) traffic before any scaling happens.
 */
export interface WarmCapacityConfig {
  /**
   * Replicas the HorizontalPodAutoscaler never goes below. Never zero: a secondary at zero would
   * have to schedule pods and provision nodes after the failover, inside the RTO.
   */
  readonly minReplicas: number;
  /** Replicas the HorizontalPodAutoscaler may scale to; the secondary needs the primary's peak. */
  readonly maxReplicas: number;
}

/**
 * Route 53 health checks of the regional endpoints.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
export interface HealthCheckConfig {
  /** Seconds between two checks of one checker: Route 53 accepts only 10 (fast) or 30. */
  readonly interval: Duration;
  /** Consecutive failures before Route 53 marks the endpoint unhealthy: 1 to 10. */
  readonly failureThreshold: number;
}

/** The Route 53 public hosted zone of the service, imported by id and name so synth never looks it up. */
export interface HostedZoneConfig {
  /** Id of the hosted zone, for example `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /** Name of the zone, for example `async-toolformer.example.com`; records are made below it. */
  readonly zoneName: string;
}

/** The orchestrator workload, its regional endpoints, DNS failover and the documentation site. */
export interface TrafficConfig {
  readonly hostedZone: HostedZoneConfig;
  /**
   * Container image of the orchestrator, with a tag or digest (never `latest`): both regions must
   * run the same build.
   */
  readonly image: string;
  /** Port the orchestrator listens on inside the pod; `/health` is served there. */
  readonly containerPort: number;
  /** Warm capacity per region role. The secondary is smaller, never zero. */
  readonly warmCapacity: Readonly<Record<RegionRole, WarmCapacityConfig>>;
  readonly healthCheck: HealthCheckConfig;
  /**
   * CIDRs that may reach the public Kubernetes API endpoint. Empty makes the endpoint private:
   * only the VPC (and the kubectl provider inside it) reaches it.
   */
  readonly apiPublicAccessCidrs: readonly string[];
  /** IAM role names in this account that get cluster-admin access entries (the on-call engineers). */
  readonly clusterAdminRoleNames: readonly string[];
  /** How often the out-of-region canary probes the other region's endpoint. */
  readonly probeInterval: Duration;
  /** How long ALB access logs, canary artifacts and CloudFront logs are kept. */
  readonly logRetention: Duration;
}

/** The scheduled backup and validation automation. */
export interface AutomationConfig {
  /**
   * Retries of a schedule's target before the event goes to the schedule DLQ (EventBridge
   * Scheduler allows 0 to 185).
   */
  readonly scheduleRetryAttempts: number;
  /** How long Scheduler keeps retrying one event (1 minute to 24 hours). */
  readonly scheduleMaxEventAge: Duration;
  /** Slack on top of a schedule's interval before a backup counts as stale. */
  readonly backupAgeSlack: Duration;
  /** How far behind now the Aurora latest restorable time may be. */
  readonly pointInTimeMaxLag: Duration;
  /** Whether this stage runs the weekly restore tests (the plan runs them in staging). */
  readonly restoreTests: boolean;
  /** A restore test slower than this fails: restoring is the fallback when replication is lost. */
  readonly maxAuroraRestore: Duration;
  readonly maxRedisRestore: Duration;
  /** Days the monthly cross-region verification checks, one by one (1 to 35). */
  readonly crossRegionVerifyDays: number;
  /** How long noncurrent versions of IaC backups are kept. */
  readonly iacBackupRetention: Duration;
  /**
   * Whether the secondary region activates itself when its canary sees the primary's endpoint stop
   * serving: it promotes its Aurora cluster (an unplanned failover, accepting the replication lag as
   * lost) and its cache member, without waiting for a human. Off, the same state machine runs only
   * when `scripts/disaster-recovery/failover-region.sh` starts it.
   */
  readonly autoFailover: boolean;
  /**
   * Anti-flap cooldown: an activation started by the alarm (not by an operator) is refused this
   * long after the last activation of the region, so a flapping primary cannot bounce the writer.
   * The state machine reads the last activation from its lock table.
   */
  readonly failoverCooldown: Duration;
}

/** The whole configuration of one stage. */
export interface DrConfig {
  /** Service name as the plan writes it. */
  readonly serviceName: string;
  /** Short prefix of stack names, for example `AsyncToolformer`. */
  readonly stackPrefix: string;
  readonly stage: Stage;
  /** 12-digit AWS account id. */
  readonly account: string;
  /** Exactly one primary and one secondary region. */
  readonly regions: readonly RegionConfig[];
  readonly network: NetworkConfig;
  /** The plan's RTO/RPO table. */
  readonly objectives: readonly RecoveryObjective[];
  /** The plan's backup and validation schedules. */
  readonly schedules: readonly ScheduleConfig[];
  readonly contacts: EscalationContacts;
  /** The Core API data tier. */
  readonly data: DataConfig;
  /** The cache tier (rate limiting). */
  readonly cache: CacheConfig;
  /** Compute, regional endpoints, DNS failover and the documentation site. */
  readonly traffic: TrafficConfig;
  /** Scheduled backup and validation automation. */
  readonly automation: AutomationConfig;
  /** S3 Object Lock of the backup buckets. */
  readonly objectLock: ObjectLockConfig;
  /** The plan's monthly DR tests (Testing and Validation), as scheduled game days. */
  readonly gameDays: GameDaysConfig;
  /** The third-party API providers: their AppConfig profile, probes and fallbacks (the plan's scenario 4). */
  readonly providers: ProvidersConfig;
  /** The GitHub repository and deploy roles: the deploy freeze's guard and the repository mirrors. */
  readonly pipeline: PipelineConfig;
  /**
   * Whether stacks of this stage refuse `cdk destroy` and CloudFormation deletes.
   * On in prod for every stack: losing the network or alerting of prod is a disaster too.
   */
  readonly terminationProtection: boolean;
}

/**
 * Alarm thresholds of the cache tier. Thresholds are data, so a stage can tighten them without a
 * code change; `validateConfig` keeps them inside what the plan's objectives allow.
 */
export interface CacheAlarmThresholds {
  /**
   * `GlobalDatastoreReplicationLag` above this pages critical. Must be well under the rate-limiting
   * RPO: the alarm has to fire while there is still time to act before the objective is missed.
   */
  readonly globalReplicationLag: Duration;
  /** `ReplicationLag` of a replica within the region above this pages critical. */
  readonly replicationLag: Duration;
  /** `EngineCPUUtilization` of any node above this percentage raises a high alert. */
  readonly engineCpuPercent: number;
  /** `DatabaseMemoryUsagePercentage` of any node above this percentage raises a high alert. */
  readonly memoryPercent: number;
  /**
   * S3 `ReplicationLatency` of the backup bucket above this raises a high alert. Replication Time
   * Control promises 15 minutes, so this sits just under that bound.
   */
  readonly s3ReplicationLatency: Duration;
}

/** Lifecycle of the S3 buckets that hold exported Redis/Valkey backups (.rdb files). */
export interface CacheBackupBucketConfig {
  /** Age after which a backup moves to S3 Standard-IA (at least 30 days, S3's minimum for it). */
  readonly transitionAfter: Duration;
  /** Age after which a backup expires. Longer than `transitionAfter`. */
  readonly retention: Duration;
  /** How long an overwritten or deleted backup version is kept before S3 removes it. */
  readonly noncurrentVersionExpiry: Duration;
}

/** Cache tier (ElastiCache for Valkey, rate limiting) settings of one stage. */
export interface CacheConfig {
  /**
   * Valkey engine version, for example `8.0`.
   * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html
   */
  readonly engineVersion: string;
  /** Parameter group family matching `engineVersion`, for example `valkey8`. */
  readonly parameterGroupFamily: string;
  /** Node type, for example `cache.r7g.large`. A Global Datastore does not take T-family nodes. */
  readonly nodeType: string;
  /** Replicas per shard, 1 to 5. At least one, so Multi-AZ has a node to fail over to. */
  readonly replicasPerNodeGroup: number;
  /** TCP port of the cluster. Not 6379, so scanners probing the default port find nothing. */
  readonly port: number;
  /**
   * Whether the two regions form an ElastiCache Global Datastore (lag under 1 s). Prod must; staging
   * may go without, and its RPO is then the backup interval.
   */
  readonly globalDatastore: boolean;
  /** How long automatic snapshots are kept: whole days, 1 to 35; prod keeps at least 7. */
  readonly snapshotRetention: Duration;
  /**
   * Daily automatic snapshot window, `HH:MM-HH:MM` in UTC, at least 60 minutes long. It must end by
   * 02:00 so the plan's 02:00 daily backup exports a fresh snapshot.
   */
  readonly snapshotWindow: string;
  /** Weekly maintenance window, `ddd:HH:MM-ddd:HH:MM` in UTC. */
  readonly maintenanceWindow: string;
  /**
   * How often Secrets Manager rotates the AUTH token (lambda/cache-auth-rotation), 1 to 365 days.
   * Clients must read the secret again within one period: the rotation after next refuses a token.
   */
  readonly authTokenRotation: Duration;
  readonly alarms: CacheAlarmThresholds;
  readonly backupBucket: CacheBackupBucketConfig;
}

/**
 * S3 Object Lock of the backup buckets: no version of a backup can be deleted before its retention
 * ends. `governance` can be lifted by a principal allowed
 * `s3:BypassGovernanceRetention`; `compliance` by nobody, not even the account root, and its
 * retention cannot be shortened. Object Lock itself, once enabled on a bucket, can never be disabled.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export interface ObjectLockConfig {
  /** Retention mode of every backup bucket; prod must use `compliance`. */
  readonly mode: 'governance' | 'compliance';
  /**
   * How long each exported cache backup (.rdb) version stays locked: whole days, 1 to 365, at most
   * `cache.backupBucket.retention`.
   */
  readonly cacheBackupRetention: Duration;
  /**
   * How long each IaC backup version stays locked: whole days, 1 to 365, at most
   * `automation.iacBackupRetention`.
   */
  readonly iacBackupRetention: Duration;
}
