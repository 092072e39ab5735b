// A Valkey replication group of ours around the L1: Multi-AZ, encrypted, authenticated, snapshotting, data kept on delete.
import { RemovalPolicy, Token, type Duration, type SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link RedisReplicationGroup}. */
export interface RedisReplicationGroupProps {
  /**
   * Name of the replication group: lower case, at most 40 characters. Node clusters are named
   * `<id>-001`, `<id>-002`, ..., which the alarms and the degraded-mode switch rely on.
   */
  readonly replicationGroupId: string;
  /** What the group is for. */
  readonly description: string;
  /** VPC of the group. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the group's nodes; one per AZ, so Multi-AZ can place the replicas apart.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The only security groups admitted to the port: the workloads of later tiers. Never a CIDR.
   */
  readonly allowedSecurityGroups: readonly ec2.ISecurityGroup[];
  /** Key for encryption at rest (data, snapshots). */
  readonly encryptionKey: kms.IKey;
  /**
   * AUTH token clients present over TLS (16-128 printable characters, no `@`, `"` or `/`).
   * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
   */
  readonly authToken: SecretValue;
  /** TCP port of the group. */
  readonly port: number;
  /** Engine version, for example `8.0`. Ignored for a Global Datastore secondary, which inherits it. */
  readonly engineVersion: string;
  /** Parameter group family, for example `valkey8`. */
  readonly parameterGroupFamily: string;
  /** Node type. Ignored for a Global Datastore secondary, which inherits it. */
  readonly nodeType: string;
  /** Replicas besides the primary; at least 1 for Multi-AZ failover. */
  readonly replicasPerNodeGroup: number;
  /** How long automatic snapshots are kept, whole days, 1 to 35. */
  readonly snapshotRetention: Duration;
  /** Daily snapshot window, `HH:MM-HH:MM` UTC. */
  readonly snapshotWindow: string;
  /** Weekly maintenance window, `ddd:HH:MM-ddd:HH:MM` UTC. */
  readonly maintenanceWindow: string;
  /**
   * Topic ElastiCache publishes the group's events to. It must be unencrypted: ElastiCache cannot
   * publish to an encrypted topic.
   * @default - no event notifications
   * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ElastiCacheSNS.html
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Id of the Global Datastore to join as a secondary. The engine, its version, the node type and
   * the parameter group then come from the Global Datastore's primary.
   * @default - a standalone group, or the Global Datastore's primary
   */
  readonly globalReplicationGroupId?: string;
}

/**
 * A cluster-mode-disabled Valkey replication group: one primary and N replicas spread over AZs with
 * automatic failover, encrypted at rest with our key, TLS required, AUTH token, daily snapshots.
 * Deleting it (or replacing it) takes a final snapshot first.
 */
export class RedisReplicationGroup extends Construct {
  public readonly resource: elasticache.CfnReplicationGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly subnetGroup: elasticache.CfnSubnetGroup;
  /**
   * The group's parameters. A Global Datastore secondary takes its primary's instead, but the group
   * exists there too, for a group restored in that region from a backup.
   */
  public readonly parameterGroup: elasticache.CfnParameterGroup;
  public readonly replicationGroupId: string;
  /** Ids of the node clusters (`<id>-001` ...), which carry the per-node CloudWatch metrics. */
  public readonly nodeClusterIds: readonly string[];
  public readonly port: number;

  constructor(scope: Construct, id: string, props: RedisReplicationGroupProps) {
    super(scope, id);
    validate(props);
    const isSecondary = props.globalReplicationGroupId !== undefined;
    this.replicationGroupId = props.replicationGroupId;
    this.port = props.port;
    this.nodeClusterIds = Array.from(
      { length: props.replicasPerNodeGroup + 1 },
      (_, index) => `${props.replicationGroupId}-${String(index + 1).padStart(3, '0')}`,
    );

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.replicationGroupId}: admits only the workload security groups on port ${props.port}`,
      // Valkey nodes open no connections of their own; replication across regions is AWS-managed.
      allowAllOutbound: false,
    });
    for (const peer of props.allowedSecurityGroups) {
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(props.port), 'Valkey over TLS from a workload group');
    }

    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `${props.replicationGroupId} nodes`,
      subnetIds: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'ParameterGroup', {
      cacheParameterGroupFamily: props.parameterGroupFamily,
      description: `${props.replicationGroupId}: rate-limiter counters`,
      // Rate-limit counters carry TTLs: evict the ones closest to expiry first, never reject writes.
      properties: { 'maxmemory-policy': 'volatile-ttl' },
    });

    this.resource = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: props.description,
      ...(isSecondary
        ? { globalReplicationGroupId: props.globalReplicationGroupId }
        : {
            engine: 'valkey',
            engineVersion: props.engineVersion,
            cacheNodeType: props.nodeType,
            cacheParameterGroupName: this.parameterGroup.ref,
          }),
      numCacheClusters: props.replicasPerNodeGroup + 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: props.authToken.unsafeUnwrap(),
      port: props.port,
      cacheSubnetGroupName: this.subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      snapshotRetentionLimit: props.snapshotRetention.toDays(),
      snapshotWindow: props.snapshotWindow,
      preferredMaintenanceWindow: props.maintenanceWindow,
      autoMinorVersionUpgrade: true,
      ...(props.notificationTopic ? { notificationTopicArn: props.notificationTopic.topicArn } : {}),
    });
    // The rate-limit state is the data: a delete or replacement snapshots it first.
    this.resource.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  }
}

const GROUP_ID_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

function validate(props: RedisReplicationGroupProps): void {
  const { replicationGroupId, replicasPerNodeGroup, snapshotRetention, port } = props;
  if (
    !Token.isUnresolved(replicationGroupId) &&
    (!GROUP_ID_PATTERN.test(replicationGroupId) ||
      replicationGroupId.endsWith('-') ||
      replicationGroupId.includes('--'))
  ) {
    throw new Error(
      `replicationGroupId must be 1-40 lower-case letters, digits and single hyphens, starting with a letter, got: ${replicationGroupId}`,
    );
  }
  if (
    !Token.isUnresolved(replicasPerNodeGroup) &&
    (!Number.isInteger(replicasPerNodeGroup) || replicasPerNodeGroup < 1 || replicasPerNodeGroup > 5)
  ) {
    throw new Error(
      `replicasPerNodeGroup must be an integer from 1 to 5 (Multi-AZ needs a replica), got: ${replicasPerNodeGroup}`,
    );
  }
  if (!Token.isUnresolved(snapshotRetention) && (snapshotRetention.toDays() < 1 || snapshotRetention.toDays() > 35)) {
    throw new Error(`snapshotRetention must be 1 to 35 days, got: ${snapshotRetention.toHumanString()}`);
  }
  if (!Token.isUnresolved(port) && port === 6379) {
    throw new Error('port must not be the default 6379, got: 6379');
  }
  if (props.allowedSecurityGroups.length === 0) {
    throw new Error(`allowedSecurityGroups of ${replicationGroupId} is empty: no workload could reach the group`);
  }
}
