// dr providers through main(): bad input exits 2 before any AWS call, each action writes and deploys the version it should, an AWS failure exits 1 naming the call.
import {
  AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  GetEnvironmentCommand,
  GetHostedConfigurationVersionCommand,
  ListHostedConfigurationVersionsCommand,
  StartDeploymentCommand,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-appconfig';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { parseProviderDocument, providerProfileNames, type ProviderProfileIds } from '../../lib/contract/providers';
import { ALARMS, DEPLOYED, contentOf } from '../../lambda/provider-fallback/fixtures';
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';

const ssm = mockClient(SSMClient);
const appconfig = mockClient(AppConfigClient);
const IDS: ProviderProfileIds = {
  applicationId: 'app1',
  environmentId: 'env1',
  configurationProfileId: 'prof1',
  gradualStrategyId: 'grad1',
  immediateStrategyId: 'now1',
  alarms: ALARMS,
  monitorRoleArn: 'arn:aws:iam::123456789012:role/monitor',
};

/** Runs dr with a fake terminal-less environment; resolves to the status and what was written. */
async function dr(...args: string[]) {
  const { env, out, err } = capturingCli({ now: () => new Date('2026-11-28T17:00:00Z') });
  const status = await main(args, env);
  return { status, out: out(), err: err(), calls: [...ssm.calls(), ...appconfig.calls()].length };
}

beforeEach(() => {
  ssm.reset();
  appconfig.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'us-east-1' } });
  ssm.on(GetParameterCommand, { Name: providerProfileNames('prod').idsParameter }).resolves({
    Parameter: { Value: JSON.stringify(IDS) },
  });
  appconfig.on(ListHostedConfigurationVersionsCommand).resolves({ Items: [{ VersionNumber: 1 }] });
  appconfig.on(GetHostedConfigurationVersionCommand).resolves({ Content: contentOf(DEPLOYED) });
  appconfig.on(GetEnvironmentCommand).resolves({ Monitors: ALARMS.map((alarm) => ({ AlarmArn: alarm.alarmArn })) });
  appconfig.on(UpdateEnvironmentCommand).resolves({});
  appconfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 2 });
  appconfig.on(StartDeploymentCommand).resolves({ DeploymentNumber: 3 });
});
afterAll(() => [ssm, appconfig].forEach((stub) => stub.restore()));

const written = () =>
  parseProviderDocument(
    new TextDecoder().decode(
      appconfig.commandCalls(CreateHostedConfigurationVersionCommand)[0]!.args[0].input.Content as Uint8Array,
    ),
  );

test.each<[string, string[], string]>([
  ['no action', ['providers'], "missing required argument 'action'"],
  [
    'an unknown action',
    ['providers', 'drop'],
    "command-argument value 'drop' is invalid for argument 'action'. Allowed choices are fallback, restore, limits",
  ],
  ['fallback without --provider', ['providers', 'fallback'], 'fallback needs --provider'],
  ['a malformed provider', ['providers', 'restore', '--provider', 'Open AI'], "'Open AI' is not a provider name"],
  [
    'a limit of zero',
    ['providers', 'limits', '--provider', 'openai', '--rpm', '0'],
    "'0' is not a whole number of at least 1",
  ],
  [
    'limits on fallback',
    ['providers', 'fallback', '--provider', 'openai', '--tpm', '5'],
    '--rpm, --tpm and --concurrent go with limits only',
  ],
  ['new limits without --provider', ['providers', 'limits', '--rpm', '5'], 'new limits need --provider'],
  [
    'a region outside the stage',
    ['providers', 'fallback', '--provider', 'openai', '--region', 'eu-west-1'],
    '--region eu-west-1 is not a region of stage prod',
  ],
  [
    'a reason over 200 characters',
    ['providers', 'restore', '--provider', 'openai', '--reason', 'x'.repeat(201)],
    '--reason must be 1 to 200 characters',
  ],
])('fails when given %s: exit 2, the usage, no AWS call', async (_name, args, message) => {
  const run = await dr(...args);
  expect(run).toMatchObject({ status: 2, calls: 0 });
  expect(run.err).toContain(message);
  expect(run.err).toContain('usage: dr providers');
});

test('fallback takes the provider out at once, in the region that is up, with its alarm off the monitors', async () => {
  const run = await dr('providers', 'fallback', '--provider', 'openai', '--reason', 'status page shows an outage');
  expect(run).toMatchObject({ status: 0 });
  expect(run.err).toContain('providers fallback in us-east-1');
  expect(written().routing).toMatchObject({
    order: ['anthropic'],
    unavailable: ['openai'],
    reason: 'status page shows an outage',
  });
  expect(written().routing.changedBy).toMatch(/^operator:/);
  expect(appconfig.commandCalls(UpdateEnvironmentCommand)[0]!.args[0].input.Monitors).toEqual([
    { AlarmArn: ALARMS[1]!.alarmArn, AlarmRoleArn: IDS.monitorRoleArn },
  ]);
  expect(appconfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input).toMatchObject({
    DeploymentStrategyId: 'now1',
    ConfigurationVersion: '2',
  });
});

test('limits changes one provider gradually, as --json', async () => {
  const run = await dr(
    'providers',
    'limits',
    '--provider',
    'anthropic',
    '--rpm',
    '4000',
    '--region',
    'us-west-2',
    '--json',
  );
  expect(run.status).toBe(0);
  expect(written().providers.anthropic!.rateLimits).toEqual({
    ...DEPLOYED.providers.anthropic!.rateLimits,
    requestsPerMinute: 4000,
  });
  expect(appconfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input.DeploymentStrategyId).toBe('grad1');
  const result = run.out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event?: string; region?: string; changed?: boolean })
    .find((line) => line.event === 'result');
  expect(result).toMatchObject({ region: 'us-west-2', changed: true });
});

test('--dry-run reads and writes nothing; limits without values only shows them', async () => {
  const dry = await dr('providers', 'fallback', '--provider', 'openai', '--dry-run', '--region', 'us-east-1');
  expect(dry.status).toBe(0);
  expect(dry.out).toContain('dry run: would write version 2 and deploy it at once');
  const shown = await dr('providers', 'limits', '--region', 'us-east-1');
  expect(shown.out).toContain('openai 3000 rpm, 1000000 tpm, 200 concurrent');
  expect(appconfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
  expect(appconfig.commandCalls(StartDeploymentCommand)).toHaveLength(0);
});

test('restore of a provider already routed changes nothing and exits 0', async () => {
  const run = await dr('providers', 'restore', '--provider', 'openai', '--region', 'us-east-1');
  expect(run).toMatchObject({ status: 0 });
  expect(run.out).toContain('nothing to change: openai is already in the routing order');
  expect(appconfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
});

test('fails when the provider is not in the profile: exit 2 after the read, nothing written', async () => {
  const run = await dr('providers', 'fallback', '--provider', 'mistral', '--region', 'us-east-1');
  expect(run.status).toBe(2);
  expect(run.err).toContain('--provider mistral is not a provider of the profile in us-east-1 (openai, anthropic)');
  expect(appconfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
});

test('fails when StartDeployment is denied: exit 1 naming the call, after the version was written', async () => {
  appconfig
    .on(StartDeploymentCommand)
    .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
  const run = await dr('providers', 'fallback', '--provider', 'openai', '--region', 'us-east-1');
  expect(run.status).toBe(1);
  expect(run.err).toContain('appconfig:StartDeployment in us-east-1 failed (AccessDeniedException: not authorized)');
});
