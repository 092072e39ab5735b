// Cache tier of one region: the Valkey replication group (Global Datastore member), its alarms and the degraded-mode switch.
import type { RestoreSettings } from '../contract';
import { SecretValue, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { AutomationAlarms } from '../constructs/automation-alarms';
import { CacheAlarms } from '../constructs/cache-alarms';
import { CacheAuthToken } from '../constructs/cache-auth-token';
import { DegradedModeSwitch } from '../constructs/degraded-mode-switch';
import { EncryptionKey } from '../constructs/encryption-key';
import { GlobalDatastoreIdLookup, RedisGlobalDatastore } from '../constructs/redis-global-datastore';
import { RedisReplicationGroup } from '../constructs/redis-replication-group';
import { SUBNET_GROUPS } from '../constructs/regional-network';
import {
  alarmNamePrefix,
  cacheAuthTokenSecretName,
  cacheEventsTopicName,
  cacheGlobalDatastoreSuffix,
  cacheReplicationGroupId,
  parameters,
  stackDescription,
  stageLabel,
} from '../naming';
import { DrStack, type DrStackProps } from './dr-stack';
import { skipCheckov } from '../nag/checkov';

/** Props of {@link CacheStack}. */
export interface CacheStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  /** VPC of the region; the nodes go into its isolated subnets. */
  readonly vpc: ec2.IVpc;
  /** The workload groups admitted to the cache port (orchestrator, automation); nothing else is. */
  readonly clientSecurityGroups: readonly ec2.ISecurityGroup[];
  /** Topic of alarms that put the rate-limiting RPO at risk. */
  readonly criticalTopic: sns.ITopic;
  /** Topic of high-severity alerts: capacity alarms and every degraded-mode switch. */
  readonly highTopic: sns.ITopic;
  /** Key of the alert topics, which the switch needs to publish. */
  readonly alertTopicKey: kms.IKey;
}

/**
 * One region's Valkey replication group. In the primary region it also creates the AUTH token
 * (replicated to the secondary) and the Global Datastore; in the secondary it joins that Global
 * Datastore, so it must deploy after the primary (see `buildDrApp`).
 */
export class CacheStack extends DrStack {
  public readonly replicationGroup: RedisReplicationGroup;
  public readonly degradedMode: DegradedModeSwitch;
  public readonly alarms: CacheAlarms;
  /** The Global Datastore; only in the primary region, and only when config enables it. */
  public readonly globalDatastore?: RedisGlobalDatastore;

  constructor(scope: Construct, props: CacheStackProps) {
    super(scope, {
      ...props,
      purpose: 'Cache',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'cache tier: Valkey for rate limiting'),
    });
    const { config, regionConfig } = this;
    const cache = config.cache;
    const isPrimary = regionConfig.role === 'primary';
    const primaryRegion = regionOf(config.regions, 'primary');
    const secondaryRegion = regionOf(config.regions, 'secondary');
    const names = parameters(config);
    const replicationGroupId = cacheReplicationGroupId(config, regionConfig);

    const key = new EncryptionKey(this, 'Key', { purpose: `cache tier in ${regionConfig.region}` }).key;

    const tokenSecret = isPrimary
      ? new CacheAuthToken(this, 'AuthToken', {
          secretName: cacheAuthTokenSecretName(config),
          encryptionKey: key,
          // The secondary region's group reads the same token from this replica.
          replicaRegions: [secondaryRegion.region],
          // Both regions' groups take every new token, the primary's first.
          members: [primaryRegion, secondaryRegion].map((region) => ({
            region: region.region,
            replicationGroupId: cacheReplicationGroupId(config, region),
          })),
          rotationSchedule: cache.authTokenRotation,
          stage: config.stage,
        })
      : undefined;
    const authToken =
      tokenSecret?.secret.secretValue ??
      // The primary's secret, replicated here; CloudFormation resolves it by name at deploy time.
      SecretValue.secretsManager(cacheAuthTokenSecretName(config));
    if (tokenSecret) {
      // A failed rotation leaves the old token working, so nothing breaks at once, but the token
      // stops rotating and a reset would stall: high, not critical.
      new AutomationAlarms(this, 'AuthTokenRotationAlarms', {
        criticalTopic: props.criticalTopic,
        highTopic: props.highTopic,
      }).functionHealth('CacheAuthRotation', tokenSecret.rotator);
    }

