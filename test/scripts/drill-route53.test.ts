// The drill server's Route 53 layer against a small hand-built zone: health evaluation, the fence alarm evaluated from its datapoints, failover answers over HTTP and UDP.
import { Resolver } from 'node:dns/promises';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startDrillServer, type DrillClient, type DrillServer } from '../../scripts/drill/drill-server';

const ZONE = 'drill.example.com';
const FENCE = { name: 'fence', region: 'us-west-2' };
const TIMEOUT_MS = 60_000;

let server: DrillServer;
let client: DrillClient;

beforeAll(async () => {
  server = await startDrillServer({ account: '123456789012', timeScale: 0.002 });
  client = server.client;
}, TIMEOUT_MS);
afterAll(async () => server?.stop());

/** The ids of the checks of the world: each region's endpoint, the fence, primary = endpoint AND fence. */
interface Checks {
  readonly east: string;
  readonly west: string;
  readonly fence: string;
  readonly primary: string;
}

async function healthCheck(config: Record<string, unknown>): Promise<string> {
  const { HealthCheck } = await client.call<{ HealthCheck: { Id: string } }>(
    'route53',
    'us-east-1',
    'CreateHealthCheck',
    {
      CallerReference: `${Math.random()}`,
      HealthCheckConfig: config,
    },
  );
  return HealthCheck.Id;
}

/** The app's shape in small: a failover pair whose primary reads a fence alarm, each alias to a regional name. */
async function seed(treatMissingData = 'ignore'): Promise<Checks> {
  await client.reset({ timeScale: 0.002 });
  await client.call('cloudwatch', FENCE.region, 'PutMetricAlarm', {
    AlarmName: FENCE.name,
    Namespace: 'Drill',
    MetricName: 'fence',
    Dimensions: [{ Name: 'stage', Value: 'test' }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: treatMissingData,
  });
  const endpoint = (name: string) =>
    healthCheck({ Type: 'HTTPS', FullyQualifiedDomainName: `${name}.${ZONE}`, Port: 443, ResourcePath: '/health' });
  const east = await endpoint('api-use1');
  const west = await endpoint('api-usw2');
  const fence = await healthCheck({
    Type: 'CLOUDWATCH_METRIC',
    AlarmIdentifier: { Name: FENCE.name, Region: FENCE.region },
    InsufficientDataHealthStatus: 'LastKnownStatus',
  });
  const primary = await healthCheck({ Type: 'CALCULATED', ChildHealthChecks: [east, fence], HealthThreshold: 2 });
  const { HostedZone } = await client.call<{ HostedZone: { Id: string } }>('route53', 'us-east-1', 'CreateHostedZone', {
    Name: ZONE,
    CallerReference: 'zone',
  });
  const zoneId = HostedZone.Id.replace('/hostedzone/', '');
  const failover = (role: string, target: string, check: string) => ({
    Name: `api.${ZONE}`,
    Type: 'A',
    SetIdentifier: role,
    Failover: role,
    HealthCheckId: check,
    AliasTarget: { HostedZoneId: zoneId, DNSName: `${target}.${ZONE}`, EvaluateTargetHealth: true },
  });
  const records = [
    { Name: `api-use1.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
    { Name: `api-usw2.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.2' }] },
    { Name: `www.${ZONE}`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: `api.${ZONE}` }] },
    failover('PRIMARY', 'api-use1', primary),
    failover('SECONDARY', 'api-usw2', west),
  ];
  await client.call('route53', 'us-east-1', 'ChangeResourceRecordSets', {
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: records.map((record) => ({ Action: 'UPSERT', ResourceRecordSet: record })) },
  });
  await client.setEndpointRegions({ [`api-use1.${ZONE}`]: 'us-east-1', [`api-usw2.${ZONE}`]: 'us-west-2' });
  return { east, west, fence, primary };
}

async function publishFence(value: number): Promise<void> {
  await client.call('cloudwatch', FENCE.region, 'PutMetricData', {
    Namespace: 'Drill',
    MetricData: [{ MetricName: 'fence', Value: value, Dimensions: [{ Name: 'stage', Value: 'test' }] }],
  });
}

