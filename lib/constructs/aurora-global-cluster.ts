// The Aurora global cluster (L1 CfnGlobalCluster) in a construct of ours with typed props, and the lookup of its writer endpoint.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DeployTimeLookup, type DeployTimeLookupOptions } from './deploy-time-lookup';

/** Props of {@link AuroraGlobalCluster}. */
export interface AuroraGlobalClusterProps {
  /**
   * Fixed identifier of the global cluster. The secondary region joins by this name, so it needs no
   * cross-region reference.
   */
  readonly globalClusterIdentifier: string;
  /** Aurora PostgreSQL version of every member cluster. */
  readonly engineVersion: rds.AuroraPostgresEngineVersion;
  /**
   * Refuse deletion of the global cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * An empty, encrypted Aurora PostgreSQL global cluster that regional clusters join as members. The
 * L2 `DatabaseCluster` cannot create one, so this wraps `CfnGlobalCluster` and is retained when its
 * stack is deleted.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
 */
export class AuroraGlobalCluster extends Construct {
  public readonly globalClusterIdentifier: string;
  public readonly resource: rds.CfnGlobalCluster;

  constructor(scope: Construct, id: string, props: AuroraGlobalClusterProps) {
    super(scope, id);
    this.resource = new rds.CfnGlobalCluster(this, 'Resource', {
      globalClusterIdentifier: props.globalClusterIdentifier,
      engine: 'aurora-postgresql',
      engineVersion: props.engineVersion.auroraPostgresFullVersion,
      storageEncrypted: true,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.globalClusterIdentifier = props.globalClusterIdentifier;
  }
}

/** Where `DescribeGlobalClusters` answers the writer endpoint of the one cluster asked for. */
const ENDPOINT_FIELD = 'GlobalClusters.0.Endpoint';

/** Props of {@link GlobalWriterEndpoint}. */
export interface GlobalWriterEndpointProps extends DeployTimeLookupOptions {
  /** The global cluster whose writer endpoint is read. */
  readonly globalCluster: AuroraGlobalCluster;
}

/**
 * The global cluster's writer endpoint (`<id>.global-<random>.global.rds.amazonaws.com`), which
 * Aurora points at the current primary's writer, so clients on it follow a switchover or failover
 * with no change. CloudFormation documents it as the return value `GlobalEndpoint.Address`, but the
 * resource does not return it yet (cfn-lint's schema has no such attribute, aws-cdk-lib has only the
 * object `attrGlobalEndpoint`, and cloudformation-coverage-roadmap issue 2364 is open), so it is read
 * once at deploy time from the `Endpoint` field of `DescribeGlobalClusters`, in this stack's region.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalCluster.html
 */
export class GlobalWriterEndpoint extends DeployTimeLookup {
  /** The writer endpoint's host name, as a deploy-time token. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: GlobalWriterEndpointProps) {
    const identifier = props.globalCluster.globalClusterIdentifier;
    super(scope, id, {
      call: {
        service: 'RDS',
        action: 'describeGlobalClusters',
        // Ref, so the call waits for the global cluster; the identifier is fixed, so is the answer.
        parameters: { GlobalClusterIdentifier: props.globalCluster.resource.ref },
        physicalResourceId: cr.PhysicalResourceId.of(`${identifier}:writer-endpoint`),
        outputPaths: [ENDPOINT_FIELD],
      },
      responseField: ENDPOINT_FIELD,
      // Global clusters have no region in their ARN.
      resources: [
        Stack.of(scope).formatArn({
          service: 'rds',
          region: '',
          resource: 'global-cluster',
          resourceName: identifier,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
    });
    this.address = this.value;
  }
}
