// The providers' AppConfig document that the orchestrator reads: its shape, its JSON Schema, the names it lives under, and the pure switches (fallback, restore, limits) the automation and dr providers apply to it.
import type { FunctionContract } from './functions';
import { RESOURCE_PREFIX, parameterName } from './names';

/** The document's format; a reader refuses a version it does not know. */
export const PROVIDER_DOCUMENT_VERSION = 1;

/** What the orchestrator may send one provider. */
export interface ProviderRateLimits {
  /** Requests per minute, across all pods of the region. */
  readonly requestsPerMinute: number;
  /** Tokens per minute, across all pods of the region. */
  readonly tokensPerMinute: number;
  /** Requests in flight at once, across all pods of the region. */
  readonly maxConcurrent: number;
}

/** When the orchestrator's circuit breaker opens for one provider, and how it probes again. */
export interface ProviderCircuitBreaker {
  /** Failed calls, in percent of the window's calls, that open the circuit. */
  readonly failureRatePercent: number;
  /** Calls the window must hold before the rate counts: a single failure never opens it. */
  readonly minimumRequests: number;
  /** Length of the sliding window the rate is taken over, in seconds. */
  readonly windowSeconds: number;
  /** How long an open circuit stays open before it lets test calls through, in seconds. */
  readonly openSeconds: number;
  /** Test calls a half-open circuit lets through; all must succeed to close it. */
  readonly halfOpenRequests: number;
}

/** One provider's entry. */
export interface ProviderEntry {
  /** 1 is tried first; unique among the providers. */
  readonly priority: number;
  readonly rateLimits: ProviderRateLimits;
  readonly circuitBreaker: ProviderCircuitBreaker;
  /** Where this provider's calls go while it is unavailable, in order; the first available one takes them. */
  readonly fallbackOrder: readonly string[];
}

/** Which providers the orchestrator routes to now. */
export interface ProviderRouting {
  /** Providers to use, in the order to try them: the available providers by priority. */
  readonly order: readonly string[];
  /** Providers taken out of the order (their circuit is held open); empty in normal operation. */
  readonly unavailable: readonly string[];
  /** Who made this version: `deploy`, `automation` or `operator:<login>`. */
  readonly changedBy: string;
  /** Why, in a line. */
  readonly reason: string;
  /** When, ISO 8601; absent in the version a deploy wrote (synth has no clock). */
  readonly changedAt?: string;
}

/** The whole document: the hosted configuration version's content. */
export interface ProviderDocument {
  readonly version: typeof PROVIDER_DOCUMENT_VERSION;
  readonly providers: Readonly<Record<string, ProviderEntry>>;
  readonly routing: ProviderRouting;
}

/** A provider name: it names a canary (21 characters with its prefix) and an alarm. */
export const PROVIDER_NAME_PATTERN = /^[a-z][a-z0-9]{1,8}$/;

/** AppConfig watches at most 5 alarms per environment, and each provider's outage alarm is one. */
export const MAX_PROVIDERS = 5;

const positiveInteger = { type: 'integer', minimum: 1 } as const;

/**
 * The JSON Schema AppConfig validates every new hosted version against (a `JSON_SCHEMA` validator,
 * draft 4): a version that fails it is refused before it can be deployed. The cross-field rules
 * (fallback names exist, the order holds only known and available providers) are checked by
 * {@link documentProblems}, which the automation, the CLI and synth all run.
 */
