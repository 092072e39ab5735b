// CacheAuthToken: the secret is rotated on the configured schedule by our function, which may change only the two groups' tokens and this secret; bad props fail at synth.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CacheAuthToken, type CacheAuthTokenProps } from '../../lib/constructs/cache-auth-token';
import { CACHE_AUTH_ROTATOR } from '../../lib/contract/secret-rotation';
import { loadConfig } from '../../lib/config';
import { configProblems } from '../../lib/config';
import { newApp } from '../helpers/synth';

const MEMBERS = [
  { region: 'us-east-1', replicationGroupId: 'async-toolformer-prod-use1' },
  { region: 'us-west-2', replicationGroupId: 'async-toolformer-prod-usw2' },
];

function build(overrides: Partial<CacheAuthTokenProps> = {}): { stack: Stack; token: CacheAuthToken } {
  const stack = new Stack(newApp(), 'Cache', { env: { account: '123456789012', region: 'us-east-1' } });
  const token = new CacheAuthToken(stack, 'AuthToken', {
    secretName: 'async-toolformer/prod/cache/auth-token',
    encryptionKey: new kms.Key(stack, 'Key'),
    replicaRegions: ['us-west-2'],
    members: MEMBERS,
    rotationSchedule: Duration.days(30),
    stage: 'prod',
    ...overrides,
  });
  return { stack, token };
}

test('Secrets Manager rotates the token every 30 days with our function, not at deploy', () => {
  // Prepare
  const { stack, token } = build();
  // Act
  const template = Template.fromStack(stack);
  // Assess
  template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
    SecretId: { Ref: stack.getLogicalId(token.secret.node.defaultChild as never) },
    RotationLambdaARN: { 'Fn::GetAtt': [stack.getLogicalId(token.rotator.function.node.defaultChild as never), 'Arn'] },
    RotationRules: { ScheduleExpression: 'rate(30 days)' },
    RotateImmediatelyOnUpdate: false,
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        CACHE_MEMBERS: 'us-east-1:async-toolformer-prod-use1,us-west-2:async-toolformer-prod-usw2',
        POWERTOOLS_SERVICE_NAME: CACHE_AUTH_ROTATOR.service,
      }),
    },
    Timeout: 900,
    ReservedConcurrentExecutions: 1,
  });
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'secretsmanager.amazonaws.com',
    SourceArn: { Ref: stack.getLogicalId(token.secret.node.defaultChild as never) },
    SourceAccount: '123456789012',
  });
});

test('the function may change only the two groups and read and write only this secret', () => {
  const { stack, token } = build();
  const template = Template.fromStack(stack);
  const secretRef = { Ref: stack.getLogicalId(token.secret.node.defaultChild as never) };
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        {
          Effect: 'Allow',
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: secretRef,
        },
        {
          Effect: 'Allow',
          Action: ['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'],
          Resource: MEMBERS.map(
            ({ region, replicationGroupId }) =>
              `arn:aws:elasticache:${region}:123456789012:replicationgroup:${replicationGroupId}`,
          ),
        },
      ]),
    },
  });
  // The rotation is configured, so the secret no longer carries the acknowledgement of an unrotated token.
  const metadata = JSON.stringify(template.findResources('AWS::SecretsManager::Secret'));
  expect(metadata).not.toContain('AwsSolutions-SMG4');
  expect(metadata).not.toContain('SecretsManagerRotationEnabled');
});

test.each<[string, Partial<CacheAuthTokenProps>, string]>([
  ['no member', { members: [] }, 'members is empty'],
  [
    'a schedule of part days',
    { rotationSchedule: Duration.hours(36) },
    'rotationSchedule must be whole days from 1 to 365, got: 1 day 12 hours',
  ],
  [
    'a schedule over a year',
    { rotationSchedule: Duration.days(400) },
    'rotationSchedule must be whole days from 1 to 365, got: 400 days',
  ],
])('fails at synth when given %s', (_case, overrides, message) => {
  expect(() => build(overrides)).toThrow(message);
});

test('config refuses a rotation schedule outside 1..365 whole days, naming cache.authTokenRotation', () => {
  const base = loadConfig({ stage: 'prod' });
  const problems = configProblems({ ...base, cache: { ...base.cache, authTokenRotation: Duration.days(0) } });
  expect(problems.map((problem) => problem.field)).toContain('cache.authTokenRotation');
});
