// Signal S2 of the failover decision: does Route 53, asked directly at its authoritative name servers, still answer api.<zone> with the primary?
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricResolution, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../lib/contract';

/** The part of `node:dns/promises` the view uses; a `Resolver` pointed at given servers. */
export interface DnsResolver {
  resolveNs(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
}

/** What a run needs from the outside world. */
export interface DnsViewDeps {
  /** The recursive resolver of the function's network: finds the zone's name servers and their addresses. */
  readonly recursive: DnsResolver;
  /** A resolver that asks only `servers` (the zone's authoritative name servers). */
  readonly authoritative: (servers: readonly string[]) => DnsResolver;
  readonly metrics: Pick<Metrics, 'addMetric' | 'publishStoredMetrics'>;
  readonly sleep: (ms: number) => Promise<void>;
}

/** What a run looks at. */
export interface DnsViewSettings {
  /** The hosted zone, for example `async-toolformer.example.com`. */
  readonly zoneName: string;
  /** The failover name, `api.<zone>`. */
  readonly failoverName: string;
  /** The primary region's own name, `api-use1.<zone>`: its addresses are what "answered with the primary" means. */
  readonly primaryName: string;
  /** The secondary region's own name, `api-usw2.<zone>`. */
  readonly secondaryName: string;
  /** Samples per invocation; with one invocation a minute, 6 samples give a datapoint every 10 s. */
  readonly samplesPerRun: number;
  readonly sampleIntervalSeconds: number;
}

/** What one sample saw. */
export type SampleResult =
  | { readonly answered: 'primary' | 'secondary'; readonly addresses: readonly string[] }
  | { readonly answered: 'unknown'; readonly error: string };

/** What a run reports: one result per sample. */
export interface DnsViewResult {
  readonly samples: readonly SampleResult[];
  /** Datapoints emitted: samples that were `primary` or `secondary`. */
  readonly datapoints: number;
}

const overlaps = (a: readonly string[], b: readonly string[]) => a.some((address) => b.includes(address));

/**
 * The zone's authoritative name servers, as addresses. Asked of the recursive resolver each run:
 * NS records of a delegated zone change rarely, and a cached list would hide a broken delegation.
 */
export async function authoritativeServers(deps: DnsViewDeps, zoneName: string): Promise<string[]> {
  const names = await deps.recursive.resolveNs(zoneName);
  if (names.length === 0) throw new Error(`no NS records for ${zoneName}`);
  const addresses = await Promise.all(names.map((name) => deps.recursive.resolve4(name).catch(() => [])));
  const servers = [...new Set(addresses.flat())];
  if (servers.length === 0) throw new Error(`none of the name servers of ${zoneName} (${names.join(', ')}) resolved`);
  return servers;
}

/**
 * One look: the failover name's answer is compared with each region's own name, asked of the same
 * servers at the same time (load balancer addresses change, so no address is configured). An answer
 * matching neither, NXDOMAIN or a timeout is `unknown` and emits no datapoint: the S2 alarm treats
 * missing data as not breaching, and the heartbeat alarm pages when the view goes blind.
 */
export async function sample(resolver: DnsResolver, settings: DnsViewSettings): Promise<SampleResult> {
  try {
    const [failover, primary, secondary] = await Promise.all([
      resolver.resolve4(settings.failoverName),
      resolver.resolve4(settings.primaryName),
      resolver.resolve4(settings.secondaryName),
    ]);
    if (overlaps(failover, primary)) return { answered: 'primary', addresses: failover };
    if (overlaps(failover, secondary)) return { answered: 'secondary', addresses: failover };
    return {
      answered: 'unknown',
      error: `${settings.failoverName} answered ${failover.join(', ')}, neither ${settings.primaryName} (${primary.join(', ')}) nor ${settings.secondaryName} (${secondary.join(', ')})`,
    };
  } catch (error) {
    return {
      answered: 'unknown',
      error:
        error instanceof Error
          ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}`
          : String(error),
    };
  }
}

/**
 * The run: finds the authoritative servers, then samples `samplesPerRun` times, publishing each
 * conclusive sample at once as a high-resolution `route53_primary_answered` datapoint (1 or 0), so
 * the S2 alarm can decide on 10-second periods. Throws when no sample was conclusive: the function's
 * error alarm and the heartbeat alarm page, and S2 stays where it was.
 */
export async function run(deps: DnsViewDeps, settings: DnsViewSettings): Promise<DnsViewResult> {
  const servers = await authoritativeServers(deps, settings.zoneName);
  const resolver = deps.authoritative(servers);
  const samples: SampleResult[] = [];
  for (let index = 0; index < settings.samplesPerRun; index += 1) {
    if (index > 0) await deps.sleep(settings.sampleIntervalSeconds * 1000);
    const result = await sample(resolver, settings);
    samples.push(result);
    if (result.answered !== 'unknown') {
      deps.metrics.addMetric(
        METRIC.route53PrimaryAnswered,
        MetricUnit.Count,
        result.answered === 'primary' ? 1 : 0,
        MetricResolution.High,
      );
      deps.metrics.publishStoredMetrics();
    }
  }
  const datapoints = samples.filter((result) => result.answered !== 'unknown').length;
  if (datapoints === 0) {
    const errors = [...new Set(samples.map((result) => ('error' in result ? result.error : '')))].join('; ');
    throw new Error(`no conclusive answer for ${settings.failoverName} from ${servers.join(', ')}: ${errors}`);
  }
  return { samples, datapoints };
}
