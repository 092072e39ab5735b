// dr secrets reset against a real moto server: the plan lists the stage's two secrets and its tagged API keys only; a run rotates in order, and a group that never takes the token fails it naming the group and what was rotated.
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { API_KEY_SECRET_TAG } from '../../lib/contract/tags';
import { main } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { ownedSecretNames } from '../../scripts/dr/secrets-reset';
import { startMoto, type MotoServer } from '../helpers/moto';

const saved = process.env;
let moto: MotoServer;
const names = ownedSecretNames('prod');
const apiKey = 'async-toolformer/prod/orchestrator/provider-a';
const SEEDED = {
  'us-east-1': [
    [names.auroraMaster, []],
    [names.cacheAuthToken, []],
    [apiKey, [API_KEY_SECRET_TAG, { key: 'stage', value: 'prod' }]],
    // Untouched: no tag, the tag of another stage, the tag key with another value.
    ['async-toolformer/prod/orchestrator/untagged', []],
    ['async-toolformer/staging/orchestrator/provider-a', [API_KEY_SECRET_TAG, { key: 'stage', value: 'staging' }]],
    [
      'async-toolformer/prod/orchestrator/other',
      [
        { key: API_KEY_SECRET_TAG.key, value: 'keep' },
        { key: 'stage', value: 'prod' },
      ],
    ],
  ],
  'us-west-2': [
    ['async-toolformer/prod/orchestrator/provider-b', [API_KEY_SECRET_TAG, { key: 'stage', value: 'prod' }]],
  ],
} as const;

const client = (region: string) => new SecretsManagerClient(moto.clientConfig(region));
const versionOf = async (region: string, name: string) =>
  Object.entries(
    (await client(region).send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {},
  ).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];

beforeAll(async () => {
  moto = await startMoto();
  process.env = {
    ...saved,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
  for (const [region, secrets] of Object.entries(SEEDED)) {
    for (const [name, tags] of secrets) {
      await client(region).send(
        new CreateSecretCommand({
          Name: name,
          SecretString: 'x'.repeat(64),
          Tags: tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
        }),
      );
    }
    await new ElastiCacheClient(moto.clientConfig(region)).send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: `async-toolformer-prod-${region === 'us-east-1' ? 'use1' : 'usw2'}`,
        ReplicationGroupDescription: 'rate limiting',
        Engine: 'valkey',
        CacheNodeType: 'cache.r7g.large',
        NumCacheClusters: 2,
        TransitEncryptionEnabled: true,
        AuthToken: 'x'.repeat(64),
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await moto.stop();
});

/** main() with a clock that moves a minute per read, so a --timeout passes in a few polls. */
function cliEnv() {
  // Later than moto's real clock, so a group's token changed at its creation reads as older than any rotation.
  let clock = Date.now() + 86_400_000;
  return capturingCli({ now: () => new Date((clock += 60_000)) });
}

test('--dry-run lists the two stack secrets, then the tagged API keys of the stage in both regions, and changes nothing', async () => {
  // Prepare
  const before = await versionOf('us-east-1', apiKey);
  const { env, out } = cliEnv();
  // Act
  const status = await main(['secrets', 'reset', '--dry-run', '--json'], env);
  // Assess
  expect(status).toBe(0);
  const result = JSON.parse(out().trim().split('\n').at(-1)!) as {
    plan: { kind: string; name: string; region: string }[];
  };
  expect(result.plan.map(({ kind, name, region }) => `${kind} ${name} ${region}`)).toEqual([
    `aurora-master ${names.auroraMaster} us-east-1`,
    `cache-auth-token ${names.cacheAuthToken} us-east-1`,
    `api-key ${apiKey} us-east-1`,
    'api-key async-toolformer/prod/orchestrator/provider-b us-west-2',
  ]);
  expect(await versionOf('us-east-1', apiKey)).toBe(before);
});

test('fails when the cache groups never take the new token: exit 1 naming the group, after the master secret rotated, nothing after it', async () => {
  // Plain moto moves AWSCURRENT at once on RotateSecret (no rotation function) and never changes a
  // group's token, so the reset gets as far as the cache check and must fail there, not pass.
  const untagged = await versionOf('us-east-1', 'async-toolformer/prod/orchestrator/untagged');
  const master = await versionOf('us-east-1', names.auroraMaster);
  const key = await versionOf('us-east-1', apiKey);
  const { env, err } = cliEnv();
  const status = await main(['secrets', 'reset', '--yes', '--timeout', '3', '--client-grace', '0'], env);
  expect(status).toBe(1);
  expect(err()).toMatch(
    /us-east-1:async-toolformer-prod-use1 has not taken the token of async-toolformer\/prod\/cache\/auth-token/,
  );
  expect(await versionOf('us-east-1', names.auroraMaster)).not.toBe(master);
  expect(await versionOf('us-east-1', apiKey)).toBe(key);
  expect(await versionOf('us-east-1', 'async-toolformer/prod/orchestrator/untagged')).toBe(untagged);
});

test('fails when a stack secret does not exist: exit 1 naming DescribeSecret and the region, nothing rotated', async () => {
  const { env, err } = cliEnv();
  const status = await main(['secrets', 'reset', '--yes', '--stage', 'staging'], env);
  expect(status).toBe(1);
  expect(err()).toContain(
    'secretsmanager:DescribeSecret async-toolformer/staging/aurora/master in us-east-1 failed (ResourceNotFoundException',
  );
});
