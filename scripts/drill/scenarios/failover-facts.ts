// What the failover scenarios read from the seeded world: the region pair, who leads Aurora and the cache, what was published and recorded, who called which region.
import { METRIC, METRICS_NAMESPACE } from '../../../lib/contract/metrics';
import { callArgument } from '../machine';
import type { ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';

/** The stage's region pair and its global resources, as seeded from the assembly. */
export interface FailoverDeployment {
  /** Region of the Aurora writer when the drill starts. */
  readonly primary: string;
  readonly secondary: string;
  readonly globalClusterId: string;
  /** The Global Datastore, when the stage has one. */
  readonly datastoreId?: string;
  /** The secondary region's replication group, which the machine promotes or detaches (with a Global Datastore). */
  readonly cacheGroupId?: string;
  /** The state machine of the secondary region that moves the writer there. */
  readonly machine: SeededStateMachine;
}

interface GlobalClusterMember {
  DBClusterArn: string;
  IsWriter: boolean;
}

const regionOfArn = (arn: string) => arn.split(':')[3];

async function writerArn(
  context: ScenarioContext,
  region: string,
  globalClusterId: string,
): Promise<string | undefined> {
  const { GlobalClusters } = await context.client.call<{
    GlobalClusters: { GlobalClusterMembers: GlobalClusterMember[] }[];
  }>('rds', region, 'DescribeGlobalClusters', { GlobalClusterIdentifier: globalClusterId });
  return GlobalClusters[0]?.GlobalClusterMembers.find((member) => member.IsWriter)?.DBClusterArn;
}

/** Reads the deployment from the world; throws when the assembly has no Aurora global cluster or no failover machine. */
export async function failoverDeployment(context: ScenarioContext): Promise<FailoverDeployment> {
  const { world } = context;
  const [global] = world.resources('AWS::RDS::GlobalCluster');
  if (!global) throw new Error('the assembly has no AWS::RDS::GlobalCluster: there is nothing to fail over');
  const globalClusterId = world.physicalId(global.stack, global.logicalId);
  const writer = await writerArn(context, global.stack.region, globalClusterId);
  if (!writer) throw new Error(`${globalClusterId} has no writer after seeding`);
  const primary = regionOfArn(writer);
  const memberRegions = world
    .resources('AWS::RDS::DBCluster')
    .filter(({ properties }) => properties.GlobalClusterIdentifier === globalClusterId)
    .map(({ stack }) => stack.region);
  const secondary = memberRegions.find((region) => region !== primary);
  if (!secondary) throw new Error(`${globalClusterId} has no member outside ${primary}`);
  const machine = world.stateMachines.find(
    (candidate) =>
      candidate.region === secondary && /:rds:(failover|switchover)GlobalCluster/.test(candidate.definition),
  );
  if (!machine) throw new Error(`no state machine of ${secondary} moves the Aurora writer`);
  const [datastore] = world.resources('AWS::ElastiCache::GlobalReplicationGroup');
  const datastoreId = datastore ? world.physicalId(datastore.stack, datastore.logicalId) : undefined;
  const cacheGroupId = datastoreId
    ? callArgument(machine, 'elasticache:describeReplicationGroups', 'ReplicationGroupId')
    : undefined;
  return {
    primary,
    secondary,
    globalClusterId,
    machine,
    ...(datastoreId ? { datastoreId } : {}),
    ...(cacheGroupId ? { cacheGroupId } : {}),
  };
}

/** Region of the Aurora writer now, read in `from` (a region that answers). */
export async function auroraWriterRegion(context: ScenarioContext, deployment: FailoverDeployment): Promise<string> {
  const arn = await writerArn(context, deployment.secondary, deployment.globalClusterId);
  return arn ? regionOfArn(arn) : 'none';
}

/** Whether the secondary's replication group has left its Global Datastore (an activation detached it). */
export async function cacheDetached(context: ScenarioContext, deployment: FailoverDeployment): Promise<boolean> {
  if (!deployment.cacheGroupId) return false;
  const { ReplicationGroups } = await context.client.call<{
    ReplicationGroups: { GlobalReplicationGroupInfo?: { GlobalReplicationGroupId?: string } }[];
  }>('elasticache', deployment.secondary, 'DescribeReplicationGroups', { ReplicationGroupId: deployment.cacheGroupId });
  return !ReplicationGroups[0]?.GlobalReplicationGroupInfo?.GlobalReplicationGroupId;
}

/**
 * Region of the cache's primary now: the secondary when its group was detached (a standalone group
 * is its own primary), else the region of the Global Datastore's primary member; undefined when
 * the stage has no Global Datastore.
 */
export async function cachePrimaryRegion(
  context: ScenarioContext,
  deployment: FailoverDeployment,
): Promise<string | undefined> {
  if (!deployment.datastoreId) return undefined;
  if (await cacheDetached(context, deployment)) return deployment.secondary;
  const { GlobalReplicationGroups } = await context.client.call<{
    GlobalReplicationGroups: { Members: { Role: string; ReplicationGroupRegion: string }[] }[];
  }>('elasticache', deployment.secondary, 'DescribeGlobalReplicationGroups', {
    GlobalReplicationGroupId: deployment.datastoreId,
    ShowMemberInfo: true,
  });
  return (
    GlobalReplicationGroups[0]?.Members.find((member) => member.Role === 'PRIMARY')?.ReplicationGroupRegion ?? 'none'
  );
}

/** A message published to a topic of the world. */
export interface Published {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
}

/** Messages published to the topics of `region` since the last read (each is read once). */
export async function publishedMessages(context: ScenarioContext, region: string): Promise<Published[]> {
  const found: Published[] = [];
  for (const inbox of context.world.inboxes.filter((candidate) => candidate.region === region)) {
    for (;;) {
      const { Messages = [] } = await context.client.call<{ Messages?: { Body: string }[] }>(
        'sqs',
        region,
        'ReceiveMessage',
        { QueueUrl: inbox.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 3600 },
      );
      if (Messages.length === 0) break;
      for (const { Body } of Messages) {
        const envelope = JSON.parse(Body) as { Subject?: string; Message?: string };
        found.push({ topicArn: inbox.topicArn, subject: envelope.Subject ?? '', message: envelope.Message ?? '' });
      }
    }
  }
  return found;
}

/** Whether a notice reports a failure (its subject or text says failed or failure; "failover" does not count). */
export const reportsFailure = (published: Published) =>
  /\bfail(ed|ure|s)?\b/i.test(`${published.subject} ${published.message}`);

/** The datapoints of the failover time metric in `region`: how many, and the largest value. */
export async function failoverTimeDatapoints(
  context: ScenarioContext,
  region: string,
): Promise<{ count: number; maximum?: number }> {
  const { Metrics = [] } = await context.client.call<{ Metrics?: { Dimensions: unknown[] }[] }>(
    'cloudwatch',
    region,
    'ListMetrics',
    { Namespace: METRICS_NAMESPACE, MetricName: METRIC.failoverTimeSeconds },
  );
  let count = 0;
  let maximum: number | undefined;
  const now = Date.now();
  for (const { Dimensions } of Metrics) {
    const { Datapoints = [] } = await context.client.call<{ Datapoints?: { SampleCount: number; Maximum: number }[] }>(
      'cloudwatch',
      region,
      'GetMetricStatistics',
      {
        Namespace: METRICS_NAMESPACE,
        MetricName: METRIC.failoverTimeSeconds,
        Dimensions,
        // Datapoints carry moto's real clock: a window wide enough for any drill.
        StartTime: new Date(now - 86_400_000).toISOString(),
        EndTime: new Date(now + 86_400_000).toISOString(),
        Period: 86_400,
        Statistics: ['SampleCount', 'Maximum'],
      },
    );
    for (const point of Datapoints) {
      count += point.SampleCount;
      maximum = Math.max(maximum ?? point.Maximum, point.Maximum);
    }
  }
  return { count, ...(maximum === undefined ? {} : { maximum }) };
}

interface AslState {
  Type: string;
  Resource?: string;
  Assign?: unknown;
  Branches?: { States: Record<string, AslState> }[];
}

/**
 * The Aurora promotion deadline the definition counts, in seconds: the `$millis() + <ms>` that the
 * state calling FailoverGlobalCluster (or SwitchoverGlobalCluster) assigns.
 */
export function promotionDeadlineSeconds(machine: SeededStateMachine): number | undefined {
  const deadlines: number[] = [];
  const visit = (states: Record<string, AslState>) => {
    for (const state of Object.values(states)) {
      if (/:rds:(failover|switchover)GlobalCluster/.test(state.Resource ?? '')) {
        for (const match of JSON.stringify(state.Assign ?? {}).matchAll(/\$millis\(\)\s*\+\s*(\d+)/g)) {
          deadlines.push(Number(match[1]) / 1000);
        }
      }
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit((JSON.parse(machine.definition) as { States: Record<string, AslState> }).States);
  return deadlines.length ? Math.max(...deadlines) : undefined;
}
