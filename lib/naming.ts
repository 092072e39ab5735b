// Every fixed name of the app, built from config: stacks, resources, state machines, schedules, parameters and tags.
import { RESOURCE_PREFIX, parameterName as stageParameterName, stageParameters } from './contract';
import type { DrConfig, RegionConfig } from './config';

/** Compass words of region names and their letters in AWS's short region codes. */
const COMPASS: Readonly<Record<string, string>> = {
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** Short region code used in names: us-east-1 -> use1, ap-southeast-1 -> apse1. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).map((part) => COMPASS[part] ?? part.charAt(0));
  return [first, ...middle, last].join('');
}

/** Stack name, for example `AsyncToolformer-prod-use1-Network`. */
export function stackName(config: DrConfig, region: RegionConfig, purpose: string): string {
  return `${stackNamePrefix(config)}${regionCode(region.region)}-${purpose}`;
}

/** What every stack name of a stage starts with, for example `AsyncToolformer-prod-`. */
export function stackNamePrefix(config: DrConfig): string {
  return `${config.stackPrefix}-${config.stage}-`;
}

/** Tag keys applied to every resource. */
export const TAG_KEYS = {
  service: 'service',
  stage: 'stage',
  regionRole: 'region-role',
  priority: 'dr-priority',
} as const;

// --- names shared by the stage and by a region ----------------------------------------------------

/** `async-toolformer-<stage>`: the stage-wide name of a resource that exists once per stage. */
function stageName(config: DrConfig, ...suffix: string[]): string {
  return [RESOURCE_PREFIX, config.stage, ...suffix].join('-');
}

/** `async-toolformer-<stage>-<region code>`: the name of a region's own instance of a resource. */
function regionalName(config: DrConfig, region: RegionConfig | string, ...suffix: string[]): string {
  return stageName(config, regionCode(typeof region === 'string' ? region : region.region), ...suffix);
}

/** `async-toolformer-<stage>-<purpose>-<account>-<region code>`: S3 names are global, so they carry the account. */
function bucketName(config: DrConfig, region: RegionConfig, purpose: string): string {
  return stageName(config, purpose, config.account, regionCode(region.region));
}

/** `async-toolformer/<stage>/<path>`: names with slashes (secrets, key aliases). */
function pathName(config: DrConfig, ...path: string[]): string {
  return [RESOURCE_PREFIX, config.stage, ...path].join('/');
}

// --- SSM parameters --------------------------------------------------------------------------------

/**
 * Fixed name of an SSM parameter that hands a value to another stack, region, Lambda or runbook,
 * for example `/async-toolformer/prod/data/global-cluster-id`. Fixed names need no cross-stack
 * export, so a stack can be updated without unpicking references first.
 */
export function parameterName(config: DrConfig, ...path: string[]): string {
  return stageParameterName(config.stage, ...path);
}

/** The parameters that functions and scripts read too (lib/contract), by what they hold. */
export function parameters(config: DrConfig) {
  return stageParameters(config.stage);
}

// --- data tier --------------------------------------------------------------------------------------

/** Alias (without `alias/`) of a data-tier key; the same in both regions, so either can name the other's. */
export function dataKeyAlias(config: DrConfig, purpose: 'database' | 'secrets' | 'backup'): string {
  return pathName(config, purpose);
}

/** Fixed name of the AWS Backup vault of a region, so the other region can copy into it. */
export function vaultName(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region);
}

/** Name of a region's AWS Backup plan of Aurora. */
export function auroraBackupPlanName(config: DrConfig, region: RegionConfig): string {
  return stageName(config, 'aurora', region.role);
}

/** Tag that selects the Aurora cluster for its backup plan. */
export function auroraBackupSelectionTag(config: DrConfig): { readonly key: string; readonly value: string } {
  return { key: 'dr-backup-selection', value: stageName(config, 'aurora') };
}

/** Name of the weekly AWS Backup restore testing plan (letters, digits and underscores only). */
export function restoreTestingPlanName(config: DrConfig): string {
  return stageName(config, 'weekly').replace(/-/g, '_');
}

/** Fixed identifier of the Aurora cluster of a region; the plan's runbooks name clusters this way. */
export function clusterIdentifier(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region);
}

/** Fixed identifier of the Aurora global cluster of a stage. */
export function globalClusterIdentifier(config: DrConfig): string {
  return stageName(config, 'global');
}

