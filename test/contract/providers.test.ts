// The providers document's switches and checks (lib/contract/providers.ts), which the fallback function and dr providers share.
import {
  documentProblems,
  fallbackDocument,
  limitsDocument,
  parseProviderDocument,
  restoreDocument,
  routingOrder,
  type ProviderDocument,
} from '../../lib/contract/providers';
import { DEPLOYED } from '../../lambda/provider-fallback/fixtures';

const NOTE = { changedBy: 'operator:test', reason: 'test', now: new Date('2026-11-28T17:00:00Z') };
const THIRD = { ...DEPLOYED.providers.anthropic!, priority: 3, fallbackOrder: ['openai'] };
const three: ProviderDocument = {
  ...DEPLOYED,
  providers: { ...DEPLOYED.providers, local: THIRD },
  routing: { ...DEPLOYED.routing, order: ['openai', 'anthropic', 'local'] },
};

test('the routing order is the available providers by priority', () => {
  expect(routingOrder(three.providers, [])).toEqual(['openai', 'anthropic', 'local']);
  expect(routingOrder(three.providers, ['anthropic'])).toEqual(['openai', 'local']);
});

test('a fallback takes the provider out, names who and when, and keeps every other setting', () => {
  const change = fallbackDocument(three, 'openai', NOTE);
  expect(change).toMatchObject({
    changed: true,
    summary: 'openai out of the routing order; its calls go to anthropic',
  });
  if (!change.changed) throw new Error('expected a change');
  expect(change.document.routing).toEqual({
    order: ['anthropic', 'local'],
    unavailable: ['openai'],
    changedBy: 'operator:test',
    reason: 'test',
    changedAt: '2026-11-28T17:00:00.000Z',
  });
  expect(change.document.providers).toEqual(three.providers);
  expect(documentProblems(change.document)).toEqual([]);
});

test('a restore puts the provider back at its priority', () => {
  const out = fallbackDocument(three, 'anthropic', NOTE);
  if (!out.changed) throw new Error('expected a change');
  const back = restoreDocument(out.document, 'anthropic', NOTE);
  expect(back.changed && back.document.routing.order).toEqual(['openai', 'anthropic', 'local']);
});

test.each([
  [
    'an unknown provider',
    fallbackDocument(DEPLOYED, 'mistral', NOTE),
    'mistral is not a provider of this profile (openai, anthropic)',
  ],
  [
    'a second fallback',
    fallbackDocument(
      parseProviderDocument(
        JSON.stringify({
          ...DEPLOYED,
          routing: { ...DEPLOYED.routing, order: ['anthropic'], unavailable: ['openai'] },
        }),
      ),
      'openai',
      NOTE,
    ),
    'openai is already out of the routing order',
  ],
  [
    'the last provider',
    fallbackDocument(
      { ...DEPLOYED, routing: { ...DEPLOYED.routing, order: ['anthropic'], unavailable: ['openai'] } },
      'anthropic',
      NOTE,
    ),
    'taking anthropic out would leave no provider to route to',
  ],
  [
    'a restore of a routed provider',
    restoreDocument(DEPLOYED, 'openai', NOTE),
    'openai is already in the routing order',
  ],
  [
    'the same limits',
    limitsDocument(DEPLOYED, 'openai', { requestsPerMinute: 3000 }, NOTE),
    'openai already has these rate limits',
  ],
])('%s changes nothing and says why', (_name, change, why) => {
  expect(change).toEqual({ changed: false, why });
});

test('new limits change only the named values', () => {
  const change = limitsDocument(DEPLOYED, 'anthropic', { tokensPerMinute: 900_000 }, NOTE);
  expect(change).toMatchObject({ changed: true, summary: 'anthropic rate limits: tokensPerMinute 800000 -> 900000' });
  if (!change.changed) throw new Error('expected a change');
  expect(change.document.providers.anthropic!.rateLimits).toEqual({
    ...DEPLOYED.providers.anthropic!.rateLimits,
    tokensPerMinute: 900_000,
  });
  expect(change.document.routing.order).toEqual(DEPLOYED.routing.order);
});

test.each([
  ['not JSON', 'providers: openai', 'the hosted configuration is not JSON'],
  ['a list', '[]', 'the hosted configuration is not a JSON object'],
  ['another version', JSON.stringify({ ...DEPLOYED, version: 2 }), 'version must be 1, got 2'],
  ['no routing', JSON.stringify({ version: 1, providers: {} }), 'no providers object or no routing order'],
  [
    'a fallback to nowhere and an unavailable provider routed',
    JSON.stringify({
      ...DEPLOYED,
      providers: { ...DEPLOYED.providers, openai: { ...DEPLOYED.providers.openai!, fallbackOrder: ['mistral'] } },
      routing: { ...DEPLOYED.routing, unavailable: ['openai'] },
    }),
    'providers.openai.fallbackOrder names mistral, not a provider; routing.order holds unavailable openai',
  ],
])('fails when the content is %s: ProviderDocumentError', (_name, content, message) => {
  expect(() => parseProviderDocument(content)).toThrow(
    expect.objectContaining({ name: 'ProviderDocumentError', message: expect.stringContaining(message) }),
  );
});
