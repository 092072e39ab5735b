// The EKS cluster of one region: Auto Mode compute, private API by default, logging, envelope encryption, admin access.
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { NODE_POOL_LABEL } from '../naming';
import { acknowledgeManagedPolicies } from '../nag/acknowledgements';

/**
 * Kubernetes version of every cluster. 1.35 is in EKS standard support through early 2027; moving
 * to the next one means this constant and the kubectl layer package, nothing else.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export const KUBERNETES_VERSION = eks.KubernetesVersion.V1_35;

/** Name of the Auto Mode node pool (and node class) the orchestrator runs on. */
export const ORCHESTRATOR_NODE_POOL = 'orchestrator';

/** Every control plane log type: an outage investigation needs the audit and authenticator logs too. */
const CONTROL_PLANE_LOGS = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/** Props of {@link OrchestratorCluster}. */
export interface OrchestratorClusterProps {
  /** Name of the cluster, for example `async-toolformer-prod-use1`; the runbooks name it. */
  readonly clusterName: string;
  /** VPC of the region; nodes and the control plane's ENIs go to its private subnets. */
  readonly vpc: ec2.IVpc;
  /** Name of the subnet group the nodes and control plane ENIs use. */
  readonly subnetGroupName: string;
  /**
   * Security group every orchestrator node carries, so the data and cache tiers (which admit only
   * this group) are reachable from the pods.
   */
  readonly workloadSecurityGroup: ec2.ISecurityGroup;
  /** Key that envelope-encrypts Kubernetes secrets. */
  readonly secretsKey: kms.IKey;
  /**
   * CIDRs that may reach the public API endpoint.
   * @default - private endpoint only
   */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * Roles that get the AmazonEKSClusterAdminPolicy access entry.
   * @default - none
   */
  readonly adminRoles?: readonly iam.IRole[];
}

/**
 * An EKS Auto Mode cluster. Auto Mode provisions a node in about a minute for pods that cannot be
 * scheduled, so scaling the secondary after a failover is bounded by the HPA, not by an Auto
 * Scaling group. The built-in `system` pool runs cluster add-ons; the `orchestrator` pool runs the
 * workload on nodes that carry {@link OrchestratorClusterProps.workloadSecurityGroup}.
 */
export class OrchestratorCluster extends Construct {
  public readonly cluster: eks.Cluster;
  /** Role of the Auto Mode nodes. */
  public readonly nodeRole: iam.Role;

  constructor(scope: Construct, id: string, props: OrchestratorClusterProps) {
    super(scope, id);
    const subnets: ec2.SubnetSelection = { subnetGroupName: props.subnetGroupName };
    const cidrs = props.publicAccessCidrs ?? [];

    this.nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Auto Mode nodes of ${props.clusterName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodeMinimalPolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });

