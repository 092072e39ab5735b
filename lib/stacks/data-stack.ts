// Core API data tier of one region: its Aurora global database member, credentials, backups, alarms, handover.
import { Arn, ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { scheduleById, type DrConfig, type RegionConfig } from '../config';
import { AuroraBackupPlan } from '../constructs/aurora-backup-plan';
import { AuroraGlobalCluster, GlobalWriterEndpoint } from '../constructs/aurora-global-cluster';
import { AuroraRegionalCluster } from '../constructs/aurora-regional-cluster';
import { PeerParameterLookup } from '../constructs/deploy-time-lookup';
import { DatabaseAlarms } from '../constructs/database-alarms';
import { SUBNET_GROUPS } from '../constructs/regional-network';
import {
  auroraBackupPlanName,
  auroraBackupSelectionTag,
  clusterIdentifier,
  dataKeyAlias,
  globalClusterIdentifier,
  masterSecretName,
  parameterName,
  stackDescription,
  vaultName,
} from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';
import type { NetworkStack } from './network-stack';
import type { ProtectionStack } from './protection-stack';

/** The Aurora PostgreSQL version of the global database. */
export const AURORA_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

/**
 * Port of every member cluster: Aurora PostgreSQL's default, since no cluster sets `port` (a test
 * holds the templates to that). The global writer endpoint answers on the members' port.
 */
export const AURORA_PORT = 5432;

/**
 * Fixed name of the parameter that holds the global writer endpoint, one per region with the same
 * value: the primary's Data stack writes it from the global cluster, the secondary's copies it at
 * deploy time ({@link DataStack}), and each region's Compute stack reads its own region's.
 */
export function writerEndpointParameterName(config: DrConfig): string {
  return parameterName(config, 'data', 'writer-endpoint');
}

/** Master user of the cluster; the orchestrator itself signs in with IAM authentication. */
const MASTER_USERNAME = 'postgres';

/** Props of {@link DataStack}. */
export interface DataStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly protection: ProtectionStack;
  /** The other region, which holds the secret replica and receives backup copies. */
  readonly peerRegion: RegionConfig;
}

/**
 * In the primary region: the global cluster, the writer cluster and the master secret (replicated
 * to the peer). In the secondary region: a cluster that joins the global cluster. In both: an AWS
 * Backup plan copying to the peer, alarms, and SSM handover parameters.
 */
