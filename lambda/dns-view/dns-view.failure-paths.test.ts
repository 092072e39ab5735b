// The six failure paths of dns-view, on its run with real EMF output: a DNS failure never becomes a route53_primary_answered datapoint, and a run with none fails.
import { METRIC } from '../../lib/contract';
import { createObservability } from '../shared/observability';
import { capture } from '../../test/helpers/failure-paths';
import { run, type DnsResolver, type DnsViewDeps, type DnsViewSettings } from './dns-view';

// dns-view calls no AWS API: its "AWS" is Route 53's authoritative name servers, asked over DNS. Each
// path is the DNS answer that stands for it (a throttled server times out, a denied query is REFUSED).
const SETTINGS: DnsViewSettings = {
  zoneName: 'example.com',
  failoverName: 'api.example.com',
  primaryName: 'api-use1.example.com',
  secondaryName: 'api-usw2.example.com',
  samplesPerRun: 3,
  sampleIntervalSeconds: 10,
};
const PRIMARY = ['192.0.2.1'];
const SECONDARY = ['198.51.100.1'];
const NAME_SERVERS = { 'example.com': ['ns-1.awsdns-01.org'], 'ns-1.awsdns-01.org': ['205.251.192.1'] };

const dnsError = (code: string) => Object.assign(new Error(`queryA ${code}`), { code });
type Answer = string[] | Error | (() => string[] | Error);

/** A resolver answering from `answers`; a function is called per query, an Error is thrown, anything unlisted is NXDOMAIN. */
function resolver(answers: Record<string, Answer>): DnsResolver & { readonly asked: string[] } {
  const asked: string[] = [];
  const lookup = async (name: string) => {
    asked.push(name);
    const entry = answers[name];
    const value = typeof entry === 'function' ? entry() : entry;
    if (value === undefined) throw dnsError('ENOTFOUND');
    if (value instanceof Error) throw value;
    return value;
  };
  return { asked, resolveNs: lookup, resolve4: lookup };
}

/** Deps with the function's own Powertools metrics, whose EMF goes to the captured stdout. */
function depsWith(recursive: DnsResolver, authoritative: DnsResolver): DnsViewDeps {
  const { metrics } = createObservability({ service: 'dns-view' }, { STAGE: 'prod', AWS_REGION: 'us-west-2' });
  return { recursive, authoritative: () => authoritative, metrics, sleep: async () => undefined };
}

const answering = (failover: Answer) =>
  resolver({ 'api.example.com': failover, 'api-use1.example.com': PRIMARY, 'api-usw2.example.com': SECONDARY });

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

/** A DNS error on every failover query: no sample is conclusive, so nothing is emitted and the run fails. */
function failsWithoutDatapoint(code: string, what: string): void {
  test(`fails when ${what} (${code}): no datapoint, and the run names the error`, async () => {
    // Prepare
    const deps = depsWith(resolver(NAME_SERVERS), answering(dnsError(code)));
    // Act
    const { error, metrics } = await capture(() => run(deps, SETTINGS));
    // Assess
    expect(error?.message).toMatch(
      new RegExp(`^no conclusive answer for api\\.example\\.com from 205\\.251\\.192\\.1: ${code}`),
    );
    expect(metrics).toEqual({});
  });
}

describe('failure path: throttling', () =>
  failsWithoutDatapoint('ETIMEOUT', 'a server that drops queries under load times out'));
describe('failure path: access denied', () => failsWithoutDatapoint('EREFUSED', 'a server refuses the query'));
describe('failure path: missing resource', () =>
  failsWithoutDatapoint('ENOTFOUND', 'the failover name does not exist'));

describe('failure path: empty result', () => {
  test('fails when the zone has no NS records: the authoritative servers are never asked, no datapoint', async () => {
    const authoritative = answering(PRIMARY);
    const deps = depsWith(resolver({ 'example.com': [] }), authoritative);
    const { error, metrics } = await capture(() => run(deps, SETTINGS));
    expect(error?.message).toBe('no NS records for example.com');
    expect(authoritative.asked).toEqual([]);
    expect(metrics).toEqual({});
  });

  test('fails when the failover name answers no address: no datapoint', async () => {
    const deps = depsWith(resolver(NAME_SERVERS), answering([]));
    const { error, metrics } = await capture(() => run(deps, SETTINGS));
    expect(error?.message).toMatch(/answered , neither api-use1\.example\.com/);
    expect(metrics).toEqual({});
  });
});

describe('failure path: malformed input', () => {
  // The handler reads no event by design (any schedule payload samples the same name); what it parses is the answer.
  test('fails when the failover name answers an address of neither region: never read as primary or secondary', async () => {
    const deps = depsWith(resolver(NAME_SERVERS), answering(['203.0.113.9']));
    const { error, metrics } = await capture(() => run(deps, SETTINGS));
    expect(error?.message).toMatch(/answered 203\.0\.113\.9, neither api-use1\.example\.com \(192\.0\.2\.1\)/);
    expect(metrics).toEqual({});
  });
});

describe('failure path: partial failure', () => {
  test('reports the sample that timed out and emits a datapoint only for the two that answered', async () => {
    const answers = [PRIMARY, dnsError('ETIMEOUT'), PRIMARY];
    const deps = depsWith(
      resolver(NAME_SERVERS),
      answering(() => answers.shift()!),
    );
    const { result, metrics } = await capture(() => run(deps, SETTINGS));
    expect(result).toMatchObject({
      datapoints: 2,
      samples: [
        { answered: 'primary' },
        { answered: 'unknown', error: expect.stringMatching(/^ETIMEOUT/) },
        { answered: 'primary' },
      ],
    });
    expect(metrics).toEqual({ [METRIC.route53PrimaryAnswered]: [1, 1] });
  });
});
