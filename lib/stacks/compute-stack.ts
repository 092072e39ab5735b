// Compute and regional endpoint of one region: the EKS cluster, the orchestrator workload and its load balancer.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { EncryptionKey } from '../constructs/encryption-key';
import { EndpointProbe } from '../constructs/endpoint-probe';
import { OrchestratorCluster } from '../constructs/orchestrator-cluster';
import {
  HEALTH_PATH,
  ORCHESTRATOR_NAME,
  ORCHESTRATOR_NAMESPACE,
  OrchestratorWorkload,
} from '../constructs/orchestrator-workload';
import { RegionalEndpoint } from '../constructs/regional-endpoint';
import { RolloutRestart } from '../constructs/rollout-restart';
import { SUBNET_GROUPS } from '../constructs/regional-network';
import {
  apiDomainName,
  eksClusterName,
  failoverAlarmNames,
  orchestratorSecretPrefix,
  parameters,
  probeCanaryName,
  regionalApiDomainName,
  stackDescription,
  stateMachineName,
  webAclName,
} from '../naming';
import type { AlertingStack } from './alerting-stack';
import { AURORA_PORT, writerEndpointParameterName } from './data-stack';
import { DrStack, type DrStackProps } from './dr-stack';
import type { NetworkStack } from './network-stack';
import type { ProtectionStack } from './protection-stack';

/** Props of {@link ComputeStack}. */
export interface ComputeStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly network: NetworkStack;
  readonly alerting: AlertingStack;
  readonly protection: ProtectionStack;
  /** The other region, whose endpoint this region's canary probes. */
  readonly peerRegion: RegionConfig;
}

/**
 * A warm cluster in every region: the secondary already serves the application at its smaller warm
 * capacity, because creating a control plane (10 to 15 minutes) would not fit a 15-minute RTO.
 */
export class ComputeStack extends DrStack {
  public readonly cluster: OrchestratorCluster;
  public readonly workload: OrchestratorWorkload;
  public readonly endpoint: RegionalEndpoint;
  public readonly accessLogs: AccessLogBucket;
  /** Canary in this region that probes the other region's endpoint. */
  public readonly peerProbe: EndpointProbe;
  /** `dr restart`: the orchestrator's rollout restart through the private API (docs/runbooks/rollout-restart.md). */
  public readonly rolloutRestart: RolloutRestart;

  constructor(scope: Construct, props: ComputeStackProps) {
    super(scope, {
      ...props,
      purpose: 'Compute',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'orchestrator compute and regional endpoint'),
    });
    const { config, regionConfig } = this;
    const { traffic } = config;
    const { network } = props.network;
    const isProd = config.stage === 'prod';