export class DataStack extends DrStack {
  public readonly database: AuroraRegionalCluster;
  public readonly globalCluster?: AuroraGlobalCluster;
  public readonly masterSecret?: rds.DatabaseSecret;
  public readonly backupPlan: AuroraBackupPlan;
  public readonly alarms: DatabaseAlarms;
  /**
   * This region's copy of the global cluster's writer endpoint ({@link GlobalWriterEndpoint}), under
   * {@link writerEndpointParameterName}.
   */
  public readonly writerEndpointParameter: ssm.StringParameter;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, {
      ...props,
      purpose: 'Data',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'Core API data tier'),
    });
    const { config, regionConfig } = this;
    const { data } = config;
    const { network } = props.network;
    const isPrimary = regionConfig.role === 'primary';
    const globalId = globalClusterIdentifier(config);
    const selectionTag = auroraBackupSelectionTag(config);

    if (isPrimary) {
      this.globalCluster = new AuroraGlobalCluster(this, 'GlobalCluster', {
        globalClusterIdentifier: globalId,
        engineVersion: AURORA_ENGINE_VERSION,
      });
      this.masterSecret = new rds.DatabaseSecret(this, 'MasterSecret', {
        username: MASTER_USERNAME,
        secretName: masterSecretName(config),
        encryptionKey: props.protection.secretsKey.key,
        // The peer's key is named by its fixed alias: a key ARN would be a cross-region reference.
        replicaRegions: [
          {
            region: props.peerRegion.region,
            encryptionKey: kms.Key.fromKeyArn(
              this,
              'PeerSecretsKey',
              Arn.format(
                {
                  service: 'kms',
                  region: props.peerRegion.region,
                  resource: 'alias',
                  resourceName: dataKeyAlias(config, 'secrets'),
                },
                this,
              ),
            ),
          },
        ],
      });
      // Deleting the stack must not delete the only copy of the master password.
      this.masterSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    this.database = new AuroraRegionalCluster(this, 'Aurora', {
      clusterIdentifier: clusterIdentifier(config, regionConfig),
      globalClusterIdentifier: globalId,
      role: regionConfig.role,
      engineVersion: AURORA_ENGINE_VERSION,
      instanceType: new ec2.InstanceType(data.instanceType),
      readers: isPrimary ? data.primaryReaders : data.secondaryReaders,
      availabilityZones: regionConfig.availabilityZones,
      vpc: network.vpc,
      subnetGroupName: SUBNET_GROUPS.isolated,
      clientSecurityGroups: [network.orchestratorSecurityGroup, network.automationSecurityGroup],
      storageKey: props.protection.databaseKey.key,
      ...(this.masterSecret ? { masterSecret: this.masterSecret } : {}),
      backupRetention: data.backupRetention,
      preferredBackupWindow: data.preferredBackupWindow,
      preferredMaintenanceWindow: data.preferredMaintenanceWindow,
      logRetention: data.logRetention,
      backupSelectionTag: selectionTag,
    });
    if (this.globalCluster) this.database.cluster.node.addDependency(this.globalCluster);

    if (this.masterSecret) {
      // Rotation runs in the VPC with the automation group, which the cluster admits. Resetting every
      // secret (the plan's scenario 3) is `aws secretsmanager rotate-secret` on this secret.
      this.masterSecret.addRotationSchedule('Rotation', {
        automaticallyAfter: data.secretRotation,
        hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
          vpc: network.vpc,
          vpcSubnets: { subnetGroupName: SUBNET_GROUPS.private },
          securityGroups: [network.automationSecurityGroup],
        }),
      });
    }

    this.backupPlan = new AuroraBackupPlan(this, 'BackupPlan', {
      planName: auroraBackupPlanName(config, regionConfig),
      vault: props.protection.vault.vault,
      copyTarget: backup.BackupVault.fromBackupVaultArn(
        this,
        'PeerVault',
        Arn.format(
          {
            service: 'backup',
            region: props.peerRegion.region,
            resource: 'backup-vault',
            resourceName: vaultName(config, props.peerRegion),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          },
          this,
        ),
      ),
      rules: [
        {
          name: 'daily',
          cron: scheduleById(config, 'daily-backup').cron,
          retention: data.dailyBackupRetention,
          continuous: true,
        },
        {
          name: 'weekly-full',
          cron: scheduleById(config, 'weekly-full-backup').cron,
          retention: data.weeklyBackupRetention,
        },
      ],
      selectionTag,
    });

    this.alarms = new DatabaseAlarms(this, 'Alarms', {
      cluster: this.database.cluster,
      role: regionConfig.role,
      globalLagThreshold: data.globalLagAlarmThreshold,
      criticalTopic: props.alerting.alerts.topic('critical'),
      highTopic: props.alerting.alerts.topic('high'),
    });

    this.publishHandover(globalId);
    this.writerEndpointParameter = this.publishWriterEndpoint(props);
  }

  /**
   * The global writer endpoint in an SSM parameter of this region. The primary reads it from the
   * global cluster at deploy time ({@link GlobalWriterEndpoint}: CloudFormation does not return it);
   * the secondary copies the primary's parameter once at deploy time ({@link PeerParameterLookup}).
   * Not `crossRegionReferences`: that would put an export writer into the primary's Data stack and
   * refuse any later change of the value while the secondary imports it; the copy is the pattern the
   * cache tier already uses for the Global Datastore id. The pods read only their own region's
   * parameter, so nothing calls us-east-1 when us-west-2 is activated, and the address itself does
   * not change across switchovers and failovers.
   */
  private publishWriterEndpoint(props: DataStackProps): ssm.StringParameter {
    const name = writerEndpointParameterName(this.config);
    const lookup = { encryptionKey: props.protection.databaseKey.key, logRetention: this.config.data.logRetention };
    let address: string;
    if (this.globalCluster) {
      const endpoint = new GlobalWriterEndpoint(this, 'WriterEndpoint', {
        globalCluster: this.globalCluster,
        ...lookup,
      });
      // The endpoint names the writer of the primary member; read it once that member exists.
      endpoint.node.addDependency(this.database.cluster);
      address = endpoint.address;
    } else {
      address = new PeerParameterLookup(this, 'WriterEndpointLookup', {
        parameterName: name,
        peerRegion: props.peerRegion.region,
        ...lookup,
      }).value;
    }
    return new ssm.StringParameter(this, 'Handover-writer-endpoint', {
      parameterName: name,
      stringValue: address,
      description: `Global writer endpoint of ${globalClusterIdentifier(this.config)}: the current primary's writer, wherever it is`,
    });
  }

  /** Fixed-name SSM parameters that Lambdas and runbooks of this region read. */
  private publishHandover(globalId: string): void {
    const { config } = this;
    const cluster = this.database.cluster;
    const values: Record<string, [string, string]> = {
      'global-cluster-id': [globalId, 'Identifier of the Aurora global cluster'],
      'cluster-identifier': [cluster.clusterIdentifier, 'Identifier of the Aurora cluster of this region'],
      'cluster-arn': [cluster.clusterArn, 'ARN of the Aurora cluster of this region'],
      'backup-plan-id': [this.backupPlan.plan.backupPlanId, 'Id of the AWS Backup plan of this region'],
      'backup-role-arn': [this.backupPlan.role.roleArn, 'Role for on-demand backup and restore jobs'],
      // In the secondary region this is a partial ARN (no random suffix), which the Secrets Manager
      // API accepts and which needs no cross-region reference.
      'secret-arn': [
        this.masterSecret?.secretArn ??
          Stack.of(this).formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: masterSecretName(config),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        'ARN of the Aurora master secret (its replica outside the primary region)',
      ],
    };
    for (const [name, [value, description]] of Object.entries(values)) {
      new ssm.StringParameter(this, `Handover-${name}`, {
        parameterName: parameterName(config, 'data', name),
        stringValue: value,
        description,
      });
    }
  }
}
