// The orchestrator on one cluster: namespace, Deployment, Service, PDB, HPA, pod identity and its load balancer binding.
import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { APPLICATION_NAME, KUBERNETES_NAMESPACE, NODE_POOL_LABEL } from '../naming';
import { ORCHESTRATOR_NODE_POOL } from './orchestrator-cluster';

/** Namespace and names the plan's runbooks use (`kubectl ... deployment/orchestrator -n async-toolformer`). */
export const ORCHESTRATOR_NAMESPACE = KUBERNETES_NAMESPACE;
export const ORCHESTRATOR_NAME = 'orchestrator';
/** Path of the health endpoint that the probes, the target group, Route 53 and the canaries call. */
export const HEALTH_PATH = '/health';
/** Port of the Kubernetes Service that the load balancer's target group binding refers to. */
export const SERVICE_PORT = 80;

/**
 * Requests and limits of one orchestrator container. The HPA scales on CPU relative to the request,
 * so the request is what one replica is sized to serve.
 */
export const ORCHESTRATOR_RESOURCES = {
  requests: { cpu: '500m', memory: '1Gi' },
  limits: { cpu: '2', memory: '2Gi' },
} as const;

/** CPU utilisation (of the request) the HPA keeps replicas at; headroom for a failover's surge. */
export const HPA_TARGET_CPU_PERCENT = 60;

/** Props of {@link OrchestratorWorkload}. */
export interface OrchestratorWorkloadProps {
  /** Cluster to apply the manifests to. */
  readonly cluster: eks.Cluster;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** Port the container serves HTTP and `/health` on. */
  readonly containerPort: number;
  /** Floor of the HPA: the warm capacity of this region. At least 1. */
  readonly minReplicas: number;
  /** Ceiling of the HPA. */
  readonly maxReplicas: number;
  /** Target group of the regional load balancer, which the pods are bound to. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The degraded-mode parameter of the rate limiter, the only parameter the pods may read. */
  readonly degradedModeParameter: ssm.IStringParameter;
  /**
   * Name prefix of the secrets the pods may read, for example `async-toolformer/prod/orchestrator/`.
   * Secrets Manager appends a random suffix to every ARN, so the grant is by prefix.
   */
  readonly secretNamePrefix: string;
  /** Key the secrets are encrypted with; the pods may decrypt with it only through Secrets Manager. */
  readonly secretsKey: kms.IKey;
  /** Written into the pods' environment, so logs and metrics say which side served a request. */
  readonly regionRole: string;
  /**
   * The region failover's active-region parameter of this region, which the pods may read: where the
   * writer is now, whatever `regionRole` says (docs/runbooks/failover-activation.md).
   * @default - the pods read no active region
   */
  readonly activeRegionParameter?: ssm.IStringParameter;
  /**
   * Host name the pods write to the database through: the Aurora global database's writer endpoint
   * (`<id>.global-<random>.global.rds.amazonaws.com`, see `GlobalWriterEndpoint`), which Aurora points
   * at the current primary's writer, so a switchover or failover needs no redeploy. Not a regional cluster endpoint, which stays in its region.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html
   */
  readonly databaseWriterEndpoint: string;
  /** Port of the database behind {@link databaseWriterEndpoint}, 1 to 65535. */
  readonly databasePort: number;
  /**
   * The application endpoint parameters of this region, which the pods may read at run time:
   * `default` (the endpoints of their environment) until `dr restore db|cache --switch` writes a
   * restored cluster's or group's `host:port` (docs/runbooks/aurora-restore-from-backup.md).
   * @default - the pods read no endpoint parameter
   */
  readonly endpointParameters?: { readonly database: ssm.IStringParameter; readonly cache: ssm.IStringParameter };
}

/** Names of the variables that name the endpoint parameters in the orchestrator container's environment. */
export const ENDPOINT_PARAMETER_ENV = {
  database: 'DATABASE_ENDPOINT_PARAMETER',
  cache: 'CACHE_ENDPOINT_PARAMETER',
} as const;

/** Names of the database variables in the orchestrator container's environment. */
export const DATABASE_ENV = {
  writerEndpoint: 'DATABASE_WRITER_ENDPOINT',
  port: 'DATABASE_PORT',
} as const;

