// The metrics the DR functions and state machines emit, and the dimensions alarms filter on.

/** CloudWatch namespace of every metric of the DR automation (functions and state machines). */
export const METRICS_NAMESPACE = 'AsyncToolformer/DR';

/** Metric names: the plan's Key Metrics in snake_case, and the degraded-mode switch's own counters. */
export const METRIC = {
  /** Percent of a run's backup checks that passed (integrity check, cross-region verification). */
  backupSuccessRate: 'backup_success_rate',
  /**
   * 1 for a run of a job that follows the writer and found it in the other region (it did nothing),
   * 0 for a run that acted; one datapoint per run, so a day without any is a job that did not run.
   */
  backupJobSkipped: 'backup_job_skipped',
  /** 1 or 0 per check of a run, with the {@link DIMENSION.check} dimension. */
  backupCheckPassed: 'backup_check_passed',
  /** 1 when a restore test passed, 0 when it did not, with the {@link DIMENSION.component} dimension. */
  recoveryTestResults: 'recovery_test_results',
  /** How long a restore test's restore took. */
  restoreDurationSeconds: 'restore_duration_seconds',
  /** How long a region failover took, from its start to the last promotion; recorded only when it promoted something. */
  failoverTimeSeconds: 'failover_time_seconds',
  /**
   * 1 when Route 53's authoritative name servers answer `api.<zone>` with the primary region's
   * endpoint, 0 when they answer with another; one high-resolution datapoint per sample of the
   * `dns-view` function in the secondary region (signal S2 of the failover decision).
   */
  route53PrimaryAnswered: 'route53_primary_answered',
  /**
   * The DNS fence: 1 once the secondary is activated (the primary record reads unhealthy), 0 only
   * after a planned failback. Published by the region failover state machine of the secondary.
   */
  failoverFence: 'failover_fence',
  /**
   * 100 when a probe's HTTPS GET of the health path answered 200, 0 when it did not; one datapoint
   * per probe run (every minute in prod) with the {@link DIMENSION.endpoint} dimension: the public
   * name, probed by the canary of each region, or a region's own name, probed from the other region.
   */
  serviceAvailabilityPercentage: 'service_availability_percentage',
  /** Keys a cache warm-up step wrote (SET) or found already present (a manifest without `overwrite`), per step. */
  cacheWarmUpKeysLoaded: 'cache_warm_up_keys_loaded',
  /** 1 when a cache warm-up run loaded its whole manifest, 0 when a step failed; one datapoint per finished or failed run. */
  cacheWarmUpSucceeded: 'cache_warm_up_succeeded',
  /** 1 when a rollout restart of the orchestrator completed, 0 when it failed; one datapoint per finished or failed run. */
  rolloutRestartSucceeded: 'rollout_restart_succeeded',
  /** Seconds from the restart's patch to the completed rollout. */
  rolloutRestartSeconds: 'rollout_restart_seconds',
  /** Failed checklist items of a game day's run, 0 when all passed; one datapoint per run, with {@link DIMENSION.gameDay}. */
  gameDayChecksFailed: 'game_day_checks_failed',
  /** Seconds a game day's step took, with {@link DIMENSION.gameDay} and {@link DIMENSION.step}. */
  gameDayStepSeconds: 'game_day_step_seconds',
  /** 1 when the newest scheduled run of a game day wrote no result, 0 when it did; one datapoint a day per game day. */
  gameDayResultOverdue: 'game_day_result_overdue',
  /** Rate-limiter mode switches (1 per switch, 0 per event that changed nothing). */
  modeSwitches: 'ModeSwitches',
  /** ElastiCache events the switch did not recognise. */
  unknownEvents: 'UnknownEvents',
  /** Runs of the switch that failed. */
  switchFailures: 'SwitchFailures',
} as const;

/**
 * Dimension names. Powertools adds `service` (the function's service name, {@link FUNCTIONS}) and
 * the default dimensions `stage` and `region` to every metric of a function.
 */
export const DIMENSION = {
  service: 'service',
  stage: 'stage',
  region: 'region',
  /** What a restore test restored: a value of {@link RESTORE_TEST_COMPONENTS}. */
  component: 'component',
  /** Which check of a run a `backup_check_passed` datapoint is about. */
  check: 'check',
  /**
   * What a `service_availability_percentage` datapoint is about: {@link AVAILABILITY_PUBLIC_ENDPOINT}
   * for `api.<zone>`, or the region (`us-east-1`) of a regional name such as `api-use1.<zone>`.
   */
  endpoint: 'endpoint',
  /** Which game day (lib/contract/game-days.ts `GAME_DAYS`) a datapoint is about. */
  gameDay: 'game_day',
  /** Which step of a game day a `game_day_step_seconds` datapoint timed. */
  step: 'step',
} as const;

/** The {@link DIMENSION.endpoint} value of the public name, `api.<zone>`. */
export const AVAILABILITY_PUBLIC_ENDPOINT = 'public';

/** Values of the {@link DIMENSION.component} dimension. */
export const RESTORE_TEST_COMPONENTS = { aurora: 'aurora', redis: 'redis' } as const;

/** A value of the {@link DIMENSION.component} dimension. */
export type RestoreTestComponent = (typeof RESTORE_TEST_COMPONENTS)[keyof typeof RESTORE_TEST_COMPONENTS];
