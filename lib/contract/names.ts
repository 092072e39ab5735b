// The service prefix of every fixed name, and the SSM parameters that hand values between stacks, functions and scripts.

/**
 * Prefix of every fixed resource name and SSM path. Only lib/naming.ts (for resources) and this
 * module (for parameters) spell it; stacks and constructs ask them for names.
 */
export const RESOURCE_PREFIX = 'async-toolformer';

/**
 * Fixed name of an SSM parameter, for example `/async-toolformer/prod/data/global-cluster-id`.
 * Fixed names need no cross-stack export, and functions and scripts can name them from the stage alone.
 */
export function parameterName(stage: string, ...path: string[]): string {
  return ['', RESOURCE_PREFIX, stage, ...path].join('/');
}

/** Every SSM parameter of a stage that more than one part of the project reads or writes, by what it holds. */
export function stageParameters(stage: string) {
  return {
    /** Root of the stage's parameters; the daily IaC backup exports everything under it. */
    root: parameterName(stage),
    /** ARN of the region's Aurora storage key (Protection stack). */
    databaseKeyArn: parameterName(stage, 'data', 'database-key-arn'),
    /** ARN of the region's backup-copy key (Protection stack). */
    backupKeyArn: parameterName(stage, 'data', 'backup-key-arn'),
    /** ARN of the state machine that activates a region; the same name in each region. */
    failoverStateMachineArn: parameterName(stage, 'failover', 'state-machine-arn'),
    /** ARNs of the operator's recovery jobs in a region (the same names in each), which the dr CLI starts. */
    cacheWarmUpStateMachineArn: parameterName(stage, 'recovery', 'cache-warm-up-state-machine-arn'),
    rolloutRestartStateMachineArn: parameterName(stage, 'recovery', 'rollout-restart-state-machine-arn'),
    /**
     * The region that holds the writer, as the last region failover run of this region wrote it
     * (one per region); the orchestrator's pods read it at run time, so an activation needs no redeploy.
     */
    activeRegion: parameterName(stage, 'failover', 'active-region'),
    /** ARNs of the region's restore state machines; the same names in each region (`dr restore`). */
    databaseRestoreStateMachineArn: parameterName(stage, 'restore', 'database-state-machine-arn'),
    cacheRestoreStateMachineArn: parameterName(stage, 'restore', 'cache-state-machine-arn'),
    /**
     * Where the orchestrator's pods write and cache, one per region, read at run time as the active
     * region is: {@link APPLICATION_ENDPOINT_DEFAULT} until a `dr restore ... --switch` writes a
     * restored cluster's or group's endpoint (`host:port`), so a switch needs no redeploy.
     */
    databaseEndpoint: parameterName(stage, 'app', 'database-endpoint'),
    cacheEndpoint: parameterName(stage, 'app', 'cache-endpoint'),
    /** `redis` or `in-memory`; the orchestrator reads it (one per region). */
    rateLimiterMode: parameterName(stage, 'rate-limiter', 'mode'),
    /** Id of the region's replication group. */
    replicationGroupId: parameterName(stage, 'cache', 'replication-group-id'),
    /** Full id of the Global Datastore, written in the primary region. */
    globalReplicationGroupId: parameterName(stage, 'cache', 'global-replication-group-id'),
    /** Name of the region's backup bucket, for the backup functions. */
    cacheBackupBucket: parameterName(stage, 'cache', 'backup-bucket'),
    /** JSON {@link RestoreSettings} of the region's group (scripts/redis/restore-from-backup.sh). */
    cacheRestoreSettings: parameterName(stage, 'cache', 'restore-settings'),
    /** The automation's run logs: each version of these parameters is one run's result. */
    integrityReport: parameterName(stage, 'backups', 'integrity', 'latest'),
    redisBackup: parameterName(stage, 'backups', 'redis', 'latest'),
    /** Names the newest full Aurora backup: what the plan's `async-toolformer-<stage>-latest` means. */
    auroraLatest: parameterName(stage, 'backups', 'aurora', 'latest'),
    iacBackup: parameterName(stage, 'backups', 'iac', 'latest'),
    crossRegionReport: parameterName(stage, 'backups', 'cross-region', 'latest'),
  } as const;
}

/** The SSM parameters of a stage, by key. */
export type StageParameters = ReturnType<typeof stageParameters>;
