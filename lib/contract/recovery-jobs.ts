// What the operator's recovery jobs (cache warm-up, rollout restart), their constructs and the dr CLI agree on beyond function environments.

/** Where warm-up manifests live: under this prefix of the region's cache backup bucket (docs/runbooks/cache-warm-up.md). */
export const WARM_UP_MANIFEST = {
  prefix: 'warm-up/',
  /** The manifest a run reads when none is named. */
  defaultKey: 'warm-up/manifest.json',
  /** The `format` field every manifest carries; a new format is a new value, never a changed meaning. */
  format: 'cache-warm-up/1',
} as const;

/** Limits the warm-up checks before it loads anything, so a run fits the Lambda's memory and time. */
export const WARM_UP_LIMITS = {
  /** Largest manifest or source object read, in bytes. */
  maxObjectBytes: 10 * 1024 * 1024,
  /** Longest key, in bytes (UTF-8). */
  maxKeyBytes: 1024,
  /** Largest value, in bytes (UTF-8). */
  maxValueBytes: 512 * 1024,
  /** Most source objects one manifest may name. */
  maxSources: 50,
} as const;

/** The orchestrator's Deployment, as the rollout restart patches it (`kubectl rollout restart deployment/orchestrator -n async-toolformer`). */
export const ROLLOUT_RESTART = {
  /** The annotation `kubectl rollout restart` sets on the pod template; a new value starts a rollout. */
  annotation: 'kubectl.kubernetes.io/restartedAt',
} as const;
