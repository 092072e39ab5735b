// Test fixtures of the provider fallback: the deployed document, the alarms of its environment and the EventBridge alarm event.
import type { ProviderAlarm, ProviderDocument } from '../../lib/contract/providers';

export const ALARMS: readonly ProviderAlarm[] = [
  {
    provider: 'openai',
    alarmName: 'async-toolformer-prod-use1-provider-openai-down',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:async-toolformer-prod-use1-provider-openai-down',
  },
  {
    provider: 'anthropic',
    alarmName: 'async-toolformer-prod-use1-provider-anthropic-down',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:async-toolformer-prod-use1-provider-anthropic-down',
  },
];

const BREAKER = {
  failureRatePercent: 50,
  minimumRequests: 20,
  windowSeconds: 60,
  openSeconds: 30,
  halfOpenRequests: 5,
};

/** The document as a deploy writes it: both providers routed, openai first. */
export const DEPLOYED: ProviderDocument = {
  version: 1,
  providers: {
    openai: {
      priority: 1,
      rateLimits: { requestsPerMinute: 3000, tokensPerMinute: 1_000_000, maxConcurrent: 200 },
      circuitBreaker: BREAKER,
      fallbackOrder: ['anthropic'],
    },
    anthropic: {
      priority: 2,
      rateLimits: { requestsPerMinute: 2000, tokensPerMinute: 800_000, maxConcurrent: 150 },
      circuitBreaker: BREAKER,
      fallbackOrder: ['openai'],
    },
  },
  routing: { order: ['openai', 'anthropic'], unavailable: [], changedBy: 'deploy', reason: 'as deployed' },
};

/** The document as AppConfig returns it: bytes that also read as a string, as the SDK's blob adapter. */
export function contentOf(document: unknown): Uint8Array & { transformToString(): string } {
  const bytes = new TextEncoder().encode(typeof document === 'string' ? document : JSON.stringify(document));
  return Object.assign(bytes, { transformToString: () => new TextDecoder().decode(bytes) });
}

/** A Lambda Invoke payload as the SDK returns it. */
export const payloadOf = contentOf;

/** EventBridge's event for an alarm's state change. */
export function alarmEvent(alarmName: string, value = 'ALARM') {
  return {
    version: '0',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: { alarmName, state: { value, reason: 'Threshold Crossed: 2 out of the last 2 datapoints' } },
  };
}
