// What the DNS checks read from the seeded world: the failover name and each region's own name, where each endpoint is served, the fence, and what Route 53 answers.
import type { DnsAnswer } from '../drill-server';
import { expectThat, type Check, type ScenarioContext } from '../scenario';

/** The failover pair of the assembly, as seeded. */
export interface DnsDeployment {
  /** The name the failover records answer, `api.<zone>`. */
  readonly failoverName: string;
  /** Each region's own name, the target its failover record aliases to, by region. */
  readonly regionalNames: Readonly<Record<string, string>>;
  /** Id of each region's endpoint health check (HTTPS on its own name), by region. */
  readonly endpointChecks: Readonly<Record<string, string>>;
  /** The alarm a CLOUDWATCH_METRIC health check reads: the DNS fence. */
  readonly fence?: { readonly name: string; readonly region: string; readonly checkId: string };
}

type Props = Record<string, unknown>;

const dnsName = (name: unknown) =>
  String(name ?? '')
    .replace(/\.$/, '')
    .toLowerCase();

/**
 * Reads the failover pair from the world and tells the drill server where each endpoint is served:
 * the region of the stack that creates the record of the health check's name (Route 53 knows no
 * regions; the drill fails an endpoint check while its region is lost). Throws when the assembly has
 * no failover records.
 */
export async function prepareDns(context: ScenarioContext): Promise<DnsDeployment> {
  const { world } = context;
  const records = world.resources('AWS::Route53::RecordSet');
  const servedIn = new Map(records.map(({ stack, properties }) => [dnsName(properties.Name), stack.region]));
  const endpointChecks: Record<string, string> = {};
  const endpoints: Record<string, string> = {};
  let fence: DnsDeployment['fence'];
  for (const { stack, logicalId, properties } of world.resources('AWS::Route53::HealthCheck')) {
    const config = properties.HealthCheckConfig as Props;
    const id = world.physicalId(stack, logicalId);
    const region = servedIn.get(dnsName(config.FullyQualifiedDomainName));
    if (config.FullyQualifiedDomainName && region) {
      endpoints[dnsName(config.FullyQualifiedDomainName)] = region;
      endpointChecks[region] = id;
    }
    const alarm = config.AlarmIdentifier as { Name?: string; Region?: string } | undefined;
    if (alarm?.Name && alarm.Region) fence = { name: alarm.Name, region: alarm.Region, checkId: id };
  }
  await context.client.setEndpointRegions(endpoints);
  const pair = records.filter(
    ({ properties }) => properties.Failover === 'PRIMARY' || properties.Failover === 'SECONDARY',
  );
  if (pair.length === 0) throw new Error('the assembly has no Route 53 failover records');
  const regionalNames: Record<string, string> = {};
  for (const { properties } of pair) {
    const target = dnsName((properties.AliasTarget as Props | undefined)?.DNSName);
    const region = servedIn.get(target);
    if (!region)
      throw new Error(`the failover record ${String(properties.Name)} aliases ${target}, no record of the assembly`);
    regionalNames[region] = target;
  }
  return {
    failoverName: dnsName(pair[0]!.properties.Name),
    regionalNames,
    endpointChecks,
    ...(fence ? { fence } : {}),
  };
}

/** An answer in one line: the chain of names Route 53 followed and the values. */
export function describeAnswer(answer: DnsAnswer): string {
  const chain = answer.path.map(
    (step) => `${step.name.replace(/\.$/, '')}${step.failover ? ` (${step.failover})` : ''}`,
  );
  const last = answer.path.at(-1)?.name.replace(/\.$/, '');
  const error = answer.error ? ` ${answer.error}` : '';
  return `${[...chain, ...(last === answer.target ? [] : [answer.target])].join(' -> ')} = ${answer.rcode} [${answer.values.join(', ')}]${answer.region ? ` in ${answer.region}` : ''}${error}`;
}

/**
 * Whether the failover name answers what `region`'s own name answers (dns-view's test of S2: the same
 * addresses) and lands in `region`; the detail says when, in virtual seconds since `sinceMs`.
 */
export async function dnsAnswersRegion(
  context: ScenarioContext,
  dns: DnsDeployment,
  region: string,
  when: string,
  sinceMs: number,
): Promise<Check> {
  const regionalName = dns.regionalNames[region];
  if (!regionalName) throw new Error(`no failover record aliases a name served in ${region}`);
  const [answer, regional, { nowMs }] = await Promise.all([
    context.client.dns(dns.failoverName),
    context.client.dns(regionalName),
    context.client.state(),
  ]);
  const passed =
    answer.rcode === 'NOERROR' &&
    answer.values.length > 0 &&
    answer.values.every((value) => regional.values.includes(value)) &&
    answer.region === region;
  const first = answer.path[0];
  return expectThat(
    `${when}, ${dns.failoverName} answers ${region} (${regionalName})`,
    passed,
    `t+${Math.round((nowMs - sinceMs) / 1000)} s: ${describeAnswer(answer)}; ${regionalName} = [${regional.values.join(', ')}]` +
      (first ? `; ${first.why}` : ''),
  );
}

/** What GetHealthCheckStatus reports for a check now (read as the observer, through a lost us-east-1). */
export async function healthCheckStatus(context: ScenarioContext, checkId: string): Promise<string> {
  const { HealthCheckObservations = [] } = await context.client.call<{
    HealthCheckObservations?: { StatusReport?: { Status?: string } }[];
  }>('route53', 'us-east-1', 'GetHealthCheckStatus', { HealthCheckId: checkId });
  return HealthCheckObservations.map((observation) => observation.StatusReport?.Status ?? '').join(' | ');
}

/** The fence alarm's state and reason, as DescribeAlarms gives them after the drill evaluated it. */
export async function fenceAlarmState(
  context: ScenarioContext,
  dns: DnsDeployment,
): Promise<{ state: string; reason: string }> {
  if (!dns.fence) throw new Error('no CLOUDWATCH_METRIC health check names a fence alarm');
  const { MetricAlarms = [] } = await context.client.call<{
    MetricAlarms?: { StateValue: string; StateReason: string }[];
  }>('cloudwatch', dns.fence.region, 'DescribeAlarms', { AlarmNames: [dns.fence.name] });
  const [alarm] = MetricAlarms;
  return alarm ? { state: alarm.StateValue, reason: alarm.StateReason } : { state: 'missing', reason: '' };
}
