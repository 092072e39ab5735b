// The ElastiCache Global Datastore across regions, and the lookup that hands its AWS-prefixed id to the secondary region.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { PeerParameterLookup } from './deploy-time-lookup';
import type { RedisReplicationGroup } from './redis-replication-group';

/** Props of {@link RedisGlobalDatastore}. */
export interface RedisGlobalDatastoreProps {
  /** The replication group of the primary region, which accepts the writes. */
  readonly primary: RedisReplicationGroup;
  /**
   * Suffix of the Global Datastore id; ElastiCache prepends a prefix of its own per region, so the
   * full id is only known after deploy.
   */
  readonly idSuffix: string;
  /** What the Global Datastore is for. */
  readonly description: string;
  /**
   * Fixed-name SSM parameter that receives the full id, for the secondary region, the backup
   * Lambdas and the failover runbook.
   */
  readonly idParameterName: string;
}

/**
 * A Global Datastore with the primary region's group as its primary member. The secondary region
 * joins by creating its replication group with the id published in {@link idParameterName}.
 */
export class RedisGlobalDatastore extends Construct {
  public readonly resource: elasticache.CfnGlobalReplicationGroup;
  /** The full id, `<AWS prefix>-<suffix>`, as a deploy-time token. */
  public readonly globalReplicationGroupId: string;
  public readonly idParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: RedisGlobalDatastoreProps) {
    super(scope, id);
    this.resource = new elasticache.CfnGlobalReplicationGroup(this, 'Resource', {
      globalReplicationGroupIdSuffix: props.idSuffix,
      globalReplicationGroupDescription: props.description,
      automaticFailoverEnabled: true,
      members: [
        {
          replicationGroupId: props.primary.resource.ref,
          replicationGroupRegion: Stack.of(this).region,
          role: 'PRIMARY',
        },
      ],
    });
    // Deleting the Global Datastore would cut the secondary loose mid-incident: keep it.
    this.resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.globalReplicationGroupId = this.resource.ref;
    this.idParameter = new ssm.StringParameter(this, 'IdParameter', {
      parameterName: props.idParameterName,
      stringValue: this.globalReplicationGroupId,
      description: 'Full id of the cache Global Datastore (AWS-prefixed), for the secondary region and runbooks',
    });
  }
}

/** Props of {@link GlobalDatastoreIdLookup}. */
export interface GlobalDatastoreIdLookupProps {
  /** The fixed-name parameter {@link RedisGlobalDatastore} wrote in the primary region. */
  readonly parameterName: string;
  /** Region of the primary, where the parameter lives. */
  readonly primaryRegion: string;
  /** Key of the provider function's log group; a key of this app. */
  readonly encryptionKey: kms.IKey;
  /** How long the provider's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Reads the Global Datastore id from the primary region's SSM parameter at deploy time, so the
 * secondary's replication group can join it ({@link PeerParameterLookup}: only on create and when
 * its inputs change, so an update during a primary-region outage calls nothing there).
 */
export class GlobalDatastoreIdLookup extends PeerParameterLookup {
  public readonly globalReplicationGroupId: string;

  constructor(scope: Construct, id: string, props: GlobalDatastoreIdLookupProps) {
    super(scope, id, {
      parameterName: props.parameterName,
      peerRegion: props.primaryRegion,
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
    });
    this.globalReplicationGroupId = this.value;
  }
}
