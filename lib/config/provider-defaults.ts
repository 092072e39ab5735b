// The AI providers' defaults of each stage: the catalog, its limits and circuit breaker, and how a change rolls out (docs/providers.md).
import { Duration } from 'aws-cdk-lib';
import type { ProviderConfig, ProvidersConfig } from './types';

/**
 * The providers' circuit breaker: half the calls of a minute failing, over at least 20 calls, opens
 * it for 30 seconds, then 5 test calls decide. The plan names no figures; these are the defaults
 * docs/providers.md explains.
 */
const CIRCUIT_BREAKER = {
  failureRatePercent: 50,
  minimumRequests: 20,
  window: Duration.seconds(60),
  openFor: Duration.seconds(30),
  halfOpenRequests: 5,
} as const;

/** The two providers and their status endpoints; each falls back to the other. Limits are per region. */
function providerCatalog(divisor: number): readonly ProviderConfig[] {
  return [
    {
      name: 'openai',
      priority: 1,
      healthUrl: 'https://status.openai.com/api/v2/status.json',
      rateLimits: {
        requestsPerMinute: 3000 / divisor,
        tokensPerMinute: 1_000_000 / divisor,
        maxConcurrent: 200 / divisor,
      },
      circuitBreaker: CIRCUIT_BREAKER,
      fallbackOrder: ['anthropic'],
    },
    {
      name: 'anthropic',
      priority: 2,
      healthUrl: 'https://status.anthropic.com/api/v2/status.json',
      rateLimits: {
        requestsPerMinute: 2000 / divisor,
        tokensPerMinute: 800_000 / divisor,
        maxConcurrent: 150 / divisor,
      },
      circuitBreaker: CIRCUIT_BREAKER,
      fallbackOrder: ['openai'],
    },
  ];
}

/** Prod probes every minute and rolls ordinary changes out over 4 minutes, watched 10 more. */
export const PROD_PROVIDERS: ProvidersConfig = {
  probeInterval: Duration.minutes(1),
  rolloutDuration: Duration.minutes(4),
  bakeTime: Duration.minutes(10),
  catalog: providerCatalog(1),
};
/** Staging tests the mechanism at a tenth of the limits, probing every 5 minutes. */
export const STAGING_PROVIDERS: ProvidersConfig = {
  probeInterval: Duration.minutes(5),
  rolloutDuration: Duration.minutes(1),
  bakeTime: Duration.minutes(2),
  catalog: providerCatalog(10),
};