/** What {@link orchestratorManifests} needs; the same values as {@link OrchestratorWorkloadProps}, as plain data. */
export interface OrchestratorManifestProps {
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** Port the container serves HTTP and `/health` on. */
  readonly containerPort: number;
  /** Floor of the HPA. */
  readonly minReplicas: number;
  /** Ceiling of the HPA. */
  readonly maxReplicas: number;
  /** `primary` or `secondary`, written into the pods' environment. */
  readonly regionRole: string;
  /** Name of the degraded-mode SSM parameter, written into the pods' environment. */
  readonly degradedModeParameterName: string;
  /**
   * Name of the active-region SSM parameter (the region that holds the writer, which a region
   * failover run writes), for the pods' environment: they read it at run time, so an activation
   * needs no redeploy.
   * @default - not passed
   */
  readonly activeRegionParameterName?: string;
  /** The global writer endpoint, written into the pods' environment ({@link DATABASE_ENV}). */
  readonly databaseWriterEndpoint: string;
  /** Port of the database. */
  readonly databasePort: number;
  /**
   * Names of the application endpoint parameters, for the pods' environment ({@link ENDPOINT_PARAMETER_ENV}).
   * @default - not passed
   */
  readonly endpointParameterNames?: { readonly database: string; readonly cache: string };
}

/** Kubernetes objects of the orchestrator, except the binding to the load balancer. */
export function orchestratorManifests(props: OrchestratorManifestProps): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': ORCHESTRATOR_NAME, 'app.kubernetes.io/part-of': APPLICATION_NAME };
  const metadata = { name: ORCHESTRATOR_NAME, namespace: ORCHESTRATOR_NAMESPACE, labels };
  const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
    httpGet: { path: HEALTH_PATH, port: 'http' },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold,
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // No replicas field: the HPA owns the count. With one, every deploy would reset a busy
        // region to its floor until the HPA caught up again.
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: ORCHESTRATOR_NAME,
            nodeSelector: { [NODE_POOL_LABEL]: ORCHESTRATOR_NODE_POOL },
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            // An AZ failure must leave replicas in the other AZs; ScheduleAnyway keeps pods running
            // while an AZ is down instead of leaving them pending.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name: ORCHESTRATOR_NAME,
                image: props.image,
                ports: [{ name: 'http', containerPort: props.containerPort }],
                env: [
                  { name: 'DR_REGION_ROLE', value: props.regionRole },
                  { name: 'DEGRADED_MODE_PARAMETER', value: props.degradedModeParameterName },
                  { name: DATABASE_ENV.writerEndpoint, value: props.databaseWriterEndpoint },
                  { name: DATABASE_ENV.port, value: String(props.databasePort) },
                  ...(props.activeRegionParameterName
                    ? [{ name: 'ACTIVE_REGION_PARAMETER', value: props.activeRegionParameterName }]
                    : []),
                  ...(props.endpointParameterNames
                    ? [
                        { name: ENDPOINT_PARAMETER_ENV.database, value: props.endpointParameterNames.database },
                        { name: ENDPOINT_PARAMETER_ENV.cache, value: props.endpointParameterNames.cache },
                      ]
                    : []),
                ],
                readinessProbe: probe(5, 3),
                // Slower to kill than to unready: a slow dependency should drain a pod, not restart it.
                livenessProbe: probe(30, 6),
                resources: ORCHESTRATOR_RESOURCES,
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                // The root filesystem is read-only; scratch space is a memory-backed volume.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ORCHESTRATOR_NAME },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: HPA_TARGET_CPU_PERCENT } },
          },
        ],
        // Scale up at once when a failover lands, scale down slowly.
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
          scaleDown: { stabilizationWindowSeconds: 300 },
        },
      },
    },
  ];
}

/**
 * The orchestrator workload. Pods register with the load balancer's target group through a
 * `TargetGroupBinding`, which EKS Auto Mode's built-in load balancer controller reconciles: CDK owns
 * the load balancer, so Route 53 can alias it with no lookup, and Kubernetes owns the targets.
 */
