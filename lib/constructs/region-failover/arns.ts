// The ARNs a region failover calls and is granted, built from identifiers so nothing refers to another stack.
import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';
import type { RegionFailoverCache, RegionFailoverProps } from './props';

/** Every ARN the states call and the role grants. */
export interface FailoverArns {
  /** This region's Aurora member cluster. */
  readonly cluster: string;
  /** The Aurora global cluster; global clusters have no region in their ARN. */
  readonly globalCluster: string;
  /** Both member clusters: a failover changes the writer and the demoted reader. */
  readonly memberClusters: readonly string[];
  /** The cache's ARNs, when the stage has a Global Datastore. */
  readonly cache?: CacheArns;
  /** This region's lock table. */
  readonly lockTable: string;
  /** The active-region parameter of this region. */
  readonly activeRegionParameter: string;
  /** The two signal alarms an alarm-started activation re-reads, when the region has a decision. */
  readonly decisionAlarms?: readonly string[];
}

/** The ARNs of the cache member. */
export interface CacheArns {
  /** Every Global Datastore whose id ends with the stage's suffix: AWS picks the prefix. */
  readonly globalDatastore: string;
  /** This region's replication group. */
  readonly replicationGroup: string;
  /** The other region's replication group, which a failback makes primary again. */
  readonly peerReplicationGroup: string;
}

/** The ARNs of {@link FailoverArns}, in the partition and account of `stack`. */
export function failoverArns(stack: Stack, props: RegionFailoverProps): FailoverArns {
  const cluster = Arn.format(
    {
      service: 'rds',
      resource: 'cluster',
      resourceName: props.clusterIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
  const peerCluster = stack.formatArn({
    service: 'rds',
    region: props.peerRegion,
    resource: 'cluster',
    resourceName: props.peerClusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const globalCluster = stack.formatArn({
    service: 'rds',
    region: '',
    resource: 'global-cluster',
    resourceName: props.globalClusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const alarm = (name: string) =>
    stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  return {
    lockTable: stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: props.lockTableName }),
    activeRegionParameter: stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: props.activeRegionParameterName.replace(/^\//, ''),
    }),
    ...(props.decision
      ? { decisionAlarms: [alarm(props.decision.probeAlarmName), alarm(props.decision.route53ViewAlarmName)] }
      : {}),
    cluster,
    globalCluster,
    memberClusters: [cluster, peerCluster],
    ...(props.cache ? { cache: cacheArns(stack, props.cache, props.peerRegion) } : {}),
  };
}

function cacheArns(stack: Stack, cache: RegionFailoverCache, peerRegion: string): CacheArns {
  return {
    // Global Datastores have no region in their ARN, and their id starts with a prefix AWS picks.
    globalDatastore: stack.formatArn({
      service: 'elasticache',
      region: '',
      resource: 'globalreplicationgroup',
      resourceName: `*-${cache.globalDatastoreIdSuffix}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    replicationGroup: stack.formatArn({
      service: 'elasticache',
      resource: 'replicationgroup',
      resourceName: cache.replicationGroupId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    peerReplicationGroup: stack.formatArn({
      service: 'elasticache',
      region: peerRegion,
      resource: 'replicationgroup',
      resourceName: cache.peerReplicationGroupId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  };
}
