// The six failure paths of the provider fallback, through its handler: the error, ProviderFallbackFailures 1 with no ProviderFallbacks, and no change after the failure.
import {
  AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  GetEnvironmentCommand,
  GetHostedConfigurationVersionCommand,
  ListHostedConfigurationVersionsCommand,
  StartDeploymentCommand,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-appconfig';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { PROVIDER_FALLBACK, PROVIDER_FALLBACK_ENV, PROVIDER_METRIC } from '../../lib/contract/providers';
import { awsError, capture, environment, mutatingCalls } from '../../test/helpers/failure-paths';
import { ALARMS, DEPLOYED, alarmEvent, contentOf, payloadOf } from './fixtures';
import type * as HandlerModule from './handler';

const appconfig = mockClient(AppConfigClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const outage = alarmEvent(ALARMS[0]!.alarmName);
const FAILED = { [PROVIDER_METRIC.fallbackFailures]: [1] };

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(PROVIDER_FALLBACK.environment, { [PROVIDER_FALLBACK_ENV.alarms]: JSON.stringify(ALARMS) }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  [appconfig, lambda, sns].forEach((stub) => stub.reset());
  appconfig.on(ListHostedConfigurationVersionsCommand).resolves({ Items: [{ VersionNumber: 1 }] });
  appconfig.on(GetHostedConfigurationVersionCommand).resolves({ Content: contentOf(DEPLOYED), VersionNumber: 1 });
  appconfig
    .on(GetEnvironmentCommand)
    .resolves({ Monitors: ALARMS.map((alarm) => ({ AlarmArn: alarm.alarmArn, AlarmRoleArn: 'role' })) });
  appconfig.on(UpdateEnvironmentCommand).resolves({});
  appconfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 2 });
  appconfig.on(StartDeploymentCommand).resolves({ DeploymentNumber: 7 });
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payloadOf({}) });
  sns.on(PublishCommand).resolves({ MessageId: 'page-1' });
});
afterAll(() => [appconfig, lambda, sns].forEach((stub) => stub.restore()));

describe('failure path: throttling', () => {
  test('fails when AppConfig throttles the version listing: ThrottlingException, failures 1, nothing written, no notice', async () => {
    // Prepare
    appconfig.on(ListHostedConfigurationVersionsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const { error, metrics } = await capture(() => handler(outage));
    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(metrics).toEqual(FAILED);
    expect(mutatingCalls(appconfig, lambda, sns)).toEqual([]);
    expect(lambda.calls()).toHaveLength(0);
  });
});

describe('failure path: access denied', () => {
  test('fails when StartDeployment is denied: the version is written but not deployed, and no notice claims a switch', async () => {
    appconfig
      .on(StartDeploymentCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: appconfig:StartDeployment'));
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(metrics).toEqual(FAILED);
    expect(lambda.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });
});

describe('failure path: missing resource', () => {
  test('fails when the profile does not exist: ResourceNotFoundException, failures 1, nothing created', async () => {
    appconfig.on(ListHostedConfigurationVersionsCommand).rejects(awsError('ResourceNotFoundException'));
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(metrics).toEqual(FAILED);
    expect(mutatingCalls(appconfig, lambda, sns)).toEqual([]);
  });
});

describe('failure path: empty result', () => {
  test('fails when the profile has no hosted version: NoHostedVersionError, nothing deployed', async () => {
    appconfig.on(ListHostedConfigurationVersionsCommand).resolves({ Items: [] });
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'NoHostedVersionError' });
    expect(metrics).toEqual(FAILED);
    expect(mutatingCalls(appconfig, lambda, sns)).toEqual([]);
  });

  test('an OK state change switches nothing and reads nothing: ProviderFallbacks 0', async () => {
    const { result, metrics } = await capture(() => handler(alarmEvent(ALARMS[0]!.alarmName, 'OK')));
    expect(result).toMatchObject({ provider: 'openai', switched: false });
    expect(metrics).toEqual({ [PROVIDER_METRIC.fallbacks]: [0] });
    expect([...appconfig.calls(), ...lambda.calls(), ...sns.calls()]).toHaveLength(0);
  });
});

describe('failure path: malformed input', () => {
  test.each<[string, unknown]>([
    ['not an object', 'ALARM'],
    ['another detail type', { 'detail-type': 'Scheduled Event', detail: {} }],
    ['no alarm name', { 'detail-type': 'CloudWatch Alarm State Change', detail: { state: { value: 'ALARM' } } }],
    ['an alarm that is no provider outage alarm', alarmEvent('async-toolformer-prod-use1-something-else')],
  ])('fails when the event is %s: MalformedEventError before any AWS call', async (_name, event) => {
    const { error, metrics } = await capture(() => handler(event));
    expect(error).toMatchObject({ name: 'MalformedEventError' });
    expect(metrics).toEqual(FAILED);
    expect([...appconfig.calls(), ...lambda.calls(), ...sns.calls()]).toHaveLength(0);
  });

  test('fails when the newest version is not a provider document: ProviderDocumentError, nothing written', async () => {
    appconfig.on(GetHostedConfigurationVersionCommand).resolves({ Content: contentOf('{"version": 2}') });
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'ProviderDocumentError' });
    expect(metrics).toEqual(FAILED);
    expect(mutatingCalls(appconfig, lambda, sns)).toEqual([]);
  });
});

describe('failure path: partial failure', () => {
  test('fails when the fallback is deployed but the status page publisher fails: failures 1, no page claiming a notice', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payloadOf({ errorType: 'AccessDenied' }) });
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'NoticeFailedError' });
    expect(metrics).toEqual(FAILED);
    expect(appconfig.commandCalls(StartDeploymentCommand)).toHaveLength(1);
    expect(sns.calls()).toHaveLength(0);
  });

  test('fails when the notice is posted but the page is not: failures 1, no ProviderFallbacks claimed', async () => {
    sns.on(PublishCommand).rejects(awsError('AuthorizationErrorException', 'not authorized to publish'));
    const { error, metrics } = await capture(() => handler(outage));
    expect(error).toMatchObject({ name: 'AuthorizationErrorException' });
    expect(metrics).toEqual(FAILED);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });
});
