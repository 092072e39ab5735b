// Bad provider configurations (the providers section) and the exact report each gets; part of the table of test/config/bad-configs.test.ts.
import { Duration } from 'aws-cdk-lib';
import { loadConfig, type DrConfig } from '../../lib/config';
import { withValueAt, type BadConfig } from './bad-configs.cases';

const prod = loadConfig({ stage: 'prod' });
const staging = loadConfig({ stage: 'staging' });
const set = (path: string, value: unknown, config: DrConfig = prod): DrConfig =>
  withValueAt(
    config,
    path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
    value,
  );
const URL_FIX =
  'must be an https:// URL on the default port without credentials, such as https://status.openai.com/api/v2/status.json: the probe GETs it and expects 200';

export const PROVIDER_BAD_CONFIGS: readonly BadConfig[] = [
  {
    name: 'a provider name too long for its canary',
    config: set('providers.catalog.1.name', 'anthropicai'),
    problems: [
      'providers.catalog[1].name = "anthropicai": must be 2 to 9 lower-case letters and digits, starting with a letter, such as openai: it names the probe canary, whose name AWS limits to 21 characters',
      'providers.catalog[0].fallbackOrder[0] = "anthropic": names anthropic, which is not a provider; use one of anthropicai',
    ],
  },
  {
    name: 'two providers with one priority',
    config: set('providers.catalog.1.priority', 1),
    problems: [
      "providers.catalog[1].priority = 1: is also openai's priority; give each provider its own so the routing order is defined",
    ],
  },
  {
    name: 'a plain-http health URL',
    config: set('providers.catalog.0.healthUrl', 'http://status.openai.com/'),
    problems: [`providers.catalog[0].healthUrl = "http://status.openai.com/": ${URL_FIX}`],
  },
  {
    name: 'a health URL with credentials in it',
    config: set('providers.catalog.0.healthUrl', 'https://user:secret@status.openai.com/'),
    problems: [`providers.catalog[0].healthUrl = "https://user:secret@status.openai.com/": ${URL_FIX}`],
  },
  {
    name: 'a rate limit of zero requests per minute',
    config: set('providers.catalog.0.rateLimits.requestsPerMinute', 0),
    problems: [
      'providers.catalog[0].rateLimits.requestsPerMinute = 0: must be a whole number of requests per minute, at least 1',
    ],
  },
  {
    name: 'a circuit breaker that opens at a failure rate of 0%',
    config: set('providers.catalog.0.circuitBreaker.failureRatePercent', 0),
    problems: [
      'providers.catalog[0].circuitBreaker.failureRatePercent = 0: must be a percentage over 0 and at most 100: at 0 every failure would open the circuit',
    ],
  },
  {
    name: 'a circuit breaker window of 5 seconds',
    config: set('providers.catalog.0.circuitBreaker.window', Duration.seconds(5)),
    problems: [
      'providers.catalog[0].circuitBreaker.window = "5 seconds": must be from 10 seconds to 1 hour: shorter judges on a handful of calls, longer reacts after the outage is known',
    ],
  },
  {
    name: 'more half-open test calls than the window needs',
    config: set('providers.catalog.0.circuitBreaker.halfOpenRequests', 50),
    problems: [
      'providers.catalog[0].circuitBreaker.halfOpenRequests = 50: must be at most minimumRequests (20): more test calls than the window needs to judge would hold a recovered provider back',
    ],
  },
  {
    name: 'a provider that falls back to itself',
    config: set('providers.catalog.0.fallbackOrder', ['openai']),
    problems: [
      'providers.catalog[0].fallbackOrder[0] = "openai": names openai itself; list the other providers its calls go to while it is down',
    ],
  },
  {
    name: 'a fallback to a provider not in the catalog',
    config: set('providers.catalog.0.fallbackOrder', ['mistral']),
    problems: [
      'providers.catalog[0].fallbackOrder[0] = "mistral": names mistral, which is not a provider; use one of anthropic',
    ],
  },
  {
    name: 'prod with a provider without a fallback',
    config: set('providers.catalog.0.fallbackOrder', []),
    problems: [
      'providers.catalog[0].fallbackOrder = []: prod needs a fallback for openai: the plan falls back to alternative providers; name at least one other provider',
    ],
  },
  {
    name: 'prod with a single provider',
    config: set('providers.catalog', [{ ...prod.providers.catalog[0]!, fallbackOrder: [] }]),
    problems: [
      'providers.catalog = 1: prod needs at least 2 providers: the plan falls back to an alternative provider during an outage',
      'providers.catalog[0].fallbackOrder = []: prod needs a fallback for openai: the plan falls back to alternative providers; name at least one other provider',
    ],
  },
  {
    name: 'staging with six providers',
    config: set(
      'providers.catalog',
      Array.from({ length: 6 }, (_, index) => ({
        ...staging.providers.catalog[0]!,
        name: `p${index}x`,
        priority: index + 1,
        fallbackOrder: [],
      })),
      staging,
    ),
    problems: [
      'providers.catalog = 6: list 1 to 5 providers: AppConfig watches at most 5 alarms per environment, one per provider',
    ],
  },
  {
    name: 'a provider probe every 30 seconds',
    config: set('providers.probeInterval', Duration.seconds(30)),
    problems: [
      'providers.probeInterval = "30 seconds": canaries run every 1 to 60 whole minutes; use Duration.minutes(1) in prod',
    ],
  },
  {
    name: 'a provider bake time over 24 hours',
    config: set('providers.bakeTime', Duration.hours(25)),
    problems: [
      'providers.bakeTime = "1 day 1 hour": AppConfig takes 0 to 1440 minutes (24 hours); use Duration.minutes(n)',
    ],
  },
  {
    name: 'a provider rollout of a minute and a half',
    config: set('providers.rolloutDuration', Duration.seconds(90)),
    problems: ['providers.rolloutDuration = "1 minute 30 seconds": must be whole minutes; use Duration.minutes(n)'],
  },
];
