// dr status: where each tier stands, read from the region that is up; a section that cannot be read is UNKNOWN with its reason.
import { DIMENSION, FUNCTIONS, METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import { awsCall, clientConfig, type Sdk } from './aws';
import type { StageNames } from './stage';

/** One line of the screen: a value, or UNKNOWN and why. */
export type Section<T> =
  | { readonly state: 'ok'; readonly summary: string; readonly detail: T }
  | { readonly state: 'unknown'; readonly reason: string };

export interface StatusReport {
  readonly stage: string;
  readonly region: string;
  readonly regionSource: string;
  readonly readAt: string;
  readonly sections: Record<SectionName, Section<unknown>>;
  /** Names of the sections that could not be read; the exit status is 1 when any is. */
  readonly unknown: readonly SectionName[];
}

export const SECTION_TITLES = {
  activeRegion: 'active region',
  writer: 'writer (Aurora)',
  cachePrimary: 'cache primary',
  dnsAnswer: 'DNS answer',
  fence: 'DNS fence',
  auroraLag: 'Aurora lag',
  cacheLag: 'cache lag',
  backups: 'backups/checks',
  alarms: 'open alarms',
  recoveries: 'running recoveries',
} as const;
export type SectionName = keyof typeof SECTION_TITLES;

export interface StatusDeps {
  readonly sdk: Sdk;
  readonly names: StageNames;
  readonly now: () => Date;
  /** The region read from; set by readStatus. */
  readonly home?: string;
}

/**
 * Client settings for `region`. The region read from is up; any other (the secondary's lag, the
 * fence and the DNS view in the secondary) may be the lost one, so it gets one attempt and short
 * timeouts: a lost region makes its sections UNKNOWN in seconds instead of stalling the screen.
 */
function config(deps: StatusDeps, region: string) {
  return clientConfig(region, region !== deps.home);
}

interface Member {
  readonly region: string;
  readonly id: string;
  readonly primary: boolean;
}

const ok = <T>(summary: string, detail: T): Section<T> => ({ state: 'ok', summary, detail });
const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';
const idOfArn = (arn: string) => arn.split(':').pop() ?? '';

/** The newest datapoint of one metric over the last 15 minutes, or undefined when there is none. */
async function latestDatapoint(
  deps: StatusDeps,
  region: string,
  metric: { namespace: string; name: string; dimensions: Record<string, string>; stat: string },
  now: Date,
): Promise<{ value: number; at: string } | undefined> {
  const { CloudWatchClient, GetMetricDataCommand } = await deps.sdk.cloudwatch();
  const client = new CloudWatchClient(config(deps, region));
  const answer = await awsCall(
    `cloudwatch:GetMetricData ${metric.name}`,
    region,
    'check your credentials and that the region answers',
    () =>
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - 15 * 60_000),
          EndTime: now,
          ScanBy: 'TimestampDescending',
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: {
                  Namespace: metric.namespace,
                  MetricName: metric.name,
                  Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: 60,
                Stat: metric.stat,
              },
            },
          ],
        }),
      ),
  );
  const result = answer.MetricDataResults?.[0];
  const values = result?.Values ?? [];
  const times = result?.Timestamps ?? [];
  if (values.length === 0) return undefined;
  // Not every implementation honours ScanBy: take the newest timestamp explicitly.
  let newest = 0;
  times.forEach((time, index) => {
    if (new Date(time).getTime() > new Date(times[newest] ?? 0).getTime()) newest = index;
  });
  return { value: values[newest] ?? NaN, at: new Date(times[newest] ?? 0).toISOString() };
}

async function activeRegion(deps: StatusDeps, region: string): Promise<Section<{ value: string }>> {
  const { SSMClient, GetParameterCommand } = await deps.sdk.ssm();
  const name = deps.names.parameters.activeRegion;
  const answer = await awsCall(
    `ssm:GetParameter ${name}`,
    region,
    'deploy the Automation stack, or check your credentials',
    () => new SSMClient(config(deps, region)).send(new GetParameterCommand({ Name: name })),
  );
  const value = answer.Parameter?.Value ?? '';
  return ok(value, { value });
}

