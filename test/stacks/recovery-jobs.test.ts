// dr warm-cache and dr restart as deployed: the rollout restart's namespaced access entry, network and environment, and the cache warm-up's reads, in both regions of both stages.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { FUNCTIONS, stageParameters } from '../../lib/contract';
import { ORCHESTRATOR_NAMESPACE } from '../../lib/constructs/orchestrator-workload';
import { ROLLOUT_RESTART_ACCESS_POLICY } from '../../lib/constructs/rollout-restart';
import { regionCode } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const cases = STAGES.flatMap((stage) =>
  (['primary', 'secondary'] as RegionRole[]).map((role) => [stage, role] as const),
);

function templateOf(stage: (typeof STAGES)[number], role: RegionRole, purpose: 'Compute' | 'Automation'): Template {
  const synthesized = synthStage(stage);
  return synthesized.template(synthesized.stack(role, purpose).stackName);
}

const functionOf = (template: Template, service: string) => {
  const [found] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
    ([, fn]) =>
      (fn.Properties.Environment?.Variables as Record<string, unknown> | undefined)?.POWERTOOLS_SERVICE_NAME ===
      service,
  );
  return found;
};

describe.each(cases)('%s %s', (stage, role) => {
  const config = synthStage(stage).config;
  const region = config.regions.find((candidate) => candidate.role === role)!;
  const code = regionCode(region.region);

  test('the rollout restart may edit the orchestrator namespace only: a namespaced access entry, never cluster admin', () => {
    const template = templateOf(stage, role, 'Compute');
    const [id] = functionOf(template, FUNCTIONS.rolloutRestart.service)!;
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolloutRestartFunctionServiceRole'), 'Arn'] },
      AccessPolicies: [
        {
          PolicyArn: Match.anyValue(),
          AccessScope: { Type: 'namespace', Namespaces: [ORCHESTRATOR_NAMESPACE] },
        },
      ],
    });
    expect(id).toMatch(/^RolloutRestartFunction/);
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')).filter((entry) =>
      JSON.stringify(entry.Properties.PrincipalArn).includes('RolloutRestart'),
    );
    expect(entries).toHaveLength(1);
    const policy = JSON.stringify(entries[0]!.Properties.AccessPolicies);
    expect(policy).toContain(`:eks::aws:cluster-access-policy/${ROLLOUT_RESTART_ACCESS_POLICY}`);
    expect(policy).not.toContain('AmazonEKSClusterAdminPolicy');
  });

  test('the rollout restart runs in the VPC, reaches the API server on 443 only, and is given its endpoint and CA', () => {
    const template = templateOf(stage, role, 'Compute');
    const [, fn] = functionOf(template, FUNCTIONS.rolloutRestart.service)!;
    expect(fn.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    const [cluster] = Object.keys(template.findResources('AWS::EKS::Cluster'));
    expect(fn.Properties.Environment.Variables).toMatchObject({
      CLUSTER_NAME: { Ref: cluster },
      CLUSTER_ENDPOINT: { 'Fn::GetAtt': [cluster, 'Endpoint'] },
      CLUSTER_CA: { 'Fn::GetAtt': [cluster, 'CertificateAuthorityData'] },
      NAMESPACE: ORCHESTRATOR_NAMESPACE,
      DEPLOYMENT: 'orchestrator',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Rollout restart'),
      SecurityGroupEgress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolloutRestartSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolloutRestartSecurityGroup'), 'GroupId'] },
    });
  });

  test('each recovery job has its state machine in the region and its ARN where the CLI reads it', () => {
    const parameters = stageParameters(stage);
    templateOf(stage, role, 'Compute').hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `async-toolformer-${stage}-${code}-rollout-restart`,
    });
    templateOf(stage, role, 'Compute').hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.rolloutRestartStateMachineArn,
    });
    templateOf(stage, role, 'Automation').hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `async-toolformer-${stage}-${code}-cache-warm-up`,
    });
    templateOf(stage, role, 'Automation').hasResourceProperties('AWS::SSM::Parameter', {
      Name: parameters.cacheWarmUpStateMachineArn,
    });
  });

  test('the cache warm-up reads objects under warm-up/ of its region’s cache backup bucket only, in the VPC', () => {
    const template = templateOf(stage, role, 'Automation');
    const [, fn] = functionOf(template, FUNCTIONS.cacheWarmUp.service)!;
    const bucket = fn.Properties.Environment.Variables.MANIFEST_BUCKET as string;
    expect(bucket).toContain(code);
    expect(fn.Properties.VpcConfig).toBeDefined();
    const policies = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toContain(`"Action":["s3:GetObject","s3:GetObjectVersion"],"Effect":"Allow","Resource":"arn:`);
    expect(policies).toContain(`:s3:::${bucket}/warm-up/*"`);
    expect(policies).not.toContain(`"s3:PutObject","Effect":"Allow","Resource":"arn:aws:s3:::${bucket}/warm-up/*"`);
  });
});
