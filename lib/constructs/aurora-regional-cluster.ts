// One region's member of the Aurora global database: the L2 cluster, its instances, logs and access.
import { Duration, RemovalPolicy, SecretValue, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeConfiguredAvailabilityZone } from '../nag/acknowledgements';
import type { RegionRole } from '../config';

/** Props of {@link AuroraRegionalCluster}. */
export interface AuroraRegionalClusterProps {
  /** Fixed cluster identifier, for example `async-toolformer-prod-use1`. */
  readonly clusterIdentifier: string;
  /** Identifier of the global cluster this cluster joins. */
  readonly globalClusterIdentifier: string;
  /**
   * `primary` creates the writer with master credentials from `masterSecret`; `secondary` joins
   * read-only and takes its users from the global cluster.
   */
  readonly role: RegionRole;
  /** Same version as the global cluster. */
  readonly engineVersion: rds.AuroraPostgresEngineVersion;
  /** Instance type of the writer and every reader. */
  readonly instanceType: ec2.InstanceType;
  /** Readers besides the writer, each placed in the next AZ after the writer's. */
  readonly readers: number;
  /** AZs of the region, in order; the writer goes into the first. */
  readonly availabilityZones: readonly string[];
  /** VPC whose `isolated` subnets hold the cluster. */
  readonly vpc: ec2.IVpc;
  /** Subnet group the cluster lives in. */
  readonly subnetGroupName: string;
  /** The only sources admitted on the PostgreSQL port. No CIDR is ever admitted. */
  readonly clientSecurityGroups: readonly ec2.ISecurityGroup[];
  /** Key of storage, Performance Insights and the PostgreSQL log group. */
  readonly storageKey: kms.IKey;
  /**
   * Master credentials; required for the primary.
   * @default - none (secondary)
   */
  readonly masterSecret?: secretsmanager.ISecret;
  /** Automated backup retention, 7 to 35 days. */
  readonly backupRetention: Duration;
  /** Daily automated backup window, `hh:mm-hh:mm` UTC. */
  readonly preferredBackupWindow: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC. */
  readonly preferredMaintenanceWindow: string;
  /** Retention of the exported PostgreSQL log. */
  readonly logRetention: logs.RetentionDays;
  /** Tag that the AWS Backup selection of every region matches. */
  readonly backupSelectionTag: { readonly key: string; readonly value: string };
}

/** PostgreSQL's port; the cluster security group opens only this, only to the client groups. */
const POSTGRES_PORT = 5432;

/**
 * A member cluster of the global database, in isolated subnets, encrypted with our key, with IAM
 * authentication, log export, Performance Insights, enhanced monitoring, deletion protection and a
 * final snapshot on delete.
 */
export class AuroraRegionalCluster extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;
  /** Name of the cluster's DB subnet group, where restore tests place their temporary clusters. */
  public readonly subnetGroupName: string;

  constructor(scope: Construct, id: string, props: AuroraRegionalClusterProps) {
    super(scope, id);
    if (props.role === 'primary' && !props.masterSecret) {
      throw new Error(
        `AuroraRegionalCluster ${props.clusterIdentifier}: the primary needs masterSecret; pass the generated DatabaseSecret`,
      );
    }
    const azs = props.availabilityZones;
    const instanceProps = (index: number): rds.ProvisionedClusterInstanceProps => ({
      instanceType: props.instanceType,
      availabilityZone: azs[index % azs.length],
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.storageKey,
      // Minor upgrades of a global database go through the global cluster, never one region alone.
      autoMinorVersionUpgrade: false,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Aurora ${props.clusterIdentifier}: PostgreSQL from the workload groups only`,
      allowAllOutbound: false,
    });

    // RDS creates this group on first log export, without retention or our key; creating it first keeps both.
    this.logGroup = new logs.LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: props.logRetention,
      encryptionKey: props.storageKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.cluster = new rds.DatabaseCluster(this, 'Resource', {
      clusterIdentifier: props.clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: props.engineVersion }),
      credentials: props.masterSecret
        ? rds.Credentials.fromSecret(props.masterSecret)
        : // Removed from the template below: a secondary takes its users from the global cluster.
          rds.Credentials.fromPassword('postgres', SecretValue.unsafePlainText('not-rendered')),
      writer: rds.ClusterInstance.provisioned('writer', instanceProps(0)),
      readers: Array.from({ length: props.readers }, (_, index) =>
        rds.ClusterInstance.provisioned(`reader${index + 1}`, instanceProps(index + 1)),
      ),
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: props.subnetGroupName },
      securityGroups: [this.securityGroup],
      port: POSTGRES_PORT,
      storageEncrypted: true,
      storageEncryptionKey: props.storageKey,
      iamAuthentication: true,
      // The sentinel job writes its row through the Data API (an in-place update, no replacement).
      // Enabled on the secondary too: it answers there once a failover makes it the writer.
      enableDataApi: true,
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.storageKey,
      databaseInsightsMode: rds.DatabaseInsightsMode.STANDARD,
      monitoringInterval: Duration.seconds(60),
      backup: { retention: props.backupRetention, preferredWindow: props.preferredBackupWindow },
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.cluster.node.addDependency(this.logGroup);
    this.subnetGroupName = (this.cluster.node.findChild('Subnets') as rds.SubnetGroup).subnetGroupName;

    const cfnCluster = this.cluster.node.defaultChild as rds.CfnDBCluster;
    // The L2 cannot join a global cluster; the escape hatch can.
    cfnCluster.globalClusterIdentifier = props.globalClusterIdentifier;
    if (props.role === 'secondary') {
      // RDS rejects master credentials on a cluster that joins a global database as a secondary.
      cfnCluster.addPropertyDeletionOverride('MasterUsername');
      cfnCluster.addPropertyDeletionOverride('MasterUserPassword');
    }
    // Only the cluster carries the tag: AWS Backup protects Aurora clusters, not their instances.
    Tags.of(cfnCluster).add(props.backupSelectionTag.key, props.backupSelectionTag.value);

    for (const client of props.clientSecurityGroups) {
      // A literal port, not the cluster's port token, so the rule is readable in diffs and by nag.
      this.securityGroup.addIngressRule(client, ec2.Port.tcp(POSTGRES_PORT), `PostgreSQL from ${client.node.id}`);
    }

    for (const instance of this.cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance)) {
      acknowledgeConfiguredAvailabilityZone(instance);
      Validations.of(instance).acknowledge({
        id: 'NIST.800.53.R5-RDSInBackupPlan',
        reason:
          'Aurora instance: AWS Backup protects Aurora per cluster, not per instance. The cluster carries the ' +
          `${props.backupSelectionTag.key} tag that the backup plan of its region selects; the rule only matches ARNs.`,
      });
    }
    const monitoringRole = this.cluster.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'Enhanced monitoring role: the AWS-maintained policy RDS documents for it, which only lets RDS write OS ' +
          'metrics to the RDSOSMetrics log group and follows changes of the service.',
      });
    }
  }
}