async function fenceState(): Promise<string> {
  const { MetricAlarms } = await client.call<{ MetricAlarms: { StateValue: string }[] }>(
    'cloudwatch',
    FENCE.region,
    'DescribeAlarms',
    { AlarmNames: [FENCE.name] },
  );
  return MetricAlarms[0]!.StateValue;
}

async function status(checkId: string): Promise<string> {
  const { HealthCheckObservations } = await client.call<{
    HealthCheckObservations: { StatusReport: { Status: string } }[];
  }>('route53', 'us-east-1', 'GetHealthCheckStatus', { HealthCheckId: checkId });
  return HealthCheckObservations[0]!.StatusReport.Status;
}

test.each([
  ['both regions up, no fence', [], false, '192.0.2.1'],
  ['us-east-1 lost', ['us-east-1'], false, '192.0.2.2'],
  ['the fence raised, both regions up', [], true, '192.0.2.2'],
  ['both regions lost: Route 53 answers the primary', ['us-east-1', 'us-west-2'], false, '192.0.2.1'],
])('%s', async (_name, lost, raised, address) => {
  // Prepare
  await seed();
  await client.loseRegions(lost);
  if (raised) await publishFence(1);

  // Act
  const answer = await client.dns(`api.${ZONE}`);

  // Assess
  expect(answer).toMatchObject({ rcode: 'NOERROR', values: [address] });
});

test('the fence holds an hour without a datapoint, and the lift after it brings DNS back', async () => {
  // Prepare
  const checks = await seed();
  expect(await fenceState()).toBe('INSUFFICIENT_DATA');
  await publishFence(1);
  await client.advanceClock(3600);

  // Act
  const held = await client.dns(`api.${ZONE}`);
  const heldStatus = await status(checks.primary);
  await publishFence(0);
  const lifted = await client.dns(`api.${ZONE}`);

  // Assess
  expect(held.values).toEqual(['192.0.2.2']);
  expect(heldStatus).toMatch(/^Failure: 1 of 2 children healthy, 2 needed/);
  expect(lifted.values).toEqual(['192.0.2.1']);
  expect(await fenceState()).toBe('OK');
  expect(await status(checks.east)).toMatch(/^Success/);
});

test.each([
  ['missing', 'INSUFFICIENT_DATA'],
  ['breaching', 'ALARM'],
  ['notBreaching', 'OK'],
  ['ignore', 'ALARM'],
])('with TreatMissingData %s, a period without data leaves the fence alarm %s', async (treat, expected) => {
  // Prepare
  await seed(treat);
  await publishFence(1);
  await client.advanceClock(180);

  // Act
  const state = await fenceState();

  // Assess
  expect(state).toBe(expected);
});

test('a check that the drill marks failing fails, and its calculated parent with it', async () => {
  // Prepare
  const checks = await seed();

  // Act
  await client.setHealth({ [checks.east]: false });

  // Assess
  expect(await status(checks.east)).toMatch(/^Failure: marked failing/);
  expect((await client.dns(`api.${ZONE}`)).values).toEqual(['192.0.2.2']);
});

test.each([
  ['a CNAME followed to the failover answer', `www.${ZONE}`, { rcode: 'NOERROR', values: ['192.0.2.1'] }],
  ['a name of the zone without records', `nothing.${ZONE}`, { rcode: 'NXDOMAIN', values: [] }],
  ['a name outside every seeded zone', 'example.org', { rcode: 'REFUSED', values: [] }],
])('%s', async (_name, name, expected) => {
  // Prepare
  await seed();

  // Act
  const answer = await client.dns(name);

  // Assess
  expect(answer).toMatchObject(expected);
});

test("the UDP responder answers the zone's name servers with itself and the failover name as Route 53 would", async () => {
  // Prepare
  await seed();
  await client.loseRegions(['us-east-1']);
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${(await client.state()).dnsPort}`]);

  // Act
  const nameServers = await resolver.resolveNs(ZONE);
  const serverAddresses = await resolver.resolve4(nameServers[0]!);
  const answer = await resolver.resolve4(`api.${ZONE}`);

  // Assess
  expect(nameServers.length).toBeGreaterThan(0);
  expect(serverAddresses).toEqual(['127.0.0.1']);
  expect(answer).toEqual(['192.0.2.2']);
  await expect(resolver.resolve4(`nothing.${ZONE}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
});