export const PROVIDER_DOCUMENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: `${RESOURCE_PREFIX} providers`,
  type: 'object',
  required: ['version', 'providers', 'routing'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', enum: [PROVIDER_DOCUMENT_VERSION] },
    providers: {
      type: 'object',
      minProperties: 1,
      maxProperties: MAX_PROVIDERS,
      additionalProperties: false,
      patternProperties: {
        [PROVIDER_NAME_PATTERN.source]: {
          type: 'object',
          required: ['priority', 'rateLimits', 'circuitBreaker', 'fallbackOrder'],
          additionalProperties: false,
          properties: {
            priority: positiveInteger,
            rateLimits: {
              type: 'object',
              required: ['requestsPerMinute', 'tokensPerMinute', 'maxConcurrent'],
              additionalProperties: false,
              properties: {
                requestsPerMinute: positiveInteger,
                tokensPerMinute: positiveInteger,
                maxConcurrent: positiveInteger,
              },
            },
            circuitBreaker: {
              type: 'object',
              required: ['failureRatePercent', 'minimumRequests', 'windowSeconds', 'openSeconds', 'halfOpenRequests'],
              additionalProperties: false,
              properties: {
                failureRatePercent: { type: 'number', minimum: 1, maximum: 100 },
                minimumRequests: positiveInteger,
                windowSeconds: positiveInteger,
                openSeconds: positiveInteger,
                halfOpenRequests: positiveInteger,
              },
            },
            fallbackOrder: {
              type: 'array',
              items: { type: 'string', pattern: PROVIDER_NAME_PATTERN.source },
              uniqueItems: true,
            },
          },
        },
      },
    },
    routing: {
      type: 'object',
      required: ['order', 'unavailable', 'changedBy', 'reason'],
      additionalProperties: false,
      properties: {
        order: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        unavailable: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        changedBy: { type: 'string', minLength: 1, maxLength: 80 },
        reason: { type: 'string', maxLength: 300 },
        changedAt: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;

/** The available providers, by priority: the routing order of a document. */
export function routingOrder(
  providers: Readonly<Record<string, Pick<ProviderEntry, 'priority'>>>,
  unavailable: readonly string[],
): string[] {
  return Object.entries(providers)
    .filter(([name]) => !unavailable.includes(name))
    .sort(([, a], [, b]) => a.priority - b.priority)
    .map(([name]) => name);
}

/**
 * What is wrong with a document besides its JSON Schema: names that point nowhere, an order that
 * routes to an unavailable or unknown provider. Empty when it is sound.
 */
export function documentProblems(document: ProviderDocument): string[] {
  const names = Object.keys(document.providers);
  const problems: string[] = [];
  const priorities = new Map<number, string>();
  for (const [name, entry] of Object.entries(document.providers)) {
    const other = priorities.get(entry.priority);
    if (other) problems.push(`providers.${name}.priority ${entry.priority} is also ${other}'s; give each its own`);
    priorities.set(entry.priority, name);
    for (const target of entry.fallbackOrder) {
      if (target === name) problems.push(`providers.${name}.fallbackOrder names ${name} itself`);
      else if (!names.includes(target))
        problems.push(`providers.${name}.fallbackOrder names ${target}, not a provider`);
    }
  }
  for (const name of [...document.routing.order, ...document.routing.unavailable]) {
    if (!names.includes(name)) problems.push(`routing names ${name}, not a provider`);
  }
  const routedDown = document.routing.order.filter((name) => document.routing.unavailable.includes(name));
  if (routedDown.length > 0) problems.push(`routing.order holds unavailable ${routedDown.join(', ')}`);
  return problems;
}

/** Thrown for content that is not a provider document; the message says what is wrong. */
export class ProviderDocumentError extends Error {
  override readonly name = 'ProviderDocumentError';
}

/** Parses a hosted version's content; throws {@link ProviderDocumentError} when it is not a sound document. */
export function parseProviderDocument(content: string): ProviderDocument {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new ProviderDocumentError('the hosted configuration is not JSON');
  }
  const body = value as Partial<ProviderDocument> | null;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProviderDocumentError('the hosted configuration is not a JSON object');
  }
  if (body.version !== PROVIDER_DOCUMENT_VERSION) {
    throw new ProviderDocumentError(
      `version must be ${PROVIDER_DOCUMENT_VERSION}, got ${JSON.stringify(body.version)}`,
    );
  }
  const routing = body.routing as Partial<ProviderRouting> | undefined;
  if (
    typeof body.providers !== 'object' ||
    body.providers === null ||
    !Array.isArray(routing?.order) ||
    !Array.isArray(routing.unavailable)
  ) {
    throw new ProviderDocumentError(
      'the hosted configuration has no providers object or no routing order and unavailable lists',
    );
  }
  const problems = documentProblems(body as ProviderDocument);
  if (problems.length > 0) throw new ProviderDocumentError(problems.join('; '));
  return body as ProviderDocument;
}

/** Who changed a document and why, for its routing fields. */
export interface ChangeNote {
  readonly changedBy: string;
  readonly reason: string;
  readonly now: Date;
}

/** A change to a document: the new one, or why nothing changes. */
export type DocumentChange =
  | { readonly changed: true; readonly document: ProviderDocument; readonly summary: string }
  | { readonly changed: false; readonly why: string };

function unknownProvider(document: ProviderDocument, provider: string): string | undefined {
  return provider in document.providers
    ? undefined
    : `${provider} is not a provider of this profile (${Object.keys(document.providers).join(', ')})`;
}

function withRouting(document: ProviderDocument, unavailable: readonly string[], note: ChangeNote): ProviderDocument {
  return {
    ...document,
    routing: {
      order: routingOrder(document.providers, unavailable),
      unavailable: [...unavailable],
      changedBy: note.changedBy,
      reason: note.reason,
      changedAt: note.now.toISOString(),
    },
  };
}

/**
 * Takes `provider` out of the routing order: its circuit stays open and its calls go to its
 * fallback order. Refused when it would leave no provider to route to.
 */
export function fallbackDocument(document: ProviderDocument, provider: string, note: ChangeNote): DocumentChange {
  const unknown = unknownProvider(document, provider);
  if (unknown) return { changed: false, why: unknown };
  if (document.routing.unavailable.includes(provider)) {
    return { changed: false, why: `${provider} is already out of the routing order` };
  }
  const unavailable = [...document.routing.unavailable, provider];
  const next = withRouting(document, unavailable, note);
  if (next.routing.order.length === 0) {
    return { changed: false, why: `taking ${provider} out would leave no provider to route to` };
  }
  const takers = document.providers[provider]!.fallbackOrder.filter((name) => next.routing.order.includes(name));
  return {
    changed: true,
    document: next,
    summary: `${provider} out of the routing order; its calls go to ${takers.join(', ') || next.routing.order.join(', ')}`,
  };
}

/** Puts `provider` back into the routing order at its priority. */
export function restoreDocument(document: ProviderDocument, provider: string, note: ChangeNote): DocumentChange {
  const unknown = unknownProvider(document, provider);
  if (unknown) return { changed: false, why: unknown };
  if (!document.routing.unavailable.includes(provider)) {
    return { changed: false, why: `${provider} is already in the routing order` };
  }
  const next = withRouting(
    document,
    document.routing.unavailable.filter((name) => name !== provider),
    note,
  );
  return {
    changed: true,
    document: next,
    summary: `${provider} back in the routing order: ${next.routing.order.join(', ')}`,
  };
}

/** Sets some of a provider's rate limits; the others keep their values. */
export function limitsDocument(
  document: ProviderDocument,
  provider: string,
  limits: Partial<ProviderRateLimits>,
  note: ChangeNote,
): DocumentChange {
  const unknown = unknownProvider(document, provider);
  if (unknown) return { changed: false, why: unknown };
  const entry = document.providers[provider]!;
  const rateLimits = { ...entry.rateLimits, ...limits };
  if (JSON.stringify(rateLimits) === JSON.stringify(entry.rateLimits)) {
    return { changed: false, why: `${provider} already has these rate limits` };
  }
  const next: ProviderDocument = {
    ...document,
    providers: { ...document.providers, [provider]: { ...entry, rateLimits } },
    routing: { ...document.routing, changedBy: note.changedBy, reason: note.reason, changedAt: note.now.toISOString() },
  };
  const changes = (Object.keys(limits) as (keyof ProviderRateLimits)[])
    .filter((key) => limits[key] !== entry.rateLimits[key])
    .map((key) => `${key} ${entry.rateLimits[key]} -> ${rateLimits[key]}`);
  return { changed: true, document: next, summary: `${provider} rate limits: ${changes.join(', ')}` };
}

/** The AppConfig names of a stage's provider profile, the same in each region. */
export function providerProfileNames(stage: string) {
  return {
    application: `${RESOURCE_PREFIX}-${stage}-providers`,
    /** The environment the orchestrator polls. */
    environment: 'live',
    profile: 'providers',
    /** Every ordinary change: rolled out in steps, with bake time, while the provider alarms are watched. */
    gradualStrategy: `${RESOURCE_PREFIX}-${stage}-providers-gradual`,
    /** A fallback: at once, since the provider it takes out is already failing. */
    immediateStrategy: `${RESOURCE_PREFIX}-${stage}-providers-immediate`,
    /** SSM parameter with the ids ({@link ProviderProfileIds}) the CLI and the function use. */
    idsParameter: parameterName(stage, 'providers', 'appconfig-ids'),
  } as const;
}

/** Name of a provider's probe canary: AWS allows 21 characters, so the stage is abbreviated. */
export function providerCanaryName(stage: string, provider: string): string {
  return `atf-${stage === 'prod' ? 'prd' : 'stg'}-prv-${provider}`;
}

/** Whether a canary is a provider probe (it reports no availability datapoints, unlike the endpoint probes). */
export function isProviderCanaryName(name: unknown): boolean {
  return typeof name === 'string' && /^atf-(prd|stg)-prv-/.test(name);
}

/** The ids of a region's profile and its provider alarms, as the ids parameter holds them (JSON). */
export interface ProviderProfileIds {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly configurationProfileId: string;
  readonly gradualStrategyId: string;
  readonly immediateStrategyId: string;
  /** Each provider's outage alarm, which the environment monitors while the provider is routed. */
  readonly alarms: readonly ProviderAlarm[];
  /** The role AppConfig reads the alarms with, which a rewritten monitor names. */
  readonly monitorRoleArn: string;
}

/** One provider's outage alarm, as the function's environment lists them. */
export interface ProviderAlarm {
  readonly provider: string;
  readonly alarmName: string;
  readonly alarmArn: string;
}

/** Environment keys of the fallback function. */
export const PROVIDER_FALLBACK_ENV = {
  applicationId: 'APPLICATION_ID',
  environmentId: 'ENVIRONMENT_ID',
  profileId: 'CONFIGURATION_PROFILE_ID',
  immediateStrategyId: 'IMMEDIATE_STRATEGY_ID',
  /** JSON list of {@link ProviderAlarm}: which alarm means which provider, and what the environment monitors. */
  alarms: 'PROVIDER_ALARMS',
  /** Role AppConfig reads the alarms with: a monitor written back needs it. */
  monitorRoleArn: 'MONITOR_ROLE_ARN',
  /** The status page publisher of this region, invoked with the degraded-service notice. */
  publisherName: 'STATUS_PAGE_PUBLISHER_NAME',
  /** The high alert topic: the switch pages the on-call engineer. */
  alertTopicArn: 'ALERT_TOPIC_ARN',
} as const;

type ProviderFallbackEnvKey = (typeof PROVIDER_FALLBACK_ENV)[keyof typeof PROVIDER_FALLBACK_ENV];

/** The fallback function's contract, used by its construct (DrFunction) and its handler. */
export const PROVIDER_FALLBACK: FunctionContract<ProviderFallbackEnvKey> = {
  entry: 'lambda/provider-fallback/handler.ts',
  service: 'provider-fallback',
  environment: Object.values(PROVIDER_FALLBACK_ENV),
};

/** Metric names of the fallback function. */
export const PROVIDER_METRIC = {
  /** 1 per provider taken out of the routing order, 0 per alarm event that changed nothing. */
  fallbacks: 'ProviderFallbacks',
  /** 1 per run that failed. */
  fallbackFailures: 'ProviderFallbackFailures',
} as const;

/** Who the automation signs its versions as. */
export const AUTOMATION_CHANGER = 'automation';