async function writer(deps: StatusDeps, region: string): Promise<Section<{ members: Member[] }>> {
  const { RDSClient, DescribeGlobalClustersCommand } = await deps.sdk.rds();
  const id = deps.names.globalClusterId;
  const answer = await awsCall(
    `rds:DescribeGlobalClusters ${id}`,
    region,
    'check that the Data stacks are deployed and your credentials',
    () => new RDSClient(config(deps, region)).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id })),
  );
  const members: Member[] = (answer.GlobalClusters?.[0]?.GlobalClusterMembers ?? []).map((member) => ({
    region: regionOfArn(member.DBClusterArn ?? ''),
    id: idOfArn(member.DBClusterArn ?? ''),
    primary: member.IsWriter === true,
  }));
  const writers = members.filter((member) => member.primary);
  if (writers.length !== 1) return { state: 'unknown', reason: `global cluster ${id} has ${writers.length} writers` };
  const others = members.filter((member) => !member.primary).map((member) => `${member.region} reader`);
  return ok(
    [writers[0]?.region, others.length ? `(${others.join(', ')})` : '(no secondary: not replicating)'].join(' '),
    { members },
  );
}

async function cachePrimary(deps: StatusDeps, region: string): Promise<Section<{ id: string; members: Member[] }>> {
  const [{ ElastiCacheClient, paginateDescribeGlobalReplicationGroups }, { SSMClient, GetParameterCommand }] =
    await Promise.all([deps.sdk.elasticache(), deps.sdk.ssm()]);
  const suffix = deps.names.globalDatastoreSuffix;
  const parameter = deps.names.parameters.replicationGroupId;
  // The region's own group: an activation with the primary lost detaches it from the Global
  // Datastore, which then still lists the lost primary; the group is the region's primary anyway.
  const ownGroup =
    (
      await awsCall(`ssm:GetParameter ${parameter}`, region, 'check that the Cache stack is deployed', () =>
        new SSMClient(config(deps, region)).send(new GetParameterCommand({ Name: parameter })),
      )
    ).Parameter?.Value ?? '';
  const client = new ElastiCacheClient(config(deps, region));
  const found = await awsCall(
    'elasticache:DescribeGlobalReplicationGroups',
    region,
    'check that the Cache stacks are deployed and your credentials',
    async () => {
      for await (const page of paginateDescribeGlobalReplicationGroups({ client }, { ShowMemberInfo: true })) {
        // ElastiCache prepends a prefix of its own to the id the stack gave.
        const group = (page.GlobalReplicationGroups ?? []).find((each) =>
          each.GlobalReplicationGroupId?.endsWith(`-${suffix}`),
        );
        if (group) return group;
      }
      return undefined;
    },
  );
  const standalone = [{ region, id: ownGroup, primary: true }];
  if (!found) return ok(`${region} (${ownGroup} stands alone: no Global Datastore)`, { id: '', members: standalone });
  const members: Member[] = (found.Members ?? []).map((member) => ({
    region: member.ReplicationGroupRegion ?? '',
    id: member.ReplicationGroupId ?? '',
    primary: member.Role === 'PRIMARY',
  }));
  const id = found.GlobalReplicationGroupId ?? '';
  if (!members.some((member) => member.region === region && member.id === ownGroup)) {
    const listed = members.map((member) => `${member.region} ${member.primary ? 'primary' : 'secondary'}`).join(', ');
    return ok(`${region} (detached: ${ownGroup} stands alone; ${id} still lists ${listed || 'no member'})`, {
      id,
      members: standalone,
    });
  }
  const primary = members.find((member) => member.primary);
  if (!primary) return { state: 'unknown', reason: `${id} has no primary member` };
  const others = members.filter((member) => !member.primary).map((member) => `${member.region} secondary`);
  return ok(`${primary.region} ${others.length ? `(${others.join(', ')})` : '(no secondary: not replicating)'}`, {
    id,
    members,
  });
}

async function fence(deps: StatusDeps): Promise<Section<{ alarm: string; state: string }>> {
  const { CloudWatchClient, DescribeAlarmsCommand } = await deps.sdk.cloudwatch();
  const region = deps.names.secondary;
  const alarm = deps.names.fenceAlarm;
  const answer = await awsCall(
    `cloudwatch:DescribeAlarms ${alarm}`,
    region,
    `the fence lives in ${region}; check that it answers`,
    () => new CloudWatchClient(config(deps, region)).send(new DescribeAlarmsCommand({ AlarmNames: [alarm] })),
  );
  const state = answer.MetricAlarms?.[0]?.StateValue;
  if (!state) return { state: 'unknown', reason: `alarm ${alarm} not found in ${region}` };
  const meaning =
    state === 'ALARM' ? `raised: api answers ${region}` : state === 'OK' ? 'lifted' : `${state}: keeps its last state`;
  return ok(`${meaning} (${alarm} in ${region})`, { alarm, state });
}

