// Modes of the orchestrator's rate limiter: the parameter's allowed values, and what the degraded-mode switch writes.

/** Values the orchestrator understands; the mode parameter refuses anything else. */
export const RATE_LIMITER_MODES = ['redis', 'in-memory'] as const;

/** A rate-limiter mode. */
export type RateLimiterMode = (typeof RATE_LIMITER_MODES)[number];

/** The mode of normal operation, and the one the switch falls back to while ElastiCache is unavailable. */
export const NORMAL_MODE: RateLimiterMode = 'redis';
export const DEGRADED_MODE: RateLimiterMode = 'in-memory';
