// RedisReplicationGroup refuses settings that would lose failover, expose the default port or admit no one.
import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RedisReplicationGroup, type RedisReplicationGroupProps } from '../../lib/constructs/redis-replication-group';

function build(overrides: Partial<RedisReplicationGroupProps>): () => RedisReplicationGroup {
  const stack = new Stack(new App(), 'Test');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-1', 'subnet-2'],
  });
  const props: RedisReplicationGroupProps = {
    replicationGroupId: 'async-toolformer-test-use1',
    description: 'test',
    vpc,
    allowedSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Workload', 'sg-1')],
    encryptionKey: new kms.Key(stack, 'Key'),
    authToken: SecretValue.unsafePlainText('x'.repeat(32)),
    port: 6380,
    engineVersion: '8.0',
    parameterGroupFamily: 'valkey8',
    nodeType: 'cache.r7g.large',
    replicasPerNodeGroup: 1,
    snapshotRetention: Duration.days(7),
    snapshotWindow: '00:30-01:30',
    maintenanceWindow: 'sun:05:00-sun:06:00',
    ...overrides,
  };
  return () => new RedisReplicationGroup(stack, 'Group', props);
}

test('builds with valid settings and names its node clusters', () => {
  expect(build({})().nodeClusterIds).toEqual(['async-toolformer-test-use1-001', 'async-toolformer-test-use1-002']);
});

test.each([
  ['replicas below 1', { replicasPerNodeGroup: 0 }, 'replicasPerNodeGroup must be an integer from 1 to 5'],
  ['the default port', { port: 6379 }, 'port must not be the default 6379'],
  ['no admitted security group', { allowedSecurityGroups: [] }, 'allowedSecurityGroups of'],
  ['an id with upper case', { replicationGroupId: 'Async-Test' }, 'replicationGroupId must be 1-40'],
  ['an id of 41 characters', { replicationGroupId: `a${'b'.repeat(40)}` }, 'replicationGroupId must be 1-40'],
  ['snapshots kept 36 days', { snapshotRetention: Duration.days(36) }, 'snapshotRetention must be 1 to 35 days'],
] as const)('fails when given %s', (_label, overrides, message) => {
  expect(build(overrides as Partial<RedisReplicationGroupProps>)).toThrow(message);
});
