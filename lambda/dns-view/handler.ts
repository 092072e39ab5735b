// Lambda entry of dns-view: every minute, samples what Route 53's authoritative name servers answer for the failover name.
import { Resolver } from 'node:dns/promises';
import { FUNCTIONS } from '../../lib/contract';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { createObservability } from '../shared/observability';
import { run, type DnsResolver, type DnsViewDeps, type DnsViewResult, type DnsViewSettings } from './dns-view';

/** Per query: an authoritative server that does not answer in 2 s is as good as down for this view. */
const QUERY_TIMEOUT_MS = 2000;

const env = readEnvironment(FUNCTIONS.dnsView);
const { logger, metrics } = createObservability(FUNCTIONS.dnsView);
const settings: DnsViewSettings = {
  zoneName: env.ZONE_NAME,
  failoverName: env.FAILOVER_NAME,
  primaryName: env.PRIMARY_NAME,
  secondaryName: env.SECONDARY_NAME,
  samplesPerRun: requirePositiveInteger('SAMPLES_PER_RUN'),
  sampleIntervalSeconds: requirePositiveInteger('SAMPLE_INTERVAL_SECONDS'),
};

function authoritative(servers: readonly string[]): DnsResolver {
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 1 });
  resolver.setServers([...servers]);
  return resolver;
}

const deps: DnsViewDeps = {
  recursive: new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 2 }),
  authoritative,
  metrics,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Any event: the EventBridge schedule sends its own, and nothing in it changes what is looked at. */
export async function handler(): Promise<DnsViewResult> {
  const result = await run(deps, settings);
  logger.info('route 53 view sampled', { samples: result.samples, datapoints: result.datapoints });
  return result;
}
