// The Aurora global cluster (L1 CfnGlobalCluster) in a construct of ours with typed props.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

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
