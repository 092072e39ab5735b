// The six failure paths of the cache AUTH token rotation, through its handler: the error, cache_auth_rotation_failures 1, and no token change or label move after the failure.
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { CACHE_AUTH_ROTATION_METRIC, CACHE_AUTH_ROTATOR } from '../../lib/contract/secret-rotation';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import type * as HandlerModule from './handler';
import { memberLabel } from './rotate-token';

const SECRET = 'async-toolformer/prod/cache/auth-token';
const CURRENT = '11111111-1111-4111-8111-111111111111';
const TOKEN = '22222222-2222-4222-8222-222222222222';
const PREVIOUS = '00000000-0000-4000-8000-000000000000';
const CREATED = new Date('2026-11-28T10:00:00Z');
const secrets = mockClient(SecretsManagerClient);
const cache = mockClient(ElastiCacheClient);
const step = (Step: string) => ({ Step, SecretId: SECRET, ClientRequestToken: TOKEN });
const context = { getRemainingTimeInMillis: () => 300_000 };
const FAILURE = { [CACHE_AUTH_ROTATION_METRIC.failures]: [1] };
/** The secret's labels with the members of `rotated` (0: primary) recorded on the pending version. */
const stagesWith = (rotated: number[]) => ({
  VersionIdsToStages: {
    [PREVIOUS]: ['AWSPREVIOUS'],
    [CURRENT]: ['AWSCURRENT'],
    [TOKEN]: ['AWSPENDING', ...rotated.map(memberLabel)],
  },
});

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(CACHE_AUTH_ROTATOR.environment, {
      CACHE_MEMBERS: 'us-east-1:async-toolformer-prod-use1,us-west-2:async-toolformer-prod-usw2',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  secrets.reset();
  cache.reset();
  secrets.on(DescribeSecretCommand).resolves({
    VersionIdsToStages: { [PREVIOUS]: ['AWSPREVIOUS'], [CURRENT]: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
  });
  secrets.on(DescribeSecretCommand).resolves(stagesWith([]));
  secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: 'current-token' });
  secrets
    .on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' })
    .resolves({ SecretString: 'pending-token', CreatedDate: CREATED });
  secrets.on(PutSecretValueCommand).resolves({});
  secrets.on(UpdateSecretVersionStageCommand).resolves({});
  cache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ Status: 'available', AuthTokenLastModifiedDate: new Date('2026-11-28T10:05:00Z') }],
  });
  cache.on(ModifyReplicationGroupCommand).resolves({});
});
afterAll(() => [secrets, cache].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when ElastiCache throttles the describe of a member: ThrottlingException, failures 1, no token change', async () => {
    // Prepare
    secrets.on(DescribeSecretCommand).resolves(stagesWith([0, 1]));
    cache.on(DescribeReplicationGroupsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(step('testSecret'), context));
    // Assess
    expect(error).toMatchObject({ name: 'MemberFailedError', member: 'us-east-1:async-toolformer-prod-use1' });
    expect((error as Error & { cause: Error }).cause).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(secrets, cache)).toEqual([]);
  });
});

describe('failure path: access denied', () => {
  test('fails when reading the pending token is denied: AccessDeniedException, failures 1, no member touched', async () => {
    secrets
      .on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: secretsmanager:GetSecretValue'));
    const { error, metrics } = await capture(() => handler(step('setSecret'), context));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics).toEqual(FAILURE);
    expect(cache.calls()).toHaveLength(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the secret does not exist: ResourceNotFoundException, failures 1, nothing created', async () => {
    secrets.on(DescribeSecretCommand).rejects(awsError('ResourceNotFoundException'));
    const { error, metrics } = await capture(() => handler(step('createSecret'), context));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(secrets, cache)).toEqual([]);
  });

  test('fails when the primary group does not exist: ReplicationGroupNotFoundFault, no ROTATE anywhere', async () => {
    cache.on(DescribeReplicationGroupsCommand).rejects(awsError('ReplicationGroupNotFoundFault'));
    const { error, metrics } = await capture(() => handler(step('setSecret'), context));
    expect((error as Error & { cause: Error }).cause).toMatchObject({ name: 'ReplicationGroupNotFoundFault' });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(cache)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('fails when a describe answers no group: RotationStateError naming it, no ROTATE', async () => {
    cache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    const { error, metrics } = await capture(() => handler(step('setSecret'), context));
    expect((error as Error & { cause: Error }).cause).toMatchObject({
      name: 'RotationStateError',
      message: 'us-east-1:async-toolformer-prod-use1 was not found',
    });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(cache)).toEqual([]);
  });

  test('fails when the current version has no token to keep: no member touched, no pending version written', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({});
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(awsError('ResourceNotFoundException'));
    const { error, metrics } = await capture(() => handler(step('createSecret'), context));
    expect(error).toMatchObject({ name: 'RotationStateError' });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(secrets, cache)).toEqual([]);
  });
});