test('a lift in the same minute as the raise leaves the fence alarm in ALARM: the Maximum of that minute is 1', async () => {
  // Prepare
  await seed();
  const { nowMs } = await client.state();
  await client.advanceClock(60 - ((nowMs / 1000) % 60) + 10); // 10 s into a minute

  // Act
  await publishFence(1);
  await publishFence(0);
  await client.advanceClock(600);

  // Assess
  expect(await fenceState()).toBe('ALARM');
  expect((await client.dns(`api.${ZONE}`)).values).toEqual(['192.0.2.2']);
});

test('an inverted check reports the opposite of its endpoint', async () => {
  // Prepare
  await seed();
  const inverted = await healthCheck({
    Type: 'HTTPS',
    FullyQualifiedDomainName: `api-use1.${ZONE}`,
    Port: 443,
    ResourcePath: '/health',
    Inverted: true,
  });

  // Act
  const up = await status(inverted);
  await client.loseRegions(['us-east-1']);
  const down = await status(inverted);

  // Assess
  expect(up).toMatch(/^Failure: inverted: /);
  expect(down).toMatch(/^Success/);
});

test(
  'a restored snapshot is the world as it was kept, fresh on the clock, with nothing of the scenario after it',
  async () => {
    await seed('breaching');
    const kept = await client.snapshot();
    expect(kept.id).toBeGreaterThan(0);

    // A scenario: a request of its own, an hour, a run still waiting, settings, a lost region, a fault.
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: server.process.endpoint,
      credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
    });
    await ssm.send(new PutParameterCommand({ Name: '/drill/after-seed', Value: 'x', Type: 'String' }));
    await client.advanceClock(3600);
    expect((await client.evaluateAlarms(FENCE.region, [FENCE.name]))[0]!.state).toBe('ALARM'); // an hour breaching
    const definition = { StartAt: 'Hour', States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } } };
    const { stateMachineArn } = await client.call<{ stateMachineArn: string }>(
      'stepfunctions',
      'us-east-1',
      'CreateStateMachine',
      { name: 'waits', roleArn: 'arn:aws:iam::123456789012:role/drill', definition: JSON.stringify(definition) },
    );
    await client.configure({ holdClock: true, promotionSeconds: { rds: null } }); // the run waits 7.2 s real
    await client.call('stepfunctions', 'us-east-1', 'StartExecution', { stateMachineArn });
    await client.loseRegions(['us-east-1']);
    await client.setFaults([{ service: 'ssm', action: 'GetParameter', code: 'ThrottlingException' }]);
    expect((await client.dns(`api.${ZONE}`)).values).toEqual(['192.0.2.2']);

    const started = Date.now();
    expect(await client.restore(kept.id, { timeScale: 0.002 })).toMatchObject({ stopped: 1, stillRunning: 0 });
    expect(Date.now() - started).toBeLessThan(3000); // the run was stopped, not waited out

    expect(await client.requests(0)).toEqual([]);
    expect(await client.state()).toMatchObject({
      lostRegions: [],
      faults: [],
      promotionSeconds: { rds: 30, elasticache: 30 },
      pendingPromotions: 0,
    });
    const machines = await client.call<{ stateMachines: unknown[] }>('stepfunctions', 'us-east-1', 'ListStateMachines');
    expect(machines.stateMachines).toEqual([]);
    await expect(client.call('ssm', 'us-east-1', 'GetParameter', { Name: '/drill/after-seed' })).rejects.toThrow(
      /ParameterNotFound/,
    );
    // The seed is back as it was made: its endpoints' regions, its records, and its alarm as new, not
    // an hour old (its creation moved with the clock): no period of it has ended without data yet.
    expect((await client.dns(`api.${ZONE}`)).values).toEqual(['192.0.2.1']);
    expect((await client.evaluateAlarms(FENCE.region, [FENCE.name]))[0]!.state).toBe('INSUFFICIENT_DATA');
    await expect(client.restore(kept.id + 1)).rejects.toThrow(/not the one kept/);
  },
  TIMEOUT_MS,
);
