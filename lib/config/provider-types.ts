// Types of the providers section of the config: the third-party API providers, their limits, circuit breakers, fallbacks and probes.
import type { Duration } from 'aws-cdk-lib';

/** What the orchestrator may send one provider, across all pods of a region. */
export interface ProviderRateLimitsConfig {
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Requests in flight at once. */
  readonly maxConcurrent: number;
}

/** When the orchestrator's circuit breaker opens for a provider, and how it tries again. */
export interface ProviderCircuitBreakerConfig {
  /** Failed calls, in percent of the window's calls, that open the circuit. */
  readonly failureRatePercent: number;
  /** Calls the window must hold before the rate counts. */
  readonly minimumRequests: number;
  /** The sliding window the rate is taken over. */
  readonly window: Duration;
  /** How long an open circuit stays open before its test calls. */
  readonly openFor: Duration;
  /** Test calls a half-open circuit lets through; all must succeed to close it. */
  readonly halfOpenRequests: number;
}

/** One third-party API provider. */
export interface ProviderConfig {
  /** Short name (2 to 9 lower-case letters and digits): it names the probe canary and the alarm. */
  readonly name: string;
  /** 1 is tried first; each provider its own. */
  readonly priority: number;
  /**
   * What the probe GETs over HTTPS every `probeInterval`: the provider's status endpoint or a health
   * URL that answers 200 while it serves. A run that gets anything else fails.
   */
  readonly healthUrl: string;
  readonly rateLimits: ProviderRateLimitsConfig;
  readonly circuitBreaker: ProviderCircuitBreakerConfig;
  /** Where its calls go while it is unavailable, in order: names of the other providers. */
  readonly fallbackOrder: readonly string[];
}

/** The providers, their probes and how changes to their AppConfig profile roll out. */
export interface ProvidersConfig {
  /** How often each provider's probe runs: 1 to 60 whole minutes. */
  readonly probeInterval: Duration;
  /** How long an ordinary change (a deploy, a restore, new limits) takes to reach every reader. */
  readonly rolloutDuration: Duration;
  /** How long AppConfig keeps watching the provider alarms after an ordinary change, to roll it back. */
  readonly bakeTime: Duration;
  /** The providers, 1 to 5 (AppConfig watches at most 5 alarms per environment). */
  readonly catalog: readonly ProviderConfig[];
}