/** The plan's `async-toolformer-<stage>-latest`: the weekly full snapshot under a fixed name. */
export function latestSnapshotIdentifier(config: DrConfig): string {
  return stageName(config, 'latest');
}

/** Fixed name of the Aurora master secret, the same in the primary and its replica. */
export function masterSecretName(config: DrConfig): string {
  return pathName(config, 'aurora', 'master');
}

// --- cache tier ----------------------------------------------------------------------------------

/** Replication group of a region, for example `async-toolformer-prod-use1`. */
export function cacheReplicationGroupId(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region);
}

/**
 * What every cache export's key starts with, in either region's backup bucket: exports are named
 * `<replication group id>-…` ({@link cacheReplicationGroupId}), and a bucket holds its own group's
 * and, by replication, the other region's. The backup lifecycle expires only these keys.
 */
export function cacheExportKeyPrefix(config: DrConfig): string {
  return `${stageName(config)}-`;
}

/** Suffix of the Global Datastore id; ElastiCache prepends its own regional prefix. */
export function cacheGlobalDatastoreSuffix(config: DrConfig): string {
  return stageName(config);
}

/** Backup bucket of a region; account and region code keep it globally unique and under 63 characters. */
export function cacheBackupBucketName(config: DrConfig, region: RegionConfig): string {
  return bucketName(config, region, 'cache-backups');
}

/** Secret holding the AUTH token; created in the primary region and replicated to the secondary. */
export function cacheAuthTokenSecretName(config: DrConfig): string {
  return pathName(config, 'cache', 'auth-token');
}

/** Topic ElastiCache publishes the region's events to. */
export function cacheEventsTopicName(config: DrConfig): string {
  return stageName(config, 'cache-events');
}

/** Prefix of the temporary groups a restore test creates; IAM scopes the test to it. */
export const RESTORE_TEST_GROUP_PREFIX = 'atf-restore-test-';

// --- compute and traffic ----------------------------------------------------------------------------

/** Name of the EKS cluster of a region; the runbooks' `aws eks update-kubeconfig --name` uses it. */
export function eksClusterName(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region);
}

/** Prefix of the orchestrator's application secrets. */
export function orchestratorSecretPrefix(config: DrConfig): string {
  return `${pathName(config, 'orchestrator')}/`;
}

/** Name of a region's web ACL in front of the API. */
export function webAclName(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region, 'api');
}

/** The name clients call: `api.<zone>`, which Route 53 fails over between the regions. */
export function apiDomainName(config: DrConfig): string {
  return `api.${config.traffic.hostedZone.zoneName}`;
}

/**
 * A region's own endpoint name, `api-<use1|usw2>.<zone>`. Health checks, canaries and the failover
 * records reach each region through it, so no stack needs another region's load balancer name.
 */
export function regionalApiDomainName(config: DrConfig, region: RegionConfig): string {
  return `api-${regionCode(region.region)}.${config.traffic.hostedZone.zoneName}`;
}

/** The documentation site's name: `docs.<zone>`. */
export function docsDomainName(config: DrConfig): string {
  return `docs.${config.traffic.hostedZone.zoneName}`;
}

/** Fixed name of a region's documentation bucket, so the primary can replicate into the secondary's. */
export function docsBucketName(config: DrConfig, region: RegionConfig): string {
  return bucketName(config, region, 'docs');
}

/** The status page's name: `status.<zone>` (the plan's status.async-toolformer.com). */
export function statusDomainName(config: DrConfig): string {
  return `status.${config.traffic.hostedZone.zoneName}`;
}

/** Fixed name of a region's status page bucket, so the publisher of either region writes to both. */
export function statusBucketName(config: DrConfig, region: RegionConfig): string {
  return bucketName(config, region, 'status');
}

/** The topic of a region that sends the status page's notices to enterprise customers. */
export function customerNoticeTopicName(config: DrConfig): string {
  return stageName(config, 'customer-notices');
}

// --- alerting and automation --------------------------------------------------------------------

/** Prefix of the alert topics' names. */
export function alertTopicNamePrefix(config: DrConfig): string {
  return stageName(config);
}

/** Prefix of the names of a region's alarms about `what` (for example `cache`). */
export function alarmNamePrefix(config: DrConfig, region: RegionConfig, what: string): string {
  return regionalName(config, region, what);
}

