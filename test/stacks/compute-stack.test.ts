// Compute tier: EKS settings and access, the orchestrator manifests per region role, pod identity, and the regional endpoint.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { ORCHESTRATOR_NAMESPACE } from '../../lib/constructs/orchestrator-workload';
import { ENDPOINT_TLS_POLICY } from '../../lib/constructs/regional-endpoint';
import { regionCode } from '../../lib/naming';
import { appliedObject, appliedObjects, type AppliedObject } from '../helpers/manifests';
import { synthStage } from '../helpers/synth';

const ROLES: RegionRole[] = ['primary', 'secondary'];
const cases = STAGES.flatMap((stage) => ROLES.map((role) => [stage, role] as const));

function compute(stage: (typeof STAGES)[number], role: RegionRole): { template: Template; objects: AppliedObject[] } {
  const synthesized = synthStage(stage);
  const template = synthesized.template(synthesized.stack(role, 'Compute').stackName);
  return { template, objects: appliedObjects(template) };
}

describe.each(cases)('%s %s compute', (stage, role) => {
  const synthesized = synthStage(stage);
  const { config } = synthesized;
  const region = config.regions.find((candidate) => candidate.role === role)!;
  const code = regionCode(region.region);
  const zone = config.traffic.hostedZone;

  test('EKS runs a supported version in Auto Mode, private endpoint, all logs, secrets encrypted with our key', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: `async-toolformer-${stage}-${code}`,
      Version: '1.35',
      ComputeConfig: { Enabled: true, NodePools: ['system'], NodeRoleArn: Match.anyValue() },
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({
            Type: type,
          })),
        },
      },
      EncryptionConfig: [
        {
          Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSecretsKey'), 'Arn'] } },
          Resources: ['secrets'],
        },
      ],
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({
        Description: Match.stringLikeRegexp('Kubernetes secrets'),
        EnableKeyRotation: true,
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('each configured admin role gets a cluster-admin access entry', () => {
    const { template } = compute(stage, role);
    for (const name of config.traffic.clusterAdminRoleNames) {
      template.hasResourceProperties('AWS::EKS::AccessEntry', {
        PrincipalArn: `arn:aws:iam::${config.account}:role/${name}`,
        AccessPolicies: [
          {
            AccessScope: { Type: 'cluster' },
            PolicyArn: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'],
              ],
            },
          },
        ],
      });
    }
  });

  test('orchestrator nodes carry the workload security group the data tier admits', () => {
    const { objects } = compute(stage, role);
    const nodeClass = appliedObject(objects, 'NodeClass', 'orchestrator');
    expect(nodeClass.spec?.securityGroupSelectorTerms).toHaveLength(2);
    const nodePool = appliedObject(objects, 'NodePool', 'orchestrator');
    expect(JSON.stringify(nodePool.spec)).toContain('"values":["on-demand"]');
  });

  test('the namespace and the Deployment, Service, PDB and HPA named orchestrator', () => {
    const { objects } = compute(stage, role);
    appliedObject(objects, 'Namespace', ORCHESTRATOR_NAMESPACE);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) {
      expect(appliedObject(objects, kind, 'orchestrator').metadata.namespace).toBe('async-toolformer');
    }
  });

  test('the Deployment runs the configured image with /health probes, requests, limits and AZ spread', () => {
    const { objects } = compute(stage, role);
    const deployment = appliedObject(objects, 'Deployment', 'orchestrator');
    const podSpec = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(podSpec).toMatchObject({
      serviceAccountName: 'orchestrator',
      topologySpreadConstraints: [expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 })],
      containers: [
        expect.objectContaining({
          image: config.traffic.image,
          ports: [{ name: 'http', containerPort: config.traffic.containerPort }],
          readinessProbe: expect.objectContaining({ httpGet: { path: '/health', port: 'http' } }),
          livenessProbe: expect.objectContaining({ httpGet: { path: '/health', port: 'http' } }),
          resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
          env: expect.arrayContaining([
            { name: 'DR_REGION_ROLE', value: role },
            { name: 'DEGRADED_MODE_PARAMETER', value: `/async-toolformer/${stage}/rate-limiter/mode` },
            // Where the writer is now, whatever DR_REGION_ROLE says: the pods read it at run time.
            { name: 'ACTIVE_REGION_PARAMETER', value: `/async-toolformer/${stage}/failover/active-region` },
          ]),
        }),
      ],
    });
  });

  test('the HPA keeps the warm capacity of this region role, fed by metrics-server, and owns the replica count', () => {
    const { template, objects } = compute(stage, role);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'metrics-server' });
    expect(appliedObject(objects, 'Deployment', 'orchestrator').spec).not.toHaveProperty('replicas');
    const hpa = appliedObject(objects, 'HorizontalPodAutoscaler', 'orchestrator');
    expect(hpa.spec).toMatchObject({
      minReplicas: config.traffic.warmCapacity[role].minReplicas,
      maxReplicas: config.traffic.warmCapacity[role].maxReplicas,
      scaleTargetRef: { kind: 'Deployment', name: 'orchestrator' },
    });
  });

  test('pods register with the CDK target group through a TargetGroupBinding', () => {
    const { template, objects } = compute(stage, role);
    const binding = appliedObject(objects, 'TargetGroupBinding', 'orchestrator');
    expect(binding).toMatchObject({
      apiVersion: 'eks.amazonaws.com/v1',
      metadata: { namespace: 'async-toolformer' },
      spec: { serviceRef: { name: 'orchestrator', port: 80 }, targetType: 'ip', targetGroupARN: '<token>' },
    });
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource', {
      Properties: {
        Manifest: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^EndpointTargetGroup') }])] },
      },
    });
    expect(Object.keys(manifests)).toHaveLength(1);
  });

  test('the pod identity may read the degraded-mode parameter and its secrets, nothing else', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'async-toolformer',
      ServiceAccount: 'orchestrator',
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^WorkloadPodPolicy') }],
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'pods.eks.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:GetParameters'],
            // The degraded-mode switch, the active region the region failover writes (the workload follows the writer),
            // and the endpoints dr restore --switch writes (the application follows a restore).
            Resource: [
              `arn:aws:ssm:${region.region}:${config.account}:parameter/async-toolformer/${stage}/app/cache-endpoint`,
              `arn:aws:ssm:${region.region}:${config.account}:parameter/async-toolformer/${stage}/app/database-endpoint`,
              `arn:aws:ssm:${region.region}:${config.account}:parameter/async-toolformer/${stage}/failover/active-region`,
              `arn:aws:ssm:${region.region}:${config.account}:parameter/async-toolformer/${stage}/rate-limiter/mode`,
            ],
          },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: `arn:aws:secretsmanager:${region.region}:${config.account}:secret:async-toolformer/${stage}/orchestrator/*`,
          },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: Match.anyValue(),
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region.region}.amazonaws.com` } },
          },
        ],
      },
    });
    // The kubectl provider's two functions, and the rollout restart's state machine (it invokes its one function).
    template.resourceCountIs('AWS::IAM::Policy', 3);
  });

  test('an internet-facing load balancer with HTTPS under a modern TLS policy, and HTTP redirected', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: String(stage === 'prod') },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: ENDPOINT_TLS_POLICY,
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^EndpointCertificate') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: config.traffic.containerPort,
      HealthCheckPath: '/health',
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('the certificate is validated by DNS in the configured zone and names the service and the region', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: `api.${zone.zoneName}`,
      SubjectAlternativeNames: [`api-${code}.${zone.zoneName}`],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: `api.${zone.zoneName}`, HostedZoneId: zone.hostedZoneId },
        { DomainName: `api-${code}.${zone.zoneName}`, HostedZoneId: zone.hostedZoneId },
      ],
    });
  });

  test('the regional name aliases the load balancer, evaluating its health', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `api-${code}.${zone.zoneName}.`,
      Type: 'A',
      HostedZoneId: zone.hostedZoneId,
      AliasTarget: {
        DNSName: Match.anyValue(),
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'CanonicalHostedZoneID'] },
        EvaluateTargetHealth: true,
      },
    });
  });

  test('a canary probes the other region on its schedule, over HTTPS, on /health', () => {
    const { template } = compute(stage, role);
    const peer = config.regions.find((candidate) => candidate.role !== role)!;
    const peerName = `api-${regionCode(peer.region)}.${zone.zoneName}`;
    const minutes = config.traffic.probeInterval.toMinutes();
    template.resourceCountIs('AWS::Synthetics::Canary', 1);
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      Name: `atf-${stage === 'prod' ? 'prd' : 'stg'}-probe-${regionCode(peer.region)}`,
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: `rate(${minutes} minute${minutes === 1 ? '' : 's'})` },
      StartCanaryAfterCreation: true,
      Code: {
        Handler: 'index.handler',
        Script: Match.stringLikeRegexp(
          `hostname: '${peerName.replace(/\./g, '\\.')}', method: 'GET', path: '/health', port: 443, protocol: 'https:'`,
        ),
      },
      ArtifactConfig: { S3Encryption: { EncryptionMode: 'SSE_KMS', KmsKeyArn: Match.anyValue() } },
    });
  });

  test("the compute stack's alarms are the canary's, in this region, paging this region's critical topic", () => {
    const { template } = compute(stage, role);
    // The canary's two, and the two on service_availability_percentage (below).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const topic = {
      'Fn::GetStackOutput': Match.objectLike({
        StackName: synthesized.stack(role, 'Alerting').stackName,
        Region: region.region,
        OutputName: Match.stringLikeRegexp('critical'),
      }),
    };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: Match.stringLikeRegexp('^PeerProbe') } }],
      Period: config.traffic.probeInterval.toSeconds(),
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
    // S1 of the failover decision: one failed run (the decision also needs Route 53's view), under a
    // fixed name the state machine re-reads; a silent canary never counts as down.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SuccessPercent',
      AlarmName: Match.stringLikeRegexp('-failover-s1-probe$'),
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: Match.absent(),
    });
    expect(synthesized.stack(role, 'Compute').region).toBe(region.region);
  });

  test('service_availability_percentage of the public name pages critical, of the peer region high, two runs in a row', () => {
    const { template } = compute(stage, role);
    const peer = synthesized.region(role === 'primary' ? 'secondary' : 'primary').region;
    const topic = (severity: string) => ({
      'Fn::GetStackOutput': Match.objectLike({
        StackName: synthesized.stack(role, 'Alerting').stackName,
        OutputName: Match.stringLikeRegexp(severity),
      }),
    });
    for (const [endpoint, severity] of [
      ['public', 'critical'],
      [peer, 'high'],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AsyncToolformer/DR',
        MetricName: 'service_availability_percentage',
        Dimensions: Match.arrayWith([
          { Name: 'endpoint', Value: endpoint },
          { Name: 'stage', Value: stage },
        ]),
        Period: config.traffic.probeInterval.toSeconds(),
        Statistic: 'Average',
        Threshold: 100,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'breaching',
        AlarmActions: [topic(severity)],
        OKActions: [topic(severity)],
      });
    }
  });

  test('WAF runs the AWS managed rule groups and a per-IP rate limit, logging to a retained group', () => {
    const { template } = compute(stage, role);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
        Match.objectLike({
          Name: 'rate-limit-per-ip',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
        }),
      ],
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ LogGroupName: `aws-waf-logs-async-toolformer-${stage}-${code}-api` }),
      DeletionPolicy: 'Retain',
    });
  });

  test('canary artifacts are kept: KMS-encrypted, versioned and retained', () => {
    const { template } = compute(stage, role);
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('access logs are kept: versioned and retained', () => {
    const { template } = compute(stage, role);
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

test('the secondary keeps less warm capacity than the primary, never zero', () => {
  for (const stage of STAGES) {
    const hpa = (role: RegionRole) =>
      appliedObject(compute(stage, role).objects, 'HorizontalPodAutoscaler', 'orchestrator').spec as {
        minReplicas: number;
      };
    expect(hpa('secondary').minReplicas).toBeGreaterThan(0);
    expect(hpa('secondary').minReplicas).toBeLessThan(hpa('primary').minReplicas);
  }
});
