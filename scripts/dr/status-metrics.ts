// The sections of dr status read from CloudWatch metrics: the DNS answer and the replication lags.
import { DIMENSION, FUNCTIONS, METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import { awsCall } from './aws';
import { clientSettings, ok, type Member, type Section, type StatusDeps } from './status-model';

/** The newest datapoint of one metric over the last 15 minutes, or undefined when there is none. */
async function latestDatapoint(
  deps: StatusDeps,
  region: string,
  metric: { namespace: string; name: string; dimensions: Record<string, string>; stat: string },
  now: Date,
): Promise<{ value: number; at: string } | undefined> {
  const { CloudWatchClient, GetMetricDataCommand } = await deps.sdk.cloudwatch();
  const client = new CloudWatchClient(clientSettings(deps, region));
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

export async function dnsAnswer(deps: StatusDeps): Promise<Section<{ primaryAnswered: number; at: string }>> {
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

export async function auroraLag(
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

export async function cacheLag(
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
        new ElastiCacheClient(clientSettings(deps, member.region)).send(
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
