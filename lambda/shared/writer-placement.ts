// Where the Aurora writer and the cache primary are at run time, as this region's own APIs say: jobs act only there.
import { DescribeGlobalClustersCommand, type GlobalCluster, type RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';

/** What a job follows: the Aurora writer (database backups and checks) or the cache primary (Redis exports). */
export type Follows = 'aurora-writer' | 'cache-primary';

/** Where what a job follows is, and whether that is here. */
export interface Placement {
  readonly follows: Follows;
  /** True when this region holds it: the job acts. */
  readonly here: boolean;
  /** The region that holds it. */
  readonly region: string;
  /** Why, in one line a person can act on. */
  readonly detail: string;
}

/** A run's outcome: it acted, or it found what it follows elsewhere and did nothing. Never a failure. */
export type JobOutcome = 'acted' | `skipped: ${string}`;

/** The outcome of a run that found `placement`; `skipped: writer is in us-east-1` when it is elsewhere. */
export function outcomeOf(placement: Placement): JobOutcome {
  if (placement.here) return 'acted';
  const what = placement.follows === 'aurora-writer' ? 'writer' : 'cache primary';
  return `skipped: ${what} is in ${placement.region}`;
}

/** Thrown when the answer does not say where the writer or primary is: the run fails, it never guesses. */
export class PlacementUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlacementUnknownError';
  }
}

/** This region's member of the Aurora global cluster. */
export interface AuroraTarget {
  readonly globalClusterIdentifier: string;
  /** Identifier of this region's cluster. */
  readonly clusterIdentifier: string;
  /** This region. */
  readonly region: string;
}

/** `us-west-2` of `arn:aws:rds:us-west-2:123456789012:cluster:name`. */
const regionOfArn = (arn: string | undefined): string | undefined => arn?.split(':')[3] || undefined;

const isCluster = (arn: string | undefined, target: AuroraTarget) =>
  regionOfArn(arn) === target.region && arn?.endsWith(`:cluster:${target.clusterIdentifier}`) === true;

/**
 * The Aurora writer's placement from a DescribeGlobalClusters answer. This region's cluster acts
 * when it is the writer member, or when it is no member at all (detached from the global cluster, a
 * cluster is its own writer). A missing global cluster, a failover in progress or no writer at all
 * throw {@link PlacementUnknownError}.
 */
export function auroraWriterPlacement(globalClusters: readonly GlobalCluster[], target: AuroraTarget): Placement {
  const { globalClusterIdentifier: id } = target;
  const global = globalClusters.find((candidate) => candidate.GlobalClusterIdentifier === id);
  if (!global) throw new PlacementUnknownError(`global cluster ${id} not found`);
  const failover = global.FailoverState;
  if (failover?.Status) {
    throw new PlacementUnknownError(
      `global cluster ${id} is ${failover.Status} from ${failover.FromDbClusterArn ?? '?'} to ${failover.ToDbClusterArn ?? '?'}: the writer is moving`,
    );
  }
  const members = global.GlobalClusterMembers ?? [];
  const ours = members.find((member) => isCluster(member.DBClusterArn, target));
  const base = { follows: 'aurora-writer' as const };
  if (ours?.IsWriter) {
    return { ...base, here: true, region: target.region, detail: `${target.clusterIdentifier} is the writer of ${id}` };
  }
  if (!ours) {
    return {
      ...base,
      here: true,
      region: target.region,
      detail: `${target.clusterIdentifier} is no member of ${id}: detached, it is its own writer`,
    };
  }
  const writer = members.find((member) => member.IsWriter);
  const region = regionOfArn(writer?.DBClusterArn);
  if (!region) throw new PlacementUnknownError(`global cluster ${id} has no writer member`);
  return { ...base, here: false, region, detail: `${writer?.DBClusterArn} is the writer of ${id}` };
}

/** This region's cache replication group. */
export interface CacheTarget {
  readonly replicationGroupId: string;
  /** This region. */
  readonly region: string;
  /** The stage's other region: a Global Datastore of the stage spans exactly these two. */
  readonly peerRegion: string;
}

/**
 * The cache primary's placement from a DescribeReplicationGroups answer: the group's role in its
 * Global Datastore, and a group outside any datastore is its own primary. Where the stage keeps no
 * Global Datastore, every group is standalone by design and the cache in use is the one of the
 * active region: pass the Aurora writer's placement as `standalone` and it decides instead.
 */
export function cachePrimaryPlacement(
  groups: readonly ReplicationGroup[],
  target: CacheTarget,
  standalone?: Placement,
): Placement {
  const { replicationGroupId: id } = target;
  const group = groups.find((candidate) => candidate.ReplicationGroupId === id);
  if (!group) throw new PlacementUnknownError(`replication group ${id} not found`);
  const base = { follows: 'cache-primary' as const };
  const info = group.GlobalReplicationGroupInfo;
  if (!info?.GlobalReplicationGroupId) {
    if (standalone) {
      return {
        ...base,
        here: standalone.here,
        region: standalone.region,
        detail: `${id} is standalone by design; the active region follows the Aurora writer: ${standalone.detail}`,
      };
    }
    return {
      ...base,
      here: true,
      region: target.region,
      detail: `${id} is in no Global Datastore: it is its own primary`,
    };
  }
  const role = info.GlobalReplicationGroupMemberRole;
  const datastore = info.GlobalReplicationGroupId;
  if (role === 'PRIMARY') {
    return { ...base, here: true, region: target.region, detail: `${id} is the primary of ${datastore}` };
  }
  if (role === 'SECONDARY') {
    return { ...base, here: false, region: target.peerRegion, detail: `${id} is a secondary of ${datastore}` };
  }
  throw new PlacementUnknownError(`${id} has the role ${role ?? 'none'} in ${datastore}`);
}

/**
 * Where the Aurora writer is, from this region's RDS API. moto ignores the identifier filter, so the
 * answer is searched for the global cluster by identifier.
 */
export async function findAuroraWriter(rds: RDSClient, target: AuroraTarget): Promise<Placement> {
  const { GlobalClusters } = await rds.send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: target.globalClusterIdentifier }),
  );
  return auroraWriterPlacement(GlobalClusters ?? [], target);
}

/** What {@link findCachePrimary} reads. */
export interface CachePlacementClients {
  readonly elasticache: ElastiCacheClient;
  /** Only where standalone groups follow the Aurora writer. */
  readonly rds?: RDSClient;
}

/** How the cache primary is found: by the group's role, or, for a stage without a Global Datastore, by the Aurora writer. */
export interface CachePlacementTarget extends CacheTarget {
  /** Set where the stage keeps no Global Datastore. */
  readonly standaloneFollows?: AuroraTarget;
}

/** Where the cache primary is, from this region's ElastiCache API (and RDS's, for a stage without a Global Datastore). */
export async function findCachePrimary(
  clients: CachePlacementClients,
  target: CachePlacementTarget,
): Promise<Placement> {
  const { ReplicationGroups } = await clients.elasticache.send(
    new DescribeReplicationGroupsCommand({ ReplicationGroupId: target.replicationGroupId }),
  );
  const groups = ReplicationGroups ?? [];
  const standalone = groups.find((group) => group.ReplicationGroupId === target.replicationGroupId)
    ?.GlobalReplicationGroupInfo?.GlobalReplicationGroupId
    ? undefined
    : target.standaloneFollows;
  if (standalone && !clients.rds) throw new Error('an RDS client is needed to follow the Aurora writer');
  const writer = standalone && clients.rds ? await findAuroraWriter(clients.rds, standalone) : undefined;
  return cachePrimaryPlacement(groups, target, writer);
}
