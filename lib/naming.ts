// Stack names and tags: stage and region appear in names, never inside construct ids.
import type { DrConfig, RegionConfig } from './config';

/** Compass words of region names and their letters in AWS's short region codes. */
const COMPASS: Readonly<Record<string, string>> = {
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** Short region code used in stack names: us-east-1 -> use1, ap-southeast-1 -> apse1. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).map((part) => COMPASS[part] ?? part.charAt(0));
  return [first, ...middle, last].join('');
}

/** Stack name, for example `AsyncToolformer-prod-use1-Network`. */
export function stackName(config: DrConfig, region: RegionConfig, purpose: string): string {
  return `${config.stackPrefix}-${config.stage}-${regionCode(region.region)}-${purpose}`;
}

/** Tag keys applied to every resource. */
export const TAG_KEYS = {
  service: 'service',
  stage: 'stage',
  regionRole: 'region-role',
  priority: 'dr-priority',
} as const;

/**
 * Fixed name of an SSM parameter that hands a value to another stack, region, Lambda or runbook,
 * for example `/async-toolformer/prod/data/global-cluster-id`. Fixed names need no cross-stack
 * export, so a stack can be updated without unpicking references first.
 */
export function parameterName(config: DrConfig, ...path: string[]): string {
  return ['', 'async-toolformer', config.stage, ...path].join('/');
}

/** Alias (without `alias/`) of a data-tier key; the same in both regions, so either can name the other's. */
export function dataKeyAlias(config: DrConfig, purpose: 'database' | 'secrets' | 'backup'): string {
  return `async-toolformer/${config.stage}/${purpose}`;
}

/** Fixed name of the AWS Backup vault of a region, so the other region can copy into it. */
export function vaultName(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-${regionCode(region.region)}`;
}

/** Fixed identifier of the Aurora cluster of a region; the plan's runbooks name clusters this way. */
export function clusterIdentifier(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-${regionCode(region.region)}`;
}

/** Fixed identifier of the Aurora global cluster of a stage. */
export function globalClusterIdentifier(config: DrConfig): string {
  return `async-toolformer-${config.stage}-global`;
}

/** Fixed name of the Aurora master secret, the same in the primary and its replica. */
export function masterSecretName(config: DrConfig): string {
  return `async-toolformer/${config.stage}/aurora/master`;
}

/** Name of the EKS cluster of a region; the runbooks' `aws eks update-kubeconfig --name` uses it. */
export function eksClusterName(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-${regionCode(region.region)}`;
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
  return `async-toolformer-${config.stage}-docs-${config.account}-${regionCode(region.region)}`;
}

/** Bucket that receives the other region's daily IaC backups, so each region's copy outlives it. */
export function iacBackupBucketName(config: DrConfig, region: RegionConfig): string {
  return `async-toolformer-${config.stage}-iac-backups-${config.account}-${regionCode(region.region)}`;
}

/**
 * Parameter naming the state machine that activates a region; the same name in each region, so
 * `failover-region.sh` reads it in the region it activates.
 */
export function regionFailoverParameterName(config: DrConfig): string {
  return parameterName(config, 'failover', 'state-machine-arn');
}

/** SSM parameters whose versions log the automation's runs, by job. */
export function automationParameterNames(config: DrConfig) {
  return {
    integrityReport: parameterName(config, 'backups', 'integrity', 'latest'),
    redisBackup: parameterName(config, 'backups', 'redis', 'latest'),
    /** Names the newest full Aurora backup: what the plan's `async-toolformer-<stage>-latest` means. */
    auroraLatest: parameterName(config, 'backups', 'aurora', 'latest'),
    iacBackup: parameterName(config, 'backups', 'iac', 'latest'),
    crossRegionReport: parameterName(config, 'backups', 'cross-region', 'latest'),
  } as const;
}