    this.cluster = new eks.Cluster(this, 'Resource', {
      clusterName: props.clusterName,
      version: KUBERNETES_VERSION,
      vpc: props.vpc,
      vpcSubnets: [subnets],
      endpointAccess:
        cidrs.length > 0 ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...cidrs) : eks.EndpointAccess.PRIVATE,
      clusterLogging: CONTROL_PLANE_LOGS,
      secretsEncryptionKey: props.secretsKey,
      // Auto Mode: the built-in system pool only; the workload gets its own pool below.
      compute: { nodePools: ['system'], nodeRole: this.nodeRole },
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, 'KubectlLayer') },
    });

    // The HPA scales on CPU, which needs the metrics API; Auto Mode does not serve it by itself.
    // Without it a secondary would stay at its warm floor however much traffic a failover brings.
    new eks.Addon(this, 'MetricsServer', { cluster: this.cluster, addonName: 'metrics-server' });

    this.acknowledgeKubectlProvider();
    Validations.of(this.cluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason:
        'aws-eks-v2 writes EncryptionConfig.Resources = ["secrets"] for envelope encryption; it is the only value EKS ' +
        'accepts and the property still takes effect, only its documentation is marked deprecated.',
    });
    acknowledgeManagedPolicies(
      this.cluster.role,
      'EKS Auto Mode requires these AWS-maintained policies on its cluster role (cluster, compute, block storage, load ' +
        'balancing, networking); AWS changes them together with the service, so a copy would fall behind.',
    );
    acknowledgeManagedPolicies(
      this.nodeRole,
      'EKS Auto Mode nodes need exactly these AWS-maintained policies (minimal worker node, registry pull only), the ' +
        'smallest set AWS documents for Auto Mode node roles.',
    );

    (props.adminRoles ?? []).forEach((role, index) => {
      this.cluster.grantClusterAdmin(`Admin${index}`, role.roleArn);
    });

    // A node class of ours, so orchestrator nodes carry the workload group beside the cluster's own.
    const nodeClass = {
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'NodeClass',
      metadata: { name: ORCHESTRATOR_NODE_POOL },
      spec: {
        role: this.nodeRole.roleName,
        subnetSelectorTerms: props.vpc.selectSubnets(subnets).subnetIds.map((subnetId) => ({ id: subnetId })),
        securityGroupSelectorTerms: [
          { id: this.cluster.clusterSecurityGroupId },
          { id: props.workloadSecurityGroup.securityGroupId },
        ],
      },
    };
    const nodePool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: ORCHESTRATOR_NODE_POOL },
      spec: {
        template: {
          metadata: { labels: { [NODE_POOL_LABEL]: ORCHESTRATOR_NODE_POOL } },
          spec: {
            nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: ORCHESTRATOR_NODE_POOL },
            requirements: [
              { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm'] },
              { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
              // On-demand only: a spot reclaim during a failover would take capacity when it counts.
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
            ],
          },
        },
      },
    };
    this.cluster.addManifest('OrchestratorNodePool', nodeClass, nodePool);
  }

  /**
   * The kubectl provider is CDK's own custom resource provider: its functions, roles and log groups
   * are generated by aws-eks-v2 and take no configuration for these findings.
   */
  private acknowledgeKubectlProvider(): void {
    const provider = this.cluster.node.findChild('KubectlProvider');
    const generated =
      "is CDK's kubectl custom resource provider, generated by aws-eks-v2; it runs only during deployments";
    const acknowledgements: Record<string, string> = {
      'AwsSolutions-L1': `The runtime is chosen by aws-cdk-lib: the provider ${generated} and is updated with the library.`,
      'NIST.800.53.R5-IAMNoInlinePolicy': `Inline policies scoped to this cluster: the provider ${generated}.`,
      'NIST.800.53.R5-LambdaDLQ': `CloudFormation waits for each call and reports a failure as a failed deployment: the provider ${generated}.`,
      'NIST.800.53.R5-LambdaConcurrency': `Called once per Kubernetes resource per deployment, never by clients: the provider ${generated}.`,
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted': `Its log groups hold kubectl output of deployments, no application data: the provider ${generated}.`,
    };
    for (const [id, reason] of Object.entries(acknowledgements)) Validations.of(provider).acknowledge({ id, reason });
    const handler = provider.node.findChild('Handler') as lambda.Function;
    const onEvent = provider.node.findChild('Provider').node.findChild('framework-onEvent') as lambda.Function;
    for (const fn of [handler, onEvent]) {
      skipCheckov(fn, 'CKV_AWS_116', acknowledgements['NIST.800.53.R5-LambdaDLQ']);
      skipCheckov(fn, 'CKV_AWS_115', acknowledgements['NIST.800.53.R5-LambdaConcurrency']);
      skipCheckov(
        fn,
        'CKV_AWS_173',
        `Its environment holds the kubectl settings aws-eks-v2 passes, no secret, encrypted at rest with the Lambda service key; aws-eks-v2 takes no key for it: the provider ${generated}.`,
      );
    }
    for (const logGroup of provider.node.findAll().filter((child) => child instanceof logs.CfnLogGroup)) {
      skipCheckov(logGroup, 'CKV_AWS_158', acknowledgements['NIST.800.53.R5-CloudWatchLogGroupEncrypted']);
    }
    for (const fn of [handler, onEvent]) {
      if (fn.role) {
        acknowledgeManagedPolicies(
          fn.role,
          `AWS-maintained Lambda execution, VPC access and registry read policies: the provider ${generated}.`,
        );
      }
    }
    const handlerLogicalId = Stack.of(this).getLogicalId(handler.node.defaultChild as lambda.CfnFunction);
    Validations.of(onEvent).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${handlerLogicalId}.Arn>:*]`,
      reason: `The provider framework may invoke any version of its own kubectl handler and nothing else: the provider ${generated}.`,
    });
  }
}
