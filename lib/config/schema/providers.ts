// Schema of the providers section: each third-party API provider's priority, health URL, rate limits, circuit breaker and fallback order, and how changes to their AppConfig profile roll out.
import { Duration, Token } from 'aws-cdk-lib';
import { z } from 'zod';
import { MAX_PROVIDERS, PROVIDER_NAME_PATTERN } from '../../contract/providers';
import type { ProviderConfig, ProvidersConfig } from '../provider-types';
import type { RuleContext } from './context';
import { between, duration, integer, matches, seconds, WHOLE_MINUTES } from './rules';
import { group, report, section, whenTyped } from './sections';

/** AppConfig takes deployment and bake times of 0 to 1440 minutes. */
const APPCONFIG_MINUTES: readonly [(d: Duration) => boolean, string] = [
  between(Duration.minutes(0), Duration.minutes(1440)),
  'AppConfig takes 0 to 1440 minutes (24 hours); use Duration.minutes(n)',
];

/** An https URL with a host, and no credentials in it: the probe canary's source is readable in the template. */
function isHealthUrl(text: string): boolean {
  if (Token.isUnresolved(text)) return true;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.includes('.') && !url.username && !url.password && !url.port;
  } catch {
    return false;
  }
}

function positive(what: string) {
  return integer(1, Number.MAX_SAFE_INTEGER, `must be a whole number of ${what}, at least 1`);
}

const provider: z.ZodType<ProviderConfig> = group('a provider', {
  name: matches(
    PROVIDER_NAME_PATTERN,
    'must be 2 to 9 lower-case letters and digits, starting with a letter, such as openai: it names the probe canary, whose name AWS limits to 21 characters',
  ),
  priority: positive('ranks (1 is tried first)'),
  healthUrl: z
    .string()
    .refine(
      isHealthUrl,
      'must be an https:// URL on the default port without credentials, such as https://status.openai.com/api/v2/status.json: the probe GETs it and expects 200',
    ),
  rateLimits: group('requestsPerMinute, tokensPerMinute and maxConcurrent', {
    requestsPerMinute: positive('requests per minute'),
    tokensPerMinute: positive('tokens per minute'),
    maxConcurrent: positive('requests in flight'),
  }),
  circuitBreaker: group('the circuit breaker thresholds', {
    failureRatePercent: z
      .number()
      .refine(
        (n) => n > 0 && n <= 100,
        'must be a percentage over 0 and at most 100: at 0 every failure would open the circuit',
      ),
    minimumRequests: positive('calls'),
    window: duration([
      between(Duration.seconds(10), Duration.hours(1)),
      'must be from 10 seconds to 1 hour: shorter judges on a handful of calls, longer reacts after the outage is known',
    ]),
    openFor: duration([
      between(Duration.seconds(1), Duration.hours(1)),
      'must be from 1 second to 1 hour; use Duration.seconds(30) for a provider that recovers fast',
    ]),
    halfOpenRequests: positive('test calls'),
  }).superRefine(
    ({ halfOpenRequests, minimumRequests }, ctx) => {
      if (halfOpenRequests > minimumRequests) {
        report(
          ctx,
          ['halfOpenRequests'],
          halfOpenRequests,
          `must be at most minimumRequests (${minimumRequests}): more test calls than the window needs to judge would hold a recovered provider back`,
        );
      }
    },
    { when: whenTyped('halfOpenRequests', 'minimumRequests') },
  ),
  fallbackOrder: z.array(z.string()),
});

/** Names once, priorities once, fallbacks that name other providers; prod needs a fallback for every provider. */
function catalogRules(context: RuleContext) {
  return (catalog: readonly ProviderConfig[], ctx: z.core.$RefinementCtx): void => {
    const names = catalog.map((entry) => entry.name);
    const others = (name: string) => {
      const rest = names.filter((other) => other !== name);
      return rest.length > 0 ? `use one of ${rest.join(', ')}` : 'add that provider to the catalog first';
    };
    if (catalog.length < 1 || catalog.length > MAX_PROVIDERS) {
      report(
        ctx,
        [],
        catalog.length,
        `list 1 to ${MAX_PROVIDERS} providers: AppConfig watches at most ${MAX_PROVIDERS} alarms per environment, one per provider`,
      );
    } else if (context.prod && catalog.length < 2) {
      report(
        ctx,
        [],
        catalog.length,
        'prod needs at least 2 providers: the plan falls back to an alternative provider during an outage',
      );
    }
    const seenNames = new Set<string>();
    const seenPriorities = new Map<number, string>();
    catalog.forEach((entry, index) => {
      if (seenNames.has(entry.name)) {
        report(ctx, [index, 'name'], entry.name, `provider ${entry.name} given twice; each provider has one entry`);
      }
      seenNames.add(entry.name);
      const other = seenPriorities.get(entry.priority);
      if (other !== undefined) {
        report(
          ctx,
          [index, 'priority'],
          entry.priority,
          `is also ${other}'s priority; give each provider its own so the routing order is defined`,
        );
      }
      seenPriorities.set(entry.priority, entry.name);
      const seenFallbacks = new Set<string>();
      entry.fallbackOrder.forEach((target, position) => {
        const fix =
          target === entry.name
            ? `names ${entry.name} itself; list the other providers its calls go to while it is down`
            : !names.includes(target)
              ? `names ${target}, which is not a provider; ${others(entry.name)}`
              : seenFallbacks.has(target)
                ? `names ${target} twice; list it once`
                : undefined;
        if (fix) report(ctx, [index, 'fallbackOrder', position], target, fix);
        seenFallbacks.add(target);
      });
      if (context.prod && entry.fallbackOrder.length === 0) {
        report(
          ctx,
          [index, 'fallbackOrder'],
          entry.fallbackOrder,
          `prod needs a fallback for ${entry.name}: the plan falls back to alternative providers; name at least one other provider`,
        );
      }
    });
  };
}

/** The `providers` section. */
export function providersSchema(context: RuleContext): z.ZodType<ProvidersConfig> {
  return section('the third-party API providers, their probes and rollout', {
    probeInterval: duration([
      (interval) => {
        const minutes = seconds(interval) / 60;
        return Number.isInteger(minutes) && minutes >= 1 && minutes <= 60;
      },
      'canaries run every 1 to 60 whole minutes; use Duration.minutes(1) in prod',
    ]),
    rolloutDuration: duration(WHOLE_MINUTES, APPCONFIG_MINUTES),
    bakeTime: duration(WHOLE_MINUTES, APPCONFIG_MINUTES),
    catalog: z.array(provider).superRefine(catalogRules(context), { when: whenTyped() }),
  });
}