async function dnsAnswer(deps: StatusDeps): Promise<Section<{ primaryAnswered: number; at: string }>> {
  const region = deps.names.secondary;
  const point = await latestDatapoint(
    deps,
    region,
    {
      namespace: METRICS_NAMESPACE,
      name: METRIC.route53PrimaryAnswered,
      dimensions: {
        [DIMENSION.service]: FUNCTIONS.dnsView.service,
        [DIMENSION.stage]: deps.names.stage,
        [DIMENSION.region]: region,
      },
      stat: 'Minimum',
    },
    deps.now(),
  );
  if (!point)
    return {
      state: 'unknown',
      reason: `no ${METRIC.route53PrimaryAnswered} datapoint from dns-view in ${region} in 15 minutes`,
    };
  const answered = point.value >= 1 ? `${deps.names.primary} (primary)` : `not the primary: ${region} or nothing`;
  return ok(`${answered}, sampled ${point.at}`, { primaryAnswered: point.value, at: point.at });
}

async function auroraLag(
  deps: StatusDeps,
  members: readonly Member[],
): Promise<Section<{ lags: Record<string, number | null> }>> {
  const lags: Record<string, number | null> = {};
  for (const member of members.filter((each) => !each.primary)) {
    const point = await latestDatapoint(
      deps,
      member.region,
      {
        namespace: 'AWS/RDS',
        name: 'AuroraGlobalDBRPOLag',
        dimensions: { DBClusterIdentifier: member.id },
        stat: 'Maximum',
      },
      deps.now(),
    );
    lags[member.region] = point?.value ?? null;
  }
  return lagSection(lags, 'ms');
}

async function cacheLag(
  deps: StatusDeps,
  members: readonly Member[],
): Promise<Section<{ lags: Record<string, number | null> }>> {
  const { ElastiCacheClient, DescribeReplicationGroupsCommand } = await deps.sdk.elasticache();
  const lags: Record<string, number | null> = {};
  for (const member of members.filter((each) => !each.primary)) {
    const answer = await awsCall(
      `elasticache:DescribeReplicationGroups ${member.id}`,
      member.region,
      'check that the region answers',
      () =>
        new ElastiCacheClient(config(deps, member.region)).send(
          new DescribeReplicationGroupsCommand({ ReplicationGroupId: member.id }),
        ),
    );
    let worst: number | null = null;
    for (const node of answer.ReplicationGroups?.[0]?.MemberClusters ?? []) {
      const point = await latestDatapoint(
        deps,
        member.region,
        {
          namespace: 'AWS/ElastiCache',
          name: 'GlobalDatastoreReplicationLag',
          dimensions: { CacheClusterId: node },
          stat: 'Maximum',
        },
        deps.now(),
      );
      if (point) worst = Math.max(worst ?? 0, point.value);
    }
    lags[member.region] = worst;
  }
  return lagSection(lags, 's');
}

function lagSection(
  lags: Record<string, number | null>,
  unit: string,
): Section<{ lags: Record<string, number | null> }> {
  const entries = Object.entries(lags);
  if (entries.length === 0) return ok('no secondary: nothing replicates', { lags });
  const missing = entries.filter(([, value]) => value === null).map(([region]) => region);
  // No datapoint from a secondary means its replication is not reporting: the alarms count it as a breach too.
  if (missing.length > 0) return { state: 'unknown', reason: `no datapoint in 15 minutes from ${missing.join(', ')}` };
  return ok(entries.map(([region, value]) => `${region} ${value} ${unit}`).join(', '), { lags });
}

async function backups(
  deps: StatusDeps,
  region: string,
): Promise<Section<{ records: Record<string, { value: string; at: string } | null> }>> {
  const { SSMClient, GetParametersCommand } = await deps.sdk.ssm();
  const p = deps.names.parameters;
  const wanted = {
    aurora: p.auroraLatest,
    integrity: p.integrityReport,
    redis: p.redisBackup,
    crossRegion: p.crossRegionReport,
    iac: p.iacBackup,
  };
  const answer = await awsCall('ssm:GetParameters (backup records)', region, 'check your credentials', () =>
    new SSMClient(config(deps, region)).send(new GetParametersCommand({ Names: Object.values(wanted) })),
  );
  const records: Record<string, { value: string; at: string } | null> = {};
  for (const [key, name] of Object.entries(wanted)) {
    const found = answer.Parameters?.find((each) => each.Name === name);
    records[key] = found
      ? { value: found.Value ?? '', at: found.LastModifiedDate ? new Date(found.LastModifiedDate).toISOString() : '' }
      : null;
  }
  const summary = Object.entries(records)
    .map(([key, record]) => `${key} ${record ? record.at.slice(0, 16).replace('T', ' ') : 'never recorded'}`)
    .join(', ');
  return ok(summary, { records });
}

