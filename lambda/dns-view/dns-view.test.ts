// dns-view: what it concludes from the authoritative answers, and the EMF datapoints it emits for the S2 alarm.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSION, METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import { run, sample, type DnsResolver, type DnsViewDeps, type DnsViewSettings } from './dns-view';

const SETTINGS: DnsViewSettings = {
  zoneName: 'example.com',
  failoverName: 'api.example.com',
  primaryName: 'api-use1.example.com',
  secondaryName: 'api-usw2.example.com',
  samplesPerRun: 3,
  sampleIntervalSeconds: 10,
};

const PRIMARY = ['192.0.2.1', '192.0.2.2'];
const SECONDARY = ['198.51.100.1', '198.51.100.2'];

function dnsError(code: string): Error {
  return Object.assign(new Error(`queryA ${code} api.example.com`), { code });
}

/** A resolver answering from `answers`; a function value is called per query, an Error is thrown. */
function resolver(answers: Record<string, string[] | Error | (() => string[] | Error)>): DnsResolver {
  const lookup = async (name: string) => {
    const entry = answers[name];
    const value = typeof entry === 'function' ? entry() : entry;
    if (value === undefined) throw dnsError('ENOTFOUND');
    if (value instanceof Error) throw value;
    return value;
  };
  return { resolveNs: lookup, resolve4: lookup };
}

const recursive = resolver({
  'example.com': ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'],
  'ns-1.awsdns-01.org': ['205.251.192.1'],
  'ns-2.awsdns-02.com': ['205.251.194.2'],
});

interface Emitted {
  readonly deps: DnsViewDeps;
  readonly emf: Record<string, unknown>[];
  readonly servers: string[][];
}

/** Deps with a real Powertools Metrics whose published EMF lines are captured. */
function depsFor(authoritative: DnsResolver): Emitted {
  const emf: Record<string, unknown>[] = [];
  const servers: string[][] = [];
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: 'dns-view',
    defaultDimensions: { [DIMENSION.stage]: 'prod', [DIMENSION.region]: 'us-west-2' },
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    emf.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
    metrics.clearMetrics();
    return metrics;
  });
  return {
    deps: {
      recursive,
      authoritative: (list) => {
        servers.push([...list]);
        return authoritative;
      },
      metrics,
      sleep: async () => undefined,
    },
    emf,
    servers,
  };
}

describe('one sample', () => {
  test.each<[string, Record<string, string[] | Error>, string]>([
    ['the primary', { 'api.example.com': PRIMARY.slice(0, 1) }, 'primary'],
    ['the secondary', { 'api.example.com': SECONDARY }, 'secondary'],
    ['neither region', { 'api.example.com': ['203.0.113.9'] }, 'unknown'],
    ['NXDOMAIN', { 'api.example.com': dnsError('ENOTFOUND') }, 'unknown'],
    ['a timeout', { 'api.example.com': dnsError('ETIMEOUT') }, 'unknown'],
  ])('Route 53 answering with %s is %s', async (_label, answers, answered) => {
    // Prepare
    const authoritative = resolver({
      'api-use1.example.com': PRIMARY,
      'api-usw2.example.com': SECONDARY,
      ...answers,
    });
    // Act
    const result = await sample(authoritative, SETTINGS);
    // Assess
    expect(result.answered).toBe(answered);
    if (result.answered === 'unknown') expect(result.error).toMatch(/ENOTFOUND|ETIMEOUT|neither/);
  });
});

describe('a run', () => {
  test('asks only the zone authoritative servers, and emits one high-resolution datapoint per sample', async () => {
    // Prepare
    const { deps, emf, servers } = depsFor(
      resolver({ 'api.example.com': PRIMARY, 'api-use1.example.com': PRIMARY, 'api-usw2.example.com': SECONDARY }),
    );
    // Act
    const result = await run(deps, SETTINGS);
    // Assess
    expect(servers).toEqual([['205.251.192.1', '205.251.194.2']]);
    expect(result.datapoints).toBe(3);
    expect(emf).toHaveLength(3);
    // What the S2 alarm reads: namespace, metric, dimensions and resolution (FailoverSignals holds the same).
    for (const line of emf) {
      const directive = (line._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics[0];
      expect(directive).toEqual({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [expect.arrayContaining([DIMENSION.service, DIMENSION.stage, DIMENSION.region])],
        Metrics: [{ Name: METRIC.route53PrimaryAnswered, Unit: 'Count', StorageResolution: 1 }],
      });
      expect(line).toMatchObject({
        service: 'dns-view',
        stage: 'prod',
        region: 'us-west-2',
        route53_primary_answered: 1,
      });
    }
  });

  test('a switch to the secondary shows as 0 from the next sample on', async () => {
    // Prepare
    const answers = [PRIMARY, SECONDARY, SECONDARY];
    const { deps, emf } = depsFor(
      resolver({
        'api.example.com': () => answers.shift()!,
        'api-use1.example.com': PRIMARY,
        'api-usw2.example.com': SECONDARY,
      }),
    );
    // Act
    await run(deps, SETTINGS);
    // Assess
    expect(emf.map((line) => line.route53_primary_answered)).toEqual([1, 0, 0]);
  });

  test('inconclusive samples emit nothing: missing data never breaches the S2 alarm', async () => {
    // Prepare
    const answers: (string[] | Error)[] = [dnsError('ETIMEOUT'), SECONDARY, dnsError('ESERVFAIL')];
    const { deps, emf } = depsFor(
      resolver({
        'api.example.com': () => answers.shift()!,
        'api-use1.example.com': PRIMARY,
        'api-usw2.example.com': SECONDARY,
      }),
    );
    // Act
    const result = await run(deps, SETTINGS);
    // Assess
    expect(result.datapoints).toBe(1);
    expect(emf.map((line) => line.route53_primary_answered)).toEqual([0]);
  });

  test('fails when no sample is conclusive, naming what it saw', async () => {
    const { deps, emf } = depsFor(resolver({ 'api.example.com': dnsError('ETIMEOUT') }));
    await expect(run(deps, SETTINGS)).rejects.toThrow(/no conclusive answer for api.example.com .*ETIMEOUT/);
    expect(emf).toEqual([]);
  });

  test('fails when the zone has no resolvable name server', async () => {
    const { deps } = depsFor(resolver({}));
    await expect(
      run({ ...deps, recursive: resolver({ 'example.com': ['ns.example.org'] }) }, SETTINGS),
    ).rejects.toThrow(/none of the name servers of example.com \(ns.example.org\) resolved/);
  });
});