    this.degradedMode = new DegradedModeSwitch(this, 'DegradedMode', {
      parameterName: names.rateLimiterMode,
      replicationGroupId,
      eventsTopicName: cacheEventsTopicName(config),
      alertTopic: props.highTopic,
      alertTopicKey: props.alertTopicKey,
      encryptionKey: key,
      stage: config.stage,
    });
    const outsideVpc =
      'The switch calls only the regional SSM and SNS APIs. Outside the VPC it needs no NAT gateway or ENI, ' +
      'so a network fault that takes Redis away cannot also stop the switch.';
    Validations.of(this.degradedMode.function.function).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason: outsideVpc,
    });
    skipCheckov(this.degradedMode.function.function, 'CKV_AWS_117', outsideVpc);

    const globalReplicationGroupId =
      cache.globalDatastore && !isPrimary
        ? new GlobalDatastoreIdLookup(this, 'GlobalDatastoreId', {
            parameterName: names.globalReplicationGroupId,
            primaryRegion: primaryRegion.region,
            encryptionKey: key,
            logRetention: RetentionDays.ONE_YEAR,
          }).globalReplicationGroupId
        : undefined;

    this.replicationGroup = new RedisReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId,
      description: `${stageLabel(config)} rate limiting (${regionConfig.role}, ${regionConfig.region})`,
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: SUBNET_GROUPS.isolated },
      allowedSecurityGroups: props.clientSecurityGroups,
      encryptionKey: key,
      authToken,
      port: cache.port,
      engineVersion: cache.engineVersion,
      parameterGroupFamily: cache.parameterGroupFamily,
      nodeType: cache.nodeType,
      replicasPerNodeGroup: cache.replicasPerNodeGroup,
      snapshotRetention: cache.snapshotRetention,
      snapshotWindow: cache.snapshotWindow,
      maintenanceWindow: cache.maintenanceWindow,
      notificationTopic: this.degradedMode.eventsTopic,
      ...(globalReplicationGroupId ? { globalReplicationGroupId } : {}),
    });

    if (cache.globalDatastore && isPrimary) {
      this.globalDatastore = new RedisGlobalDatastore(this, 'GlobalDatastore', {
        primary: this.replicationGroup,
        idSuffix: cacheGlobalDatastoreSuffix(config),
        description: `${stageLabel(config)} rate limiting across ${primaryRegion.region} and ${secondaryRegion.region}`,
        idParameterName: names.globalReplicationGroupId,
      });
    }

    new ssm.StringParameter(this, 'ReplicationGroupIdParameter', {
      parameterName: names.replicationGroupId,
      stringValue: replicationGroupId,
      description: `Replication group of the cache tier in ${regionConfig.region}, for the backup Lambdas and runbooks`,
    });

    // Read by scripts/redis/restore-from-backup.sh, so a restore in an incident needs no console lookups.
    const group = this.replicationGroup;
    const restoreSettings: Record<keyof RestoreSettings, unknown> = {
      replicationGroupId,
      engine: 'valkey',
      engineVersion: cache.engineVersion,
      cacheNodeType: cache.nodeType,
      numCacheClusters: cache.replicasPerNodeGroup + 1,
      port: cache.port,
      cacheSubnetGroupName: group.subnetGroup.ref,
      securityGroupIds: [group.securityGroup.securityGroupId],
      cacheParameterGroupName: group.parameterGroup.ref,
      kmsKeyId: key.keyArn,
      authTokenSecretName: cacheAuthTokenSecretName(config),
      snapshotRetentionLimit: cache.snapshotRetention.toDays(),
      snapshotWindow: cache.snapshotWindow,
      preferredMaintenanceWindow: cache.maintenanceWindow,
      notificationTopicArn: this.degradedMode.eventsTopic.topicArn,
    };
    new ssm.StringParameter(this, 'RestoreSettingsParameter', {
      parameterName: names.cacheRestoreSettings,
      stringValue: this.toJsonString(restoreSettings),
      description: `Settings of a cache group restored from an S3 backup in ${regionConfig.region}`,
    });

    this.alarms = new CacheAlarms(this, 'Alarms', {
      alarmNamePrefix: alarmNamePrefix(config, regionConfig, 'cache'),
      nodeClusterIds: this.replicationGroup.nodeClusterIds,
      replicationLagThreshold: cache.alarms.replicationLag,
      // Only a Global Datastore secondary emits GlobalDatastoreReplicationLag.
      ...(cache.globalDatastore && !isPrimary
        ? { globalReplicationLagThreshold: cache.alarms.globalReplicationLag }
        : {}),
      engineCpuPercent: cache.alarms.engineCpuPercent,
      memoryPercent: cache.alarms.memoryPercent,
      criticalTopic: props.criticalTopic,
      highTopic: props.highTopic,
    });
  }
}

function regionOf(regions: readonly RegionConfig[], role: RegionConfig['role']): RegionConfig {
  const region = regions.find((candidate) => candidate.role === role);
  // validateConfig guarantees one region per role; this only narrows the type.
  if (!region) throw new Error(`config has no ${role} region`);
  return region;
}
