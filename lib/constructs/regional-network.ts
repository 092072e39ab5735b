// The VPC of one region: three subnet tiers over configured AZs, NAT per AZ, flow logs and VPC endpoints.
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeConfiguredAvailabilityZone } from '../nag/acknowledgements';
import { skipCheckov } from '../nag/checkov';
import type { InterfaceEndpointName } from '../config';
import { EncryptionKey } from './encryption-key';

/** The AWS service behind each configurable interface endpoint name. */
const ENDPOINT_SERVICES: Readonly<Record<InterfaceEndpointName, ec2.InterfaceVpcEndpointAwsService>> = {
  ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  'cloudwatch-monitoring': ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  'cloudwatch-logs': ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  sts: ec2.InterfaceVpcEndpointAwsService.STS,
  'secrets-manager': ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  'ecr-api': ec2.InterfaceVpcEndpointAwsService.ECR,
  'ecr-dkr': ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  elasticache: ec2.InterfaceVpcEndpointAwsService.ELASTICACHE,
  rds: ec2.InterfaceVpcEndpointAwsService.RDS,
  backup: ec2.InterfaceVpcEndpointAwsService.BACKUP,
  sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  events: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
};

/** Subnet group names, which later tiers select by. */
export const SUBNET_GROUPS = {
  public: 'public',
  private: 'private',
  isolated: 'isolated',
} as const;

/** Props of {@link RegionalNetwork}. */
export interface RegionalNetworkProps {
  /** IPv4 CIDR of the VPC. */
  readonly cidr: string;
  /**
   * NAT gateways to create.
   * @default - one per AZ
   */
  readonly natGateways?: number;
  /** Retention of the VPC flow log group. */
  readonly flowLogRetention: logs.RetentionDays;
  /** Interface endpoints to create. The S3 gateway endpoint is always created: it is free. */
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
}

/**
 * A VPC with public subnets (load balancers, NAT), private subnets with egress (EKS nodes,
 * Lambdas) and isolated subnets (Aurora, ElastiCache), over the stack's configured AZs.
 */
export class RegionalNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;
  /** Interface endpoints by config name, for later tiers that need their security groups. */
  public readonly interfaceEndpoints: ReadonlyMap<InterfaceEndpointName, ec2.InterfaceVpcEndpoint>;
  /**
   * Security group of the orchestrator workload (EKS pods and nodes). The data and cache tiers admit
   * only this group and {@link automationSecurityGroup}, never a CIDR; the compute tier attaches it.
   */
  public readonly orchestratorSecurityGroup: ec2.SecurityGroup;
  /** Security group of the DR automation Lambdas that talk to data-tier endpoints. */
  public readonly automationSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const azCount = stack.availabilityZones.length;

    this.vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: azCount,
      natGateways: props.natGateways ?? azCount,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // Only NAT gateways and load balancers live here; neither needs an auto-assigned public IP.
        { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        // /19 per AZ: EKS gives every pod a VPC address.
        { name: SUBNET_GROUPS.private, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
        { name: SUBNET_GROUPS.isolated, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    this.skipRestrictDefaultSecurityGroupProvider();

    const flowLogKey = new EncryptionKey(this, 'FlowLogKey', {
      purpose: `VPC flow logs in ${stack.region}`,
      allowCloudWatchLogs: true,
    });
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention,
      encryptionKey: flowLogKey.key,
    });
    // A role of ours with a managed policy: the role CDK would generate carries an inline policy.
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Delivers VPC flow logs of ${stack.region} to their log group`,
      managedPolicies: [
        new iam.ManagedPolicy(this, 'FlowLogDeliveryPolicy', {
          description: 'Write VPC flow log records to the one flow log group',
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              resources: [this.flowLogGroup.logGroupArn],
            }),
          ],
        }),
      ],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    for (const subnet of [...this.vpc.publicSubnets, ...this.vpc.privateSubnets, ...this.vpc.isolatedSubnets]) {
      acknowledgeConfiguredAvailabilityZone(subnet);
    }
    for (const subnet of this.vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason:
          'Public subnet: its 0.0.0.0/0 route to the internet gateway is what makes it public. It holds only the NAT ' +
          'gateways and the internet-facing load balancers that Route 53 fails over between, and it assigns no public IPs on launch.',
      });
    }

    this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const endpoints = new Map<InterfaceEndpointName, ec2.InterfaceVpcEndpoint>();
    // One group for all endpoints, admitting HTTPS from the VPC's literal CIDR: the default group
    // refers to the CIDR through Fn::GetAtt, which nag rules cannot evaluate.
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'HTTPS from inside the VPC to its interface endpoints',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const name of props.interfaceEndpoints) {
      endpoints.set(
        name,
        this.vpc.addInterfaceEndpoint(`Endpoint-${name}`, {
          service: ENDPOINT_SERVICES[name],
          privateDnsEnabled: true,
          open: false,
          securityGroups: [endpointSecurityGroup],
          subnets: { subnetGroupName: SUBNET_GROUPS.private },
        }),
      );
    }
    this.interfaceEndpoints = endpoints;

    this.orchestratorSecurityGroup = new ec2.SecurityGroup(this, 'OrchestratorSecurityGroup', {
      vpc: this.vpc,
      description: 'Orchestrator workload; the data and cache tiers admit this group',
      allowAllOutbound: true,
    });
    this.automationSecurityGroup = new ec2.SecurityGroup(this, 'AutomationSecurityGroup', {
      vpc: this.vpc,
      description: 'DR automation Lambdas; the data and cache tiers admit this group',
      allowAllOutbound: true,
    });
  }

  /**
   * `restrictDefaultSecurityGroup` brings CDK's provider of Custom::VpcRestrictDefaultSG, one
   * function per stack that takes no configuration.
   */
  private skipRestrictDefaultSecurityGroupProvider(): void {
    const handler = Stack.of(this)
      .node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')
      ?.node.tryFindChild('Handler');
    if (!handler) return;
    skipCheckov(
      handler,
      ['CKV_AWS_116', 'CKV_AWS_115', 'CKV_AWS_117'],
      "CDK's provider of Custom::VpcRestrictDefaultSG, which empties the default security group's rules at deploy time: " +
        'CloudFormation waits on it and reports a failure as a failed deployment (no DLQ), no client ever invokes it ' +
        '(no concurrency to reserve), and it calls only the EC2 API (no VPC).',
    );
  }
}