    // Imported by id and name: a lookup would need credentials at synth.
    const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: traffic.hostedZone.hostedZoneId,
      zoneName: traffic.hostedZone.zoneName,
    });

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', { retention: traffic.logRetention });

    this.endpoint = new RegionalEndpoint(this, 'Endpoint', {
      vpc: network.vpc,
      subnetGroupName: SUBNET_GROUPS.public,
      hostedZone,
      serviceDomainName: apiDomainName(config),
      regionalDomainName: regionalApiDomainName(config, regionConfig),
      workloadSecurityGroup: network.orchestratorSecurityGroup,
      targetPort: traffic.containerPort,
      healthCheckPath: HEALTH_PATH,
      accessLogBucket: this.accessLogs.bucket,
      deletionProtection: isProd,
      webAclName: webAclName(config, regionConfig),
      wafLogRetention: isProd ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
    });

    const clusterName = eksClusterName(config, regionConfig);
    this.cluster = new OrchestratorCluster(this, 'Cluster', {
      clusterName,
      vpc: network.vpc,
      subnetGroupName: SUBNET_GROUPS.private,
      workloadSecurityGroup: network.orchestratorSecurityGroup,
      secretsKey: new EncryptionKey(this, 'ClusterSecretsKey', { purpose: `Kubernetes secrets of ${clusterName}` }).key,
      publicAccessCidrs: traffic.apiPublicAccessCidrs,
      adminRoles: traffic.clusterAdminRoleNames.map((name, index) =>
        iam.Role.fromRoleName(this, `AdminRole${index}`, name),
      ),
    });

    const capacity = traffic.warmCapacity[regionConfig.role];
    this.workload = new OrchestratorWorkload(this, 'Workload', {
      cluster: this.cluster.cluster,
      image: traffic.image,
      containerPort: traffic.containerPort,
      minReplicas: capacity.minReplicas,
      maxReplicas: capacity.maxReplicas,
      targetGroup: this.endpoint.targetGroup,
      // Created by the cache tier under this fixed name; referenced by name so neither stack needs the other.
      degradedModeParameter: ssm.StringParameter.fromStringParameterName(
        this,
        'DegradedModeParameter',
        parameters(config).rateLimiterMode,
      ),
      secretNamePrefix: orchestratorSecretPrefix(config),
      secretsKey: props.protection.secretsKey.key,
      regionRole: regionConfig.role,
      // Written by the region failover of this region's Automation stack; by name, as the degraded-mode one.
      activeRegionParameter: ssm.StringParameter.fromStringParameterName(
        this,
        'ActiveRegionParameter',
        parameters(config).activeRegion,
      ),
      // Written by `dr restore ... --switch` through this region's restore machines (Automation stack); by name.
      endpointParameters: {
        database: ssm.StringParameter.fromStringParameterName(
          this,
          'DatabaseEndpointParameter',
          parameters(config).databaseEndpoint,
        ),
        cache: ssm.StringParameter.fromStringParameterName(
          this,
          'CacheEndpointParameter',
          parameters(config).cacheEndpoint,
        ),
      },
      // The global writer endpoint, from this region's own copy (the Data stack of this region writes
      // it, see DataStack.publishWriterEndpoint): resolved by CloudFormation at deploy time in this
      // region, with no lookup at synth and no call to another region.
      databaseWriterEndpoint: ssm.StringParameter.valueForStringParameter(this, writerEndpointParameterName(config)),
      databasePort: AURORA_PORT,
    });

    this.rolloutRestart = new RolloutRestart(this, 'RolloutRestart', {
      cluster: this.cluster.cluster,
      vpc: network.vpc,
      subnetGroupName: SUBNET_GROUPS.private,
      namespace: ORCHESTRATOR_NAMESPACE,
      deployment: ORCHESTRATOR_NAME,
      stage: config.stage,
      stateMachineName: stateMachineName(config, regionConfig, 'rollout-restart'),
      parameterName: parameters(config).rolloutRestartStateMachineArn,
      encryptionKey: new EncryptionKey(this, 'RolloutRestartKey', {
        purpose: `rollout restart logs, queue and environment in ${regionConfig.region}`,
        allowCloudWatchLogs: true,
      }).key,
    });

    const peer = props.peerRegion;
    this.peerProbe = new EndpointProbe(this, 'PeerProbe', {
      canaryName: probeCanaryName(config, peer),
      domainName: regionalApiDomainName(config, peer),
      path: HEALTH_PATH,
      interval: traffic.probeInterval,
      description: `${peer.role} region (${peer.region})`,
      topic: props.alerting.alerts.topic('critical'),
      accessLogBucket: this.accessLogs.bucket,
      artifactRetention: traffic.logRetention,
      // S1 of the failover decision, read again by name right before a data-loss step. One failed
      // run is enough: the decision also needs Route 53's view (S2), and each minute counts in the RTO.
      failoverAlarmName: failoverAlarmNames(config, regionConfig).probe,
      failoverRuns: 1,
      // service_availability_percentage of the public name (critical: customers see it) and of the
      // peer's own name (high: the public name may still serve from this region).
      availability: {
        stage: config.stage,
        endpointRegion: peer.region,
        publicDomainName: apiDomainName(config),
        publicTopic: props.alerting.alerts.topic('critical'),
        endpointTopic: props.alerting.alerts.topic('high'),
      },
    });
  }
}