/** Bucket that receives the other region's daily IaC backups, so each region's copy outlives it. */
export function iacBackupBucketName(config: DrConfig, region: RegionConfig): string {
  return bucketName(config, region, 'iac-backups');
}

/** A region's bucket of daily git bundles (the plan's "internal" repository mirror). */
export function repoMirrorBucketName(config: DrConfig, region: RegionConfig): string {
  return bucketName(config, region, 'repo-mirror');
}

/** The GitHub OIDC role of the repository mirror workflow; IAM names are global, so once per stage. */
export function repoMirrorRoleName(config: DrConfig): string {
  return stageName(config, 'repo-mirror');
}

/** The managed policy that holds a deploy freeze on the deploy roles; once per stage. */
export function deployFreezeGuardPolicyName(config: DrConfig): string {
  return stageName(config, 'deploy-freeze-guard');
}

/** The group of a region's DR schedules. */
export function scheduleGroupName(config: DrConfig, region: RegionConfig): string {
  return stageName(config, 'dr', regionCode(region.region));
}

/** A DR schedule, for example `async-toolformer-prod-daily-integrity-check`. */
export function scheduleName(config: DrConfig, id: string): string {
  return stageName(config, id);
}

/** A DR state machine of a region, for example `async-toolformer-prod-use1-region-failover`. */
export function stateMachineName(config: DrConfig, region: RegionConfig, job: string): string {
  return regionalName(config, region, job);
}

/** The DR dashboard of a region, for example `async-toolformer-prod-use1-dr`. */
export function dashboardName(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region, 'dr');
}

/** Name of the canary in `region` that probes `target`; canary names are limited to 21 characters. */
export function probeCanaryName(config: DrConfig, target: RegionConfig): string {
  const stage = config.stage === 'prod' ? 'prd' : 'stg';
  return `atf-${stage}-probe-${regionCode(target.region)}`;
}

/**
 * Fixed names of the failover decision's alarms in `region` (the secondary): its signals, their
 * composites and the DNS fence. Fixed, because the DNS stack in the other region names the fence
 * alarm (a Route 53 health check takes an alarm by name and region), and the state machine
 * re-reads the signals by name.
 */
export function failoverAlarmNames(config: DrConfig, region: RegionConfig) {
  const name = (what: string) => regionalName(config, region, 'failover', what);
  return {
    /** S1: the out-of-region canary's failover alarm on the other region's endpoint. */
    probe: name('s1-probe'),
    /** S2: Route 53 no longer answers `api.<zone>` with the primary. */
    route53View: name('s2-route53-view'),
    /** The `dns-view` function stopped reporting: S2 is blind. */
    route53ViewHeartbeat: name('s2-heartbeat'),
    /** Composite of the table's `act` rows: its ALARM starts the activation. */
    activate: name('activate'),
    /** Composite of the table's `page` rows: the signals disagree or one is blind. */
    disagreement: name('disagreement'),
    /** The DNS fence: in ALARM the primary record's calculated health check is unhealthy. */
    fence: name('dns-fence'),
  } as const;
}

/** The region failover's lock table of a region: one run at a time, and the last activation. */
export function failoverLockTableName(config: DrConfig, region: RegionConfig): string {
  return regionalName(config, region, 'failover-lock');
}

/** How notices and descriptions name the stage, for example `async-toolformer prod`. */
export function stageLabel(config: DrConfig): string {
  return `${RESOURCE_PREFIX} ${config.stage}`;
}

/** A stack's description: what it holds, with stage, region and role. */
export function stackDescription(config: DrConfig, region: RegionConfig, what: string, withRole = true): string {
  const where = withRole ? `${config.stage}, ${region.region}, ${region.role}` : `${config.stage}, ${region.region}`;
  return `${RESOURCE_PREFIX} DR ${what} (${where})`;
}

/** The Kubernetes namespace of the orchestrator: the plan's runbooks use `-n async-toolformer`. */
export const KUBERNETES_NAMESPACE = RESOURCE_PREFIX;

/** Label key of the orchestrator's node pool. */
export const NODE_POOL_LABEL = `${RESOURCE_PREFIX}/pool`;

/** The application's name in Kubernetes labels (`app.kubernetes.io/part-of`). */
export const APPLICATION_NAME = RESOURCE_PREFIX;

/** Description of a KMS key of the app, by what it encrypts. */
export function keyDescription(purpose: string): string {
  return `${RESOURCE_PREFIX} DR: ${purpose}`;
}
