// Traffic constructs on their own: bad input throws naming the value, and the API endpoint opens only to configured CIDRs.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EndpointHealthCheck } from '../../lib/constructs/endpoint-health-check';
import { EndpointProbe } from '../../lib/constructs/endpoint-probe';
import { OrchestratorCluster } from '../../lib/constructs/orchestrator-cluster';
import { newApp } from '../helpers/synth';

const env = { account: '123456789012', region: 'us-east-1' };

function healthCheck(interval: Duration, failureThreshold: number): void {
  const stack = new Stack(newApp(), 'HealthCheck', { env });
  new EndpointHealthCheck(stack, 'Check', {
    domainName: 'api-use1.example.com',
    path: '/health',
    interval,
    failureThreshold,
    description: 'the primary region',
    topic: new sns.Topic(stack, 'Topic'),
  });
}

describe('EndpointHealthCheck', () => {
  test('fails when the interval is neither 10 nor 30 seconds', () => {
    expect(() => healthCheck(Duration.seconds(20), 3)).toThrow('interval must be 10 or 30 seconds, got: 20');
  });

  test.each([0, 11])('fails when the failure threshold is %p', (threshold) => {
    expect(() => healthCheck(Duration.seconds(10), threshold)).toThrow(
      `failureThreshold must be between 1 and 10 inclusive, got: ${threshold}`,
    );
  });
});

describe('EndpointProbe', () => {
  test('fails when the canary name is too long for Synthetics', () => {
    const stack = new Stack(newApp(), 'Probe', { env });
    expect(
      () =>
        new EndpointProbe(stack, 'Probe', {
          canaryName: 'async-toolformer-staging-probe-use1',
          domainName: 'api-use1.example.com',
          path: '/health',
          interval: Duration.minutes(1),
          description: 'primary region',
          topic: new sns.Topic(stack, 'Topic'),
          accessLogBucket: new s3.Bucket(stack, 'Logs'),
          artifactRetention: Duration.days(30),
        }),
    ).toThrow(/canaryName must be 1 to 21 lower-case .*got: async-toolformer-staging-probe-use1/);
  });
});

describe('OrchestratorCluster', () => {
  test('opens the public API endpoint only to the configured CIDRs', () => {
    const stack = new Stack(newApp(), 'Cluster', { env });
    stack.node.setContext('availability-zones:account=123456789012:region=us-east-1', ['us-east-1a', 'us-east-1b']);
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    new OrchestratorCluster(stack, 'Cluster', {
      clusterName: 'test',
      vpc,
      subnetGroupName: 'private',
      workloadSecurityGroup: new ec2.SecurityGroup(stack, 'Workload', { vpc }),
      secretsKey: new kms.Key(stack, 'Key'),
      publicAccessCidrs: ['203.0.113.0/24'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({
        EndpointPrivateAccess: true,
        EndpointPublicAccess: true,
        PublicAccessCidrs: ['203.0.113.0/24'],
      }),
    });
  });
});