async function alarms(deps: StatusDeps, region: string): Promise<Section<{ names: string[] }>> {
  const { CloudWatchClient, paginateDescribeAlarms } = await deps.sdk.cloudwatch();
  const client = new CloudWatchClient(config(deps, region));
  const names: string[] = [];
  await awsCall('cloudwatch:DescribeAlarms StateValue=ALARM', region, 'check your credentials', async () => {
    for await (const page of paginateDescribeAlarms(
      { client },
      { StateValue: 'ALARM', AlarmNamePrefix: deps.names.alarmPrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
    )) {
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])])
        names.push(alarm.AlarmName ?? '');
    }
  });
  return ok(names.length === 0 ? 'none' : `${names.length}: ${names.join(', ')}`, { names });
}

async function recoveries(
  deps: StatusDeps,
  region: string,
): Promise<Section<{ runs: { stateMachine: string; executionArn: string; started: string }[] }>> {
  const { SFNClient, paginateListStateMachines, paginateListExecutions } = await deps.sdk.sfn();
  const client = new SFNClient(config(deps, region));
  const prefix = deps.names.stateMachinePrefix(region);
  const runs: { stateMachine: string; executionArn: string; started: string }[] = [];
  await awsCall('states:ListStateMachines/ListExecutions RUNNING', region, 'check your credentials', async () => {
    for await (const page of paginateListStateMachines({ client }, {})) {
      for (const machine of page.stateMachines ?? []) {
        if (!machine.name?.startsWith(prefix) || !machine.stateMachineArn) continue;
        for await (const executions of paginateListExecutions(
          { client },
          { stateMachineArn: machine.stateMachineArn, statusFilter: 'RUNNING' },
        )) {
          for (const run of executions.executions ?? []) {
            runs.push({
              stateMachine: machine.name,
              executionArn: run.executionArn ?? '',
              started: run.startDate ? new Date(run.startDate).toISOString() : '',
            });
          }
        }
      }
    }
  });
  return ok(
    runs.length === 0
      ? 'none'
      : runs.map((run) => `${run.stateMachine.slice(prefix.length)} since ${run.started}`).join(', '),
    { runs },
  );
}

/** Runs a section; its failure is its UNKNOWN, never the whole command's. */
async function section<T>(read: () => Promise<Section<T>>): Promise<Section<T>> {
  try {
    return await read();
  } catch (error) {
    return { state: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

export async function readStatus(
  given: StatusDeps,
  stage: string,
  region: string,
  regionSource: string,
): Promise<StatusReport> {
  const deps: StatusDeps = { ...given, home: region };
  const writerSection = section(() => writer(deps, region));
  const cacheSection = section(() => cachePrimary(deps, region));
  const membersOf = async (pending: Promise<Section<unknown>>, what: string): Promise<readonly Member[]> => {
    const done = await pending;
    if (done.state !== 'ok') throw new Error(`the ${what} is UNKNOWN, so its secondaries are too`);
    return (done.detail as { members: Member[] }).members;
  };
  const entries = await Promise.all(
    [
      ['activeRegion', section(() => activeRegion(deps, region))],
      ['writer', writerSection],
      ['cachePrimary', cacheSection],
      ['dnsAnswer', section(() => dnsAnswer(deps))],
      ['fence', section(() => fence(deps))],
      ['auroraLag', section(async () => auroraLag(deps, await membersOf(writerSection, 'writer')))],
      ['cacheLag', section(async () => cacheLag(deps, await membersOf(cacheSection, 'cache primary')))],
      ['backups', section(() => backups(deps, region))],
      ['alarms', section(() => alarms(deps, region))],
      ['recoveries', section(() => recoveries(deps, region))],
    ].map(async ([name, pending]) => [name, await pending] as const),
  );
  const sections = Object.fromEntries(entries) as Record<SectionName, Section<unknown>>;
  const unknown = (Object.keys(SECTION_TITLES) as SectionName[]).filter((name) => sections[name].state !== 'ok');
  return { stage, region, regionSource, readAt: deps.now().toISOString(), sections, unknown };
}

/** The report as one screen of text. */
export function renderStatus(report: StatusReport): string {
  const width = Math.max(...Object.values(SECTION_TITLES).map((title) => title.length)) + 2;
  const lines = [
    `dr status: stage ${report.stage}, read from ${report.region} (${report.regionSource}) at ${report.readAt}`,
  ];
  for (const [name, title] of Object.entries(SECTION_TITLES) as [SectionName, string][]) {
    const value = report.sections[name];
    lines.push(`  ${title.padEnd(width)}${value.state === 'ok' ? value.summary : `UNKNOWN: ${value.reason}`}`);
  }
  if (report.unknown.length > 0) lines.push(`${report.unknown.length} section(s) UNKNOWN: exit status 1`);
  return lines.join('\n');
}
