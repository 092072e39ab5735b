// The orchestrator's rollout restart: a function inside the VPC with a namespaced EKS access entry, and the state machine that starts and follows it.
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../contract';
import { DrFunction } from './dr-function';
import { SteppedJob } from './stepped-job';

/**
 * The EKS access policy of the restart, scoped to one namespace. AmazonEKSEditPolicy is the
 * narrowest AWS-managed policy that may patch a Deployment (the view policy cannot); scoped to the
 * namespace it reaches nothing else of the cluster, and it is far from cluster admin.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export const ROLLOUT_RESTART_ACCESS_POLICY = 'AmazonEKSEditPolicy';

/** Props of {@link RolloutRestart}. */
export interface RolloutRestartProps {
  /** The cluster whose Deployment is restarted; its endpoint is private, so the function runs in its VPC. */
  readonly cluster: eks.Cluster;
  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnet group of the function; it needs a route to the cluster's endpoint ENIs. */
  readonly subnetGroupName: string;
  /** Namespace of the Deployment, and the only namespace the access entry reaches. */
  readonly namespace: string;
  /** Name of the Deployment. */
  readonly deployment: string;
  /** Stage, for the function's metrics. */
  readonly stage: string;
  /** Name of the state machine, as the CLI and the runbook name it. */
  readonly stateMachineName: string;
  /** SSM parameter that receives the state machine's ARN, which `dr restart` reads. */
  readonly parameterName: string;
  /** Key of the function's logs, queue and environment and of the execution log; a key of this app. */
  readonly encryptionKey: kms.IKey;
  /**
   * Pause between looks at the rollout.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Longest run; a rollout still going is then a failed run (the Deployment's own progress deadline is 10 minutes).
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/**
 * `kubectl rollout restart deployment/orchestrator -n async-toolformer`, from inside the VPC. Step
 * Functions' `eks:call` needs a public endpoint, and this project's are private, so a function in
 * the cluster's VPC calls the API server with an EKS token of its own role, which an access entry
 * maps to edit rights in the one namespace. The state machine steps it: patch, follow the rollout,
 * list the pods.
 */
export class RolloutRestart extends Construct {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;
  public readonly accessEntry: eks.AccessEntry;
  /** The function's group: it may reach the API server on 443 and nothing else. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: RolloutRestartProps) {
    super(scope, id);
    const { cluster } = props;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Rollout restart of ${props.deployment}: HTTPS to the cluster API only`,
      allowAllOutbound: false,
    });
    // The control plane's ENIs carry the cluster security group: admit the function to 443 there.
    this.securityGroup.connections.allowTo(cluster, ec2.Port.tcp(443), 'Kubernetes API server');

    this.function = new DrFunction(this, 'Function', {
      contract: FUNCTIONS.rolloutRestart,
      description: `Rollout restart step of deployment/${props.deployment} -n ${props.namespace} through the private API`,
      stage: props.stage,
      encryptionKey: props.encryptionKey,
      timeout: Duration.seconds(30),
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: props.subnetGroupName },
      securityGroups: [this.securityGroup],
      environment: {
        CLUSTER_NAME: cluster.clusterName,
        CLUSTER_ENDPOINT: cluster.clusterEndpoint,
        CLUSTER_CA: cluster.clusterCertificateAuthorityData,
        NAMESPACE: props.namespace,
        DEPLOYMENT: props.deployment,
      },
    });
    this.accessEntry = new eks.AccessEntry(this, 'AccessEntry', {
      cluster,
      principal: this.function.role.roleArn,
      accessPolicies: [
        eks.AccessPolicy.fromAccessPolicyName(ROLLOUT_RESTART_ACCESS_POLICY, {
          accessScopeType: eks.AccessScopeType.NAMESPACE,
          namespaces: [props.namespace],
        }),
      ],
    });

    this.steppedJob = new SteppedJob(this, 'StateMachine', {
      step: this.function,
      stateMachineName: props.stateMachineName,
      interval: props.interval ?? Duration.seconds(10),
      timeout: props.timeout ?? Duration.minutes(30),
      logKey: props.encryptionKey,
    });
    new ssm.StringParameter(this, 'StateMachineArn', {
      parameterName: props.parameterName,
      stringValue: this.steppedJob.stateMachine.stateMachineArn,
      description: `The rollout restart state machine of ${Stack.of(this).region}, which dr restart starts`,
    });
  }
}
