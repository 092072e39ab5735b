// Integration: the degraded-mode switch against a real moto server: the SSM parameter changes and keeps its history.
import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { parseNotifications } from './events';
import { snsEvent } from './fixtures';
import { run, type SwitchDeps, type SwitchResult } from './switch-mode';

const GROUP = 'async-toolformer-prod-use1';
const PARAMETER = '/async-toolformer/prod/rate-limiter/mode';

let moto: MotoServer;
let ssm: SSMClient;
let deps: SwitchDeps;

beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig());
  const sns = new SNSClient(moto.clientConfig());
  const topic = await sns.send(new CreateTopicCommand({ Name: 'async-toolformer-prod-alerts-high' }));
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: 'redis', Type: 'String' }));
  deps = {
    ssm,
    sns,
    parameterName: PARAMETER,
    replicationGroupId: GROUP,
    alertTopicArn: topic.TopicArn!,
    stage: 'prod',
    region: 'us-east-1',
  };
  // Starting moto_server takes seconds, more on a busy machine (startMoto waits up to 30 s).
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

async function history(): Promise<string[]> {
  const result = await ssm.send(new GetParameterHistoryCommand({ Name: PARAMETER }));
  return (result.Parameters ?? []).map((version) => `${version.Version}:${version.Value}`);
}

async function send(message: Record<string, string>) {
  return run(deps, { notifications: parseNotifications(snsEvent(message)) });
}

// One flow in order: each step starts from the state the step before left.
test('failure, repeat, unknown, other group and recovery move the parameter exactly twice', async () => {
  const failed = await send({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-001` });
  expect(failed).toMatchObject({ switched: true, previous: 'redis', target: 'in-memory', version: 2 });
  expect(failed.alertMessageId).toEqual(expect.any(String));
  expect((await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter?.Value).toBe('in-memory');

  expect(await send({ 'ElastiCache:CacheNodeReplaceStarted': `${GROUP}-002` })).toMatchObject({ switched: false });
  expect(await send({ 'ElastiCache:SomethingNew': `${GROUP}-001` })).toMatchObject({ switched: false });
  expect(await send({ 'ElastiCache:FailoverComplete': 'async-toolformer-prod-usw2-001' })).toMatchObject({
    switched: false,
  });
  expect(await history()).toEqual(['1:redis', '2:in-memory']);

  const recovered = await send({ 'ElastiCache:FailoverComplete': `${GROUP}-002` });
  expect(recovered).toMatchObject({ switched: true, previous: 'in-memory', target: 'redis', version: 3 });
  expect(await history()).toEqual(['1:redis', '2:in-memory', '3:redis']);
});

test('an alert topic that does not exist fails the invocation', async () => {
  const broken = { ...deps, alertTopicArn: `${deps.alertTopicArn}-missing` };
  await expect(
    run(broken, { notifications: parseNotifications(snsEvent({ 'ElastiCache:CacheNodeReplaceStarted': GROUP })) }),
  ).rejects.toMatchObject({ name: 'NotFoundException' });
});

test('the deployed handler, configured only through its environment, switches the parameter', async () => {
  // Prepare: the environment the DrFunction construct sets, plus AWS_ENDPOINT_URL pointing the SDK at moto.
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    STAGE: 'prod',
    MODE_PARAMETER_NAME: PARAMETER,
    REPLICATION_GROUP_ID: GROUP,
    ALERT_TOPIC_ARN: deps.alertTopicArn,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  try {
    const before = (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter!;
    const target = before.Value === 'redis' ? 'in-memory' : 'redis';
    const event = target === 'in-memory' ? 'ElastiCache:CacheNodeReplaceStarted' : 'ElastiCache:FailoverComplete';
    const { handler } = jest.requireActual<{ handler: (event: SNSEvent) => Promise<SwitchResult> }>('./handler');
    // Act
    const result = await handler(snsEvent({ [event]: `${GROUP}-001` }));
    // Assess
    expect(result).toMatchObject({ switched: true, target });
    const after = (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter!;
    expect(after).toMatchObject({ Value: target, Version: before.Version! + 1 });
  } finally {
    process.env = saved;
  }
});
