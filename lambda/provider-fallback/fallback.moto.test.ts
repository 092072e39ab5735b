// Integration: the provider fallback against a real moto server: the hosted versions and their content are moto's, the page goes through moto's SNS; the AppConfig calls moto lacks are served by moto-gaps.ts.
import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateHostedConfigurationVersionCommand,
  GetHostedConfigurationVersionCommand,
} from '@aws-sdk/client-appconfig';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { parseProviderDocument, restoreDocument } from '../../lib/contract/providers';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { parseAlarmChange } from './events';
import { run, type FallbackDeps } from './fallback';
import { ALARMS, DEPLOYED, alarmEvent, contentOf } from './fixtures';
import { serveMotoGaps, type MotoGaps } from './moto-gaps';
import { deployVersion, readLatest, syncMonitors, writeVersion } from './profile-store';

// Lambda's Invoke in moto runs the function in Docker: the publisher's invocation is mocked here (the drill runs the real publisher).
const lambda = mockClient(LambdaClient);
let moto: MotoServer;
let appconfig: AppConfigClient;
let gaps: MotoGaps;
let deps: FallbackDeps;

beforeAll(async () => {
  moto = await startMoto();
  appconfig = new AppConfigClient(moto.clientConfig());
  const app = await appconfig.send(new CreateApplicationCommand({ Name: 'async-toolformer-prod-providers' }));
  const profile = await appconfig.send(
    new CreateConfigurationProfileCommand({ ApplicationId: app.Id, Name: 'providers', LocationUri: 'hosted' }),
  );
  await appconfig.send(
    new CreateHostedConfigurationVersionCommand({
      ApplicationId: app.Id,
      ConfigurationProfileId: profile.Id,
      Content: contentOf(DEPLOYED),
      ContentType: 'application/json',
    }),
  );
  gaps = serveMotoGaps(
    appconfig,
    ALARMS.map((alarm) => ({ AlarmArn: alarm.alarmArn, AlarmRoleArn: 'arn:aws:iam::123456789012:role/monitor' })),
  );
  const sns = new SNSClient(moto.clientConfig());
  const topic = await sns.send(new CreateTopicCommand({ Name: 'async-toolformer-prod-alerts-high' }));
  deps = {
    appconfig,
    lambda: new LambdaClient({ region: 'us-east-1' }),
    sns,
    profile: { applicationId: app.Id!, environmentId: 'live1', configurationProfileId: profile.Id! },
    immediateStrategyId: 'now1',
    alarms: ALARMS,
    monitorRoleArn: 'arn:aws:iam::123456789012:role/monitor',
    publisherName: 'publisher',
    alertTopicArn: topic.TopicArn!,
    stage: 'prod',
    region: 'us-east-1',
    now: () => new Date('2026-11-28T17:00:00Z'),
  };
  lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
}, 60_000);

afterAll(async () => {
  lambda.restore();
  await moto?.stop();
});

test('an outage writes version 2 in moto without the provider, deploys it at once and keeps version 1 intact', async () => {
  // Act
  const result = await run(deps, parseAlarmChange(alarmEvent(ALARMS[0]!.alarmName)));
  // Assess
  expect(result).toMatchObject({ switched: true, fromVersion: 1, version: 2, deploymentNumber: 1 });
  const read = async (version: number) =>
    parseProviderDocument(
      new TextDecoder().decode(
        (
          await appconfig.send(
            new GetHostedConfigurationVersionCommand({
              ApplicationId: deps.profile.applicationId,
              ConfigurationProfileId: deps.profile.configurationProfileId,
              VersionNumber: version,
            }),
          )
        ).Content,
      ),
    );
  expect((await read(2)).routing).toMatchObject({ order: ['anthropic'], unavailable: ['openai'] });
  expect((await read(1)).routing.order).toEqual(['openai', 'anthropic']);
  expect(gaps.deployments.at(-1)).toMatchObject({ version: '2', strategyId: 'now1' });
  expect(gaps.monitors.map((monitor) => monitor.AlarmArn)).toEqual([ALARMS[1]!.alarmArn]);
});

test('a second alarm for the same provider reads version 2 from moto and changes nothing', async () => {
  const result = await run(deps, parseAlarmChange(alarmEvent(ALARMS[0]!.alarmName)));
  expect(result).toMatchObject({ switched: false, fromVersion: 2 });
  expect(gaps.deployments).toHaveLength(1);
});

test("restoring the provider (dr providers restore's steps) writes version 3 with it back first and its alarm watched again", async () => {
  const latest = await readLatest(appconfig, deps.profile);
  const change = restoreDocument(latest.document, 'openai', {
    changedBy: 'operator:test',
    reason: 'recovered',
    now: new Date(),
  });
  if (!change.changed) throw new Error(change.why);
  await syncMonitors(appconfig, deps.profile, ALARMS, change.document, deps.monitorRoleArn);
  const version = await writeVersion(appconfig, deps.profile, change.document, latest.version, change.summary);
  await deployVersion(appconfig, deps.profile, 'gradual1', version, change.summary);
  expect(version).toBe(3);
  expect((await readLatest(appconfig, deps.profile)).document.routing.order).toEqual(['openai', 'anthropic']);
  expect(gaps.monitors.map((monitor) => monitor.AlarmArn).sort()).toEqual(ALARMS.map((alarm) => alarm.alarmArn).sort());
});
