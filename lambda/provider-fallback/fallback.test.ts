// Unit tests of the provider fallback's decisions against mocked AppConfig, Lambda and SNS clients.
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
import { fallbackDocument, parseProviderDocument, type ProviderDocument } from '../../lib/contract/providers';
import { parseAlarmChange } from './events';
import { DEGRADED_NOTICE, NoFallbackLeftError, run, type FallbackDeps } from './fallback';
import { ALARMS, DEPLOYED, alarmEvent, contentOf } from './fixtures';

const appconfig = mockClient(AppConfigClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const NOW = new Date('2026-11-28T17:00:00Z');
const deps: FallbackDeps = {
  appconfig: new AppConfigClient({ region: 'us-east-1' }),
  lambda: new LambdaClient({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  profile: { applicationId: 'app1', environmentId: 'env1', configurationProfileId: 'prof1' },
  immediateStrategyId: 'now1',
  alarms: ALARMS,
  monitorRoleArn: 'arn:aws:iam::123456789012:role/monitor',
  publisherName: 'status-page-publisher',
  alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:async-toolformer-prod-alerts-high',
  stage: 'prod',
  region: 'us-east-1',
  now: () => NOW,
};

function given(document: ProviderDocument | string, versions = [1, 3, 2]): void {
  appconfig
    .on(ListHostedConfigurationVersionsCommand)
    .resolves({ Items: versions.map((VersionNumber) => ({ VersionNumber })) });
  appconfig.on(GetHostedConfigurationVersionCommand).resolves({ Content: contentOf(document) });
  appconfig.on(GetEnvironmentCommand).resolves({
    Monitors: [...ALARMS.map((alarm) => ({ AlarmArn: alarm.alarmArn, AlarmRoleArn: 'r' })), { AlarmArn: 'other' }],
  });
  appconfig.on(UpdateEnvironmentCommand).resolves({});
  appconfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 4 });
  appconfig.on(StartDeploymentCommand).resolves({ DeploymentNumber: 9 });
  lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
  sns.on(PublishCommand).resolves({ MessageId: 'page-1' });
}

const outage = (index = 0) => run(deps, parseAlarmChange(alarmEvent(ALARMS[index]!.alarmName)));

beforeEach(() => [appconfig, lambda, sns].forEach((stub) => stub.reset()));

test('an outage of openai routes to anthropic alone, from the newest version, at once, with the notice and a page', async () => {
  // Prepare
  given(DEPLOYED);
  // Act
  const result = await outage();
  // Assess
  expect(result).toMatchObject({ provider: 'openai', switched: true, fromVersion: 3, version: 4, deploymentNumber: 9 });
  expect(result.order).toEqual(['anthropic']);
  const written = appconfig.commandCalls(CreateHostedConfigurationVersionCommand)[0]!.args[0].input;
  expect(written).toMatchObject({ ApplicationId: 'app1', ConfigurationProfileId: 'prof1', LatestVersionNumber: 3 });
  const document = parseProviderDocument(new TextDecoder().decode(written.Content as Uint8Array));
  expect(document.routing).toEqual({
    order: ['anthropic'],
    unavailable: ['openai'],
    changedBy: 'automation',
    reason: `outage alarm ${ALARMS[0]!.alarmName}`,
    changedAt: NOW.toISOString(),
  });
  expect(document.providers).toEqual(DEPLOYED.providers);
  expect(appconfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input).toMatchObject({
    EnvironmentId: 'env1',
    DeploymentStrategyId: 'now1',
    ConfigurationVersion: '4',
  });
  const invoked = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
  expect(invoked).toMatchObject({ FunctionName: 'status-page-publisher', InvocationType: 'RequestResponse' });
  expect(JSON.parse(new TextDecoder().decode(invoked.Payload as Uint8Array)) as unknown).toEqual({
    kind: 'operator-update',
    status: 'investigating',
    message: DEGRADED_NOTICE,
    affected: ['core-api'],
    operator: 'provider-fallback:openai',
  });
  const page = sns.commandCalls(PublishCommand)[0]!.args[0].input;
  expect(page.Subject).toBe('[prod] provider openai DOWN in us-east-1: calls fall back');
  expect(JSON.parse(page.Message!)).toMatchObject({ provider: 'openai', order: ['anthropic'], version: 4 });
});

test("the failed provider's alarm leaves the monitors before the deployment; other monitors stay", async () => {
  given(DEPLOYED);
  await outage();
  const update = appconfig.commandCalls(UpdateEnvironmentCommand)[0]!.args[0].input;
  expect(update.Monitors).toEqual([
    { AlarmArn: 'other' },
    { AlarmArn: ALARMS[1]!.alarmArn, AlarmRoleArn: deps.monitorRoleArn },
  ]);
  const order = appconfig.calls().map((call) => (call.args[0] as object).constructor.name);
  expect(order.indexOf('UpdateEnvironmentCommand')).toBeLessThan(order.indexOf('StartDeploymentCommand'));
});

test('a provider already out of the routing changes nothing, posts nothing, pages nobody', async () => {
  const out = fallbackDocument(DEPLOYED, 'openai', { changedBy: 'automation', reason: 'x', now: NOW });
  if (!out.changed) throw new Error('fixture');
  given(out.document);
  const result = await outage();
  expect(result).toMatchObject({ switched: false, why: 'openai is already out of the routing order' });
  expect(appconfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
  expect([...lambda.calls(), ...sns.calls()]).toHaveLength(0);
});

test('fails when the last routed provider goes down too: NoFallbackLeftError, nothing written', async () => {
  const out = fallbackDocument(DEPLOYED, 'openai', { changedBy: 'automation', reason: 'x', now: NOW });
  if (!out.changed) throw new Error('fixture');
  given(out.document);
  await expect(outage(1)).rejects.toBeInstanceOf(NoFallbackLeftError);
  expect(appconfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
});

test('a version written by someone else since the read is refused by AppConfig and fails the run', async () => {
  given(DEPLOYED);
  appconfig
    .on(CreateHostedConfigurationVersionCommand)
    .rejects(Object.assign(new Error('LatestVersionNumber does not match'), { name: 'ConflictException' }));
  await expect(outage()).rejects.toMatchObject({ name: 'ConflictException' });
  expect(appconfig.commandCalls(StartDeploymentCommand)).toHaveLength(0);
});

test('every page of the version listing is read', async () => {
  given(DEPLOYED);
  appconfig
    .on(ListHostedConfigurationVersionsCommand)
    .resolvesOnce({ Items: [{ VersionNumber: 1 }], NextToken: 'next' })
    .resolvesOnce({ Items: [{ VersionNumber: 12 }] });
  const result = await outage();
  expect(result.fromVersion).toBe(12);
  expect(appconfig.commandCalls(ListHostedConfigurationVersionsCommand)[1]!.args[0].input.NextToken).toBe('next');
});
