// Network tier: VPC over the configured AZs, NAT per AZ in prod, flow logs, endpoints, no lookups.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { STAGES, loadConfig, type RegionRole, type Stage } from '../../lib/config';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { newApp, synthStage } from '../helpers/synth';

const cases: [Stage, RegionRole][] = STAGES.flatMap((stage) =>
  (['primary', 'secondary'] as const).map((role): [Stage, RegionRole] => [stage, role]),
);

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stack(role, 'Network');
  const region = synthesized.region(role);
  return { synthesized, stack, region, template: synthesized.template(stack.stackName) };
}

describe.each(cases)('%s %s network', (stage, role) => {
  test('the VPC uses the configured CIDR', () => {
    const { template, region } = setup(stage, role);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: region.cidr,
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
  });

  test('public, private and isolated subnets span exactly the configured AZs', () => {
    const { template, region } = setup(stage, role);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    const byTier = new Map<string, string[]>();
    for (const subnet of subnets) {
      const tags = subnet.Properties.Tags as { Key: string; Value: string }[];
      const tier = tags.find((t) => t.Key === 'aws-cdk:subnet-name')?.Value ?? 'unknown';
      byTier.set(tier, [...(byTier.get(tier) ?? []), subnet.Properties.AvailabilityZone as string]);
    }
    expect([...byTier.keys()].sort()).toEqual(['isolated', 'private', 'public']);
    for (const azs of byTier.values()) expect(azs.sort()).toEqual([...region.availabilityZones].sort());
  });

  test('public subnets assign no public IPs on launch', () => {
    const { template } = setup(stage, role);
    const publicSubnets = template.findResources('AWS::EC2::Subnet', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]) },
    });
    expect(Object.keys(publicSubnets).length).toBeGreaterThanOrEqual(2);
    for (const subnet of Object.values(publicSubnets)) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('NAT gateways: one per AZ in prod, one in staging', () => {
    const { template, region } = setup(stage, role);
    template.resourceCountIs('AWS::EC2::NatGateway', stage === 'prod' ? region.availabilityZones.length : 1);
  });

  test('flow logs capture all traffic into an encrypted log group with retention', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      DeliverLogsPermissionArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: stage === 'prod' ? 365 : 30,
      KmsKeyId: Match.anyValue(),
    });
  });

  test('the flow log key rotates and outlives the stack', () => {
    const { template } = setup(stage, role);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('S3 gateway endpoint and the configured interface endpoints exist', () => {
    const { template, region } = setup(stage, role);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])]),
      }),
    });
    const interfaces = Object.values(
      template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }),
    );
    const services = interfaces.map((e) => e.Properties.ServiceName as string).sort();
    expect(services).toEqual(
      ['logs', 'monitoring', 'secretsmanager', 'ssm', 'sts'].map((s) => `com.amazonaws.${region.region}.${s}`).sort(),
    );
    for (const endpoint of interfaces) expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
  });

  test('endpoints admit only HTTPS from the VPC CIDR', () => {
    const { template, region } = setup(stage, role);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: region.cidr, FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })],
    });
  });

  test('workload security groups for later tiers exist and admit nothing themselves', () => {
    const { template } = setup(stage, role);
    for (const description of [/^Orchestrator workload/, /^DR automation Lambdas/]) {
      const groups = Object.values(
        template.findResources('AWS::EC2::SecurityGroup', {
          Properties: { GroupDescription: Match.stringLikeRegexp(description.source) },
        }),
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    }
  });

  test('the default security group is stripped of its rules', () => {
    const { template } = setup(stage, role);
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('the stack name carries stage and region, and prod is termination-protected', () => {
    const { stack } = setup(stage, role);
    const code = role === 'primary' ? 'use1' : 'usw2';
    expect(stack.stackName).toBe(`AsyncToolformer-${stage}-${code}-Network`);
    expect(stack.terminationProtection).toBe(stage === 'prod');
  });

  test('resources carry service, stage, region role and priority tags', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::EC2::VPC', {
      Tags: Match.arrayWith([
        { Key: 'dr-priority', Value: 'critical' },
        { Key: 'region-role', Value: role },
        { Key: 'service', Value: 'async-toolformer-orchestrator' },
        { Key: 'stage', Value: stage },
      ]),
    });
  });
});

describe.each(STAGES)('%s synth', (stage) => {
  test('needs no context lookups', () => {
    const { assembly } = synthStage(stage);
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });
});

test('interface endpoints can be switched off in config', () => {
  const base = loadConfig({ stage: 'staging' });
  const config = { ...base, network: { ...base.network, interfaceEndpoints: [] } };
  const stack = new NetworkStack(newApp(), { config, regionConfig: config.regions[0]! });
  const template = Template.fromStack(stack);
  template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
  template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 1);
});