describe('failure path: malformed input', () => {
  test.each([
    ['no step', { SecretId: SECRET, ClientRequestToken: TOKEN }],
    ['an unknown step', step('dropSecret')],
    ['no secret', { Step: 'setSecret', ClientRequestToken: TOKEN }],
    ['a token that is no version id', { Step: 'setSecret', SecretId: SECRET, ClientRequestToken: 'x' }],
    ['not an object', 'setSecret'],
  ])('fails on %s: MalformedEventError before any call', async (_case, event) => {
    const { error, metrics } = await capture(() => handler(event, context));
    expect(error).toMatchObject({ name: 'MalformedEventError' });
    expect(metrics).toEqual(FAILURE);
    expect([...secrets.calls(), ...cache.calls()]).toHaveLength(0);
  });

  test('fails when the version is not AWSPENDING: no rotation of it is under way, no member touched', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'] } });
    const { error } = await capture(() => handler(step('setSecret'), context));
    expect(error).toMatchObject({ name: 'RotationStateError' });
    expect(cache.calls()).toHaveLength(0);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the secondary refuses the ROTATE after the primary took it: names the secondary and what was done', async () => {
    cache
      .on(ModifyReplicationGroupCommand, { ReplicationGroupId: 'async-toolformer-prod-usw2' })
      .rejects(awsError('InvalidReplicationGroupStateFault', 'group is not available'));
    const { error, metrics } = await capture(() => handler(step('setSecret'), context));
    expect(error).toMatchObject({
      name: 'MemberFailedError',
      member: 'us-west-2:async-toolformer-prod-usw2',
      done: ['us-east-1:async-toolformer-prod-use1: ROTATE (current and pending tokens accepted)'],
    });
    expect(metrics).toEqual(FAILURE);
    // Only the primary's record: a rerun ROTATEs the secondary alone, and AWSCURRENT has not moved.
    expect(
      secrets.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input.VersionStage),
    ).toEqual([memberLabel(0)]);
  });

  test('fails the test step when the secondary has not taken the pending token: AWSCURRENT stays', async () => {
    secrets.on(DescribeSecretCommand).resolves(stagesWith([0]));
    const { error, metrics } = await capture(() => handler(step('testSecret'), context));
    expect(error).toMatchObject({ name: 'MemberFailedError', member: 'us-west-2:async-toolformer-prod-usw2' });
    expect(metrics).toEqual(FAILURE);
    expect(mutatingCalls(secrets, cache)).toEqual([]);
  });
});

describe('the steps that succeed', () => {
  test('createSecret SETs the current token on both members (dropping the previous), then writes AWSPENDING', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(awsError('ResourceNotFoundException'));
    const { result, metrics } = await capture(() => handler(step('createSecret'), context));
    expect(metrics).toEqual({ [CACHE_AUTH_ROTATION_METRIC.stepsCompleted]: [1] });
    expect(result?.actions).toHaveLength(3);
    expect(cache.commandCalls(ModifyReplicationGroupCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        ReplicationGroupId: 'async-toolformer-prod-use1',
        AuthToken: 'current-token',
        AuthTokenUpdateStrategy: 'SET',
      }),
      expect.objectContaining({
        ReplicationGroupId: 'async-toolformer-prod-usw2',
        AuthToken: 'current-token',
        AuthTokenUpdateStrategy: 'SET',
      }),
    ]);
    expect(secrets.commandCalls(PutSecretValueCommand)[0]!.args[0].input).toMatchObject({
      ClientRequestToken: TOKEN,
      SecretString: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      VersionStages: ['AWSPENDING'],
    });
  });

  test('createSecret of a never rotated secret SETs nothing: the members hold its one token', async () => {
    secrets
      .on(DescribeSecretCommand)
      .resolves({ VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] } });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(awsError('ResourceNotFoundException'));
    await capture(() => handler(step('createSecret'), context));
    expect(mutatingCalls(secrets, cache)).toEqual(['PutSecretValue']);
  });

  test('setSecret ROTATEs a member only once: a member recorded on the pending version is left alone', async () => {
    secrets.on(DescribeSecretCommand).resolves(stagesWith([0]));
    const { result } = await capture(() => handler(step('setSecret'), context));
    expect(result?.actions).toEqual([
      'us-east-1:async-toolformer-prod-use1: accepts the pending token already',
      'us-west-2:async-toolformer-prod-usw2: ROTATE (current and pending tokens accepted)',
    ]);
    expect(cache.commandCalls(ModifyReplicationGroupCommand).map((call) => call.args[0].input)).toEqual([
      {
        ReplicationGroupId: 'async-toolformer-prod-usw2',
        AuthToken: 'pending-token',
        AuthTokenUpdateStrategy: 'ROTATE',
        ApplyImmediately: true,
      },
    ]);
  });

  test('finishSecret moves AWSCURRENT from the current version to the pending one', async () => {
    await capture(() => handler(step('finishSecret'), context));
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0]!.args[0].input).toEqual({
      SecretId: SECRET,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: CURRENT,
    });
  });

  test('a member still modifying past the time left fails the step instead of timing out silently', async () => {
    cache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [{ Status: 'modifying', AuthTokenLastModifiedDate: new Date('2026-10-01') }],
    });
    const { error } = await capture(() => handler(step('setSecret'), { getRemainingTimeInMillis: () => 5_000 }));
    expect((error as Error & { cause: Error }).cause).toMatchObject({ name: 'RotationStateError' });
    expect(mutatingCalls(cache)).toEqual([]);
  });
});
