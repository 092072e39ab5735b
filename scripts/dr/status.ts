// dr status: where each tier stands, read from the region that is up; a section that cannot be read is UNKNOWN with its reason.
import { awsCall } from './aws';
import { auroraLag, cacheLag, dnsAnswer } from './status-metrics';
import {
  SECTION_TITLES,
  clientSettings,
  idOfArn,
  ok,
  regionOfArn,
  type Member,
  type Section,
  type SectionName,
  type StatusDeps,
  type StatusReport,
} from './status-model';

async function activeRegion(deps: StatusDeps, region: string): Promise<Section<{ value: string }>> {
  const { SSMClient, GetParameterCommand } = await deps.sdk.ssm();
  const name = deps.names.parameters.activeRegion;
  const answer = await awsCall(
    `ssm:GetParameter ${name}`,
    region,
    'deploy the Automation stack, or check your credentials',
    () => new SSMClient(clientSettings(deps, region)).send(new GetParameterCommand({ Name: name })),
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
    () =>
      new RDSClient(clientSettings(deps, region)).send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }),
      ),
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
        new SSMClient(clientSettings(deps, region)).send(new GetParameterCommand({ Name: parameter })),
      )
    ).Parameter?.Value ?? '';
  const client = new ElastiCacheClient(clientSettings(deps, region));
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
    () => new CloudWatchClient(clientSettings(deps, region)).send(new DescribeAlarmsCommand({ AlarmNames: [alarm] })),
  );
  const state = answer.MetricAlarms?.[0]?.StateValue;
  if (!state) return { state: 'unknown', reason: `alarm ${alarm} not found in ${region}` };
  const meaning =
    state === 'ALARM' ? `raised: api answers ${region}` : state === 'OK' ? 'lifted' : `${state}: keeps its last state`;
  return ok(`${meaning} (${alarm} in ${region})`, { alarm, state });
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
    new SSMClient(clientSettings(deps, region)).send(new GetParametersCommand({ Names: Object.values(wanted) })),
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
  const client = new CloudWatchClient(clientSettings(deps, region));
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
  const client = new SFNClient(clientSettings(deps, region));
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