export class OrchestratorWorkload extends Construct {
  public readonly serviceAccount: eks.ServiceAccount;
  public readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: OrchestratorWorkloadProps) {
    super(scope, id);
    validateDatabase(props);
    const { cluster } = props;
    const stack = Stack.of(this);

    const namespace = cluster.addManifest('Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ORCHESTRATOR_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });

    this.serviceAccount = cluster.addServiceAccount('ServiceAccount', {
      name: ORCHESTRATOR_NAME,
      namespace: ORCHESTRATOR_NAMESPACE,
      identityType: eks.IdentityType.POD_IDENTITY,
    });
    this.serviceAccount.node.addDependency(namespace);
    const secretsPattern = `${props.secretNamePrefix}*`;
    // A managed policy, not the role's inline default policy: this is the pods' whole permission set.
    const policy = new iam.ManagedPolicy(this, 'PodPolicy', {
      description: `What the ${ORCHESTRATOR_NAME} pods may do: read the degraded-mode parameter and their secrets`,
      statements: [
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [
            props.degradedModeParameter.parameterArn,
            ...(props.activeRegionParameter ? [props.activeRegionParameter.parameterArn] : []),
            ...(props.endpointParameters
              ? [props.endpointParameters.database.parameterArn, props.endpointParameters.cache.parameterArn]
              : []),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [
            stack.formatArn({
              service: 'secretsmanager',
              resource: 'secret',
              resourceName: secretsPattern,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
    this.serviceAccount.role.addManagedPolicy(policy);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${secretsPattern}]`,
      reason:
        'Secrets Manager appends a random suffix to every secret ARN, so the orchestrator secrets are granted by their ' +
        'name prefix; the prefix is the orchestrator folder of this stage only.',
    });

    this.manifest = cluster.addManifest(
      'Workload',
      ...orchestratorManifests({
        image: props.image,
        containerPort: props.containerPort,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        regionRole: props.regionRole,
        databaseWriterEndpoint: props.databaseWriterEndpoint,
        databasePort: props.databasePort,
        degradedModeParameterName: props.degradedModeParameter.parameterName,
        ...(props.activeRegionParameter
          ? { activeRegionParameterName: props.activeRegionParameter.parameterName }
          : {}),
        ...(props.endpointParameters
          ? {
              endpointParameterNames: {
                database: props.endpointParameters.database.parameterName,
                cache: props.endpointParameters.cache.parameterName,
              },
            }
          : {}),
      }),
    );
    this.manifest.node.addDependency(this.serviceAccount);

    const binding = cluster.addManifest('TargetGroupBinding', {
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'TargetGroupBinding',
      metadata: { name: ORCHESTRATOR_NAME, namespace: ORCHESTRATOR_NAMESPACE },
      spec: {
        serviceRef: { name: ORCHESTRATOR_NAME, port: SERVICE_PORT },
        targetGroupARN: props.targetGroup.targetGroupArn,
        targetType: 'ip',
      },
    });
    binding.node.addDependency(this.manifest);
  }
}

/** Bad database settings fail at synth, naming the field and the fix; unresolved tokens are skipped. */
function validateDatabase(props: OrchestratorWorkloadProps): void {
  const endpoint = props.databaseWriterEndpoint;
  if (!Token.isUnresolved(endpoint)) {
    if (endpoint.trim() === '') {
      throw new Error(
        "databaseWriterEndpoint is empty; pass the global cluster's writer endpoint (GlobalWriterEndpoint.address, or its SSM copy in each region)",
      );
    }
    // A regional cluster endpoint stays in its region: after a failover the pods would write to a read-only secondary.
    if (/\.cluster-(ro-)?[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com$/.test(endpoint)) {
      throw new Error(
        `databaseWriterEndpoint must be the global writer endpoint (<id>.global-<id>.global.rds.amazonaws.com), got the regional cluster endpoint: ${endpoint}`,
      );
    }
  }
  if (
    !Token.isUnresolved(props.databasePort) &&
    (!Number.isInteger(props.databasePort) || props.databasePort < 1 || props.databasePort > 65535)
  ) {
    throw new Error(`databasePort must be an integer between 1 and 65535 inclusive, got: ${props.databasePort}`);
  }
}
