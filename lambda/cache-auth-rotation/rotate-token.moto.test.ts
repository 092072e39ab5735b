// Integration: the rotation steps against a real moto server, where moto implements them: the secret's versions and labels, and ElastiCache accepting the token changes.
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { memberLabel, run, type RotationDeps } from './rotate-token';

const SECRET = 'async-toolformer/prod/cache/auth-token';
const MEMBERS = [
  { region: 'us-east-1', replicationGroupId: 'async-toolformer-prod-use1' },
  { region: 'us-west-2', replicationGroupId: 'async-toolformer-prod-usw2' },
];

let moto: MotoServer;
let deps: RotationDeps;
let secrets: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  secrets = new SecretsManagerClient(moto.clientConfig());
  const caches = new Map(MEMBERS.map(({ region }) => [region, new ElastiCacheClient(moto.clientConfig(region))]));
  await secrets.send(new CreateSecretCommand({ Name: SECRET, SecretString: 'a'.repeat(64) }));
  for (const member of MEMBERS) {
    await caches.get(member.region)!.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: member.replicationGroupId,
        ReplicationGroupDescription: 'rate limiting',
        Engine: 'valkey',
        CacheNodeType: 'cache.r7g.large',
        NumCacheClusters: 2,
        TransitEncryptionEnabled: true,
        AuthToken: 'a'.repeat(64),
      }),
    );
  }
  deps = {
    secrets,
    cache: (region) => caches.get(region)!,
    members: MEMBERS,
    sleep: () => Promise.resolve(),
    pollMs: 0,
    remainingMs: () => 300_000,
  };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const stagesOf = async () => (await secrets.send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages;

test('createSecret writes a 64-character letters-and-digits token as AWSPENDING; a rerun keeps it', async () => {
  // Prepare
  const token = randomUUID();
  // Act
  const first = await run(deps, { step: 'createSecret', secretId: SECRET, token });
  const again = await run(deps, { step: 'createSecret', secretId: SECRET, token });
  // Assess
  const pending = await secrets.send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: 'AWSPENDING' }));
  expect(pending.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
  expect(first.actions).toEqual([`pending token of version ${token} created`]);
  expect(again.actions).toEqual([`pending token of version ${token} exists`]);
  expect((await stagesOf())?.[token]).toEqual(['AWSPENDING']);
});

test('setSecret sends ROTATE to both members (moto accepts it; it does not record tokens), finishSecret moves AWSCURRENT', async () => {
  const stages = await stagesOf();
  const token = Object.entries(stages ?? {}).find(([, labels]) => labels.includes('AWSPENDING'))![0];
  const set = await run(deps, { step: 'setSecret', secretId: SECRET, token });
  expect(set.actions).toEqual(
    MEMBERS.map((m) => `${m.region}:${m.replicationGroupId}: ROTATE (current and pending tokens accepted)`),
  );
  const finish = await run(deps, { step: 'finishSecret', secretId: SECRET, token });
  expect(finish.actions[0]).toMatch(new RegExp(`^AWSCURRENT moved to ${token} from `));
  // AWSPENDING may stay on the new current version; Secrets Manager accepts that end state.
  expect((await stagesOf())?.[token]).toContain('AWSCURRENT');
  // The steps of a version that is already current change nothing.
  expect((await run(deps, { step: 'setSecret', secretId: SECRET, token })).actions).toEqual([
    `version ${token} is already AWSCURRENT`,
  ]);
});

test('a whole rotation runs on moto, and a rerun of setSecret ROTATEs no member twice (the labels on the pending version say who took it)', async () => {
  const token = randomUUID();
  await run(deps, { step: 'createSecret', secretId: SECRET, token });
  await run(deps, { step: 'setSecret', secretId: SECRET, token });
  const again = await run(deps, { step: 'setSecret', secretId: SECRET, token });
  expect(again.actions).toEqual(
    MEMBERS.map((m) => `${m.region}:${m.replicationGroupId}: accepts the pending token already`),
  );
  expect((await stagesOf())?.[token]).toEqual(['AWSPENDING', memberLabel(0), memberLabel(1)]);
  const test = await run(deps, { step: 'testSecret', secretId: SECRET, token });
  expect(test.actions).toHaveLength(2);
  await run(deps, { step: 'finishSecret', secretId: SECRET, token });
  expect((await stagesOf())?.[token]).toContain('AWSCURRENT');
});
