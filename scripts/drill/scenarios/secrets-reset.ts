// The plan's "reset all secrets and API keys": dr secrets reset, run as an operator, rotates every secret the stage owns, the cache token through our rotation function on both groups, and touches nothing else.
import { ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CACHE_AUTH_ROTATOR } from '../../../lib/contract/secret-rotation';
import { API_KEY_SECRET_TAG } from '../../../lib/contract/tags';
import { ownedSecretNames } from '../../dr/secrets-reset';
import { functionEnvironment } from '../jobs';
import { PROJECT_ROOT } from '../moto-process';
import { operatorEnvironment, type RunRecord, type TimelineEntry } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';

const CLI = join(PROJECT_ROOT, 'scripts', 'dr', 'cli.ts');
const PRIMARY = 'us-east-1';
const SECONDARY = 'us-west-2';
const ACCOUNT = '123456789012';

const SIMULATED = [
  "Secrets Manager's rotation: the drill server runs the cache rotation function's four steps in Node when RotateSecret is called (scripts/drill/moto_drill/secrets_rotation.py), synchronously, where AWS invokes the Lambda after answering",
  "ElastiCache's AUTH tokens: the drill server keeps what each group accepts (ROTATE adds, SET keeps one, a third token is refused) and shows it only as SHA-256 prefixes in the group's tag drill-auth-tokens (elasticache_auth.py)",
  "the Aurora master secret's and the API key's rotation functions: moto runs none; RotateSecret makes a new version current at once, so the drill proves the order and the labels, not a password change in PostgreSQL",
];

const sha = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);

interface Seeded {
  readonly name: string;
  readonly region: string;
  /** Whether the reset must rotate it. */
  readonly owned: boolean;
}

function clients(context: ScenarioContext, region: string) {
  const config = {
    region,
    endpoint: context.endpoint,
    credentials: { accessKeyId: 'drill', secretAccessKey: 'drill' },
  };
  return {
    secrets: new SecretsManagerClient(config),
    cache: new ElastiCacheClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
  };
}

/** The stack's two secrets (replicated), our rotation function on the cache token, a tagged API key per region, and three decoys. */
async function seed(context: ScenarioContext): Promise<Seeded[]> {
  const names = ownedSecretNames('prod');
  const primary = clients(context, PRIMARY);
  const token = 'T0'.repeat(32);
  const seeded: Seeded[] = [];
  const create = async (
    region: string,
    name: string,
    owned: boolean,
    tags: { key: string; value: string }[],
    replica = false,
    value = 'v'.repeat(64),
  ) => {
    await clients(context, region).secrets.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: value,
        Tags: tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
        ...(replica ? { AddReplicaRegions: [{ Region: SECONDARY }] } : {}),
      }),
    );
    seeded.push({ name, region, owned });
  };
  await create(PRIMARY, names.auroraMaster, true, [], true);
  // The groups were seeded from the template, whose AuthToken is the secret's dynamic reference.
  await create(PRIMARY, names.cacheAuthToken, true, [], true, token);
  await create(PRIMARY, 'async-toolformer/prod/orchestrator/provider-a', true, [
    API_KEY_SECRET_TAG,
    { key: 'stage', value: 'prod' },
  ]);
  await create(SECONDARY, 'async-toolformer/prod/orchestrator/provider-b', true, [
    API_KEY_SECRET_TAG,
    { key: 'stage', value: 'prod' },
  ]);
  await create(PRIMARY, 'async-toolformer/prod/orchestrator/untagged', false, [{ key: 'stage', value: 'prod' }]);
  await create(PRIMARY, 'async-toolformer/staging/orchestrator/provider-a', false, [
    API_KEY_SECRET_TAG,
    { key: 'stage', value: 'staging' },
  ]);
  await create(PRIMARY, 'someone-else/api-key', false, [
    { key: API_KEY_SECRET_TAG.key, value: 'keep' },
    { key: 'stage', value: 'prod' },
  ]);

  // Our rotation function, with the environment the Cache stack synthesizes for it.
  const { Role } = await primary.iam.send(
    new CreateRoleCommand({
      RoleName: 'cache-auth-rotation',
      AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    }),
  );
  const { FunctionArn } = await primary.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'async-toolformer-prod-cache-auth-rotation',
      Runtime: 'nodejs22.x',
      Role: Role!.Arn!,
      Handler: CACHE_AUTH_ROTATOR.entry.replace(/\.ts$/, '.handler'),
      Code: { ZipFile: Buffer.from('drill') },
      Environment: { Variables: functionEnvironment(context.world, CACHE_AUTH_ROTATOR, PRIMARY) },
    }),
  );
  await primary.secrets.send(
    new RotateSecretCommand({
      SecretId: names.cacheAuthToken,
      RotationLambdaARN: FunctionArn,
      RotateImmediately: false,
    }),
  );
  return seeded;
}

interface Snapshot {
  readonly version?: string;
  readonly value?: string;
}

async function snapshot(context: ScenarioContext, secret: Seeded): Promise<Snapshot> {
  const client = clients(context, secret.region).secrets;
  const described = await client.send(new DescribeSecretCommand({ SecretId: secret.name }));
  const version = Object.entries(described.VersionIdsToStages ?? {}).find(([, labels]) =>
    labels.includes('AWSCURRENT'),
  )?.[0];
  const value = (
    await client
      .send(new GetSecretValueCommand({ SecretId: secret.name, VersionStage: 'AWSCURRENT' }))
      .catch(() => undefined)
  )?.SecretString;
  return { ...(version ? { version } : {}), ...(value ? { value } : {}) };
}

async function acceptedTokens(context: ScenarioContext, region: string, groupId: string): Promise<string[]> {
  const { TagList } = await clients(context, region).cache.send(
    new ListTagsForResourceCommand({
      ResourceName: `arn:aws:elasticache:${region}:${ACCOUNT}:replicationgroup:${groupId}`,
    }),
  );
  return (TagList?.find((tag) => tag.Key === 'drill-auth-tokens')?.Value ?? '').split(' ').filter(Boolean);
}

interface CliRun {
  readonly exitCode: number;
  /** The command's progress steps (its --json `step` lines), in order. */
  readonly steps: TimelineEntry[];
  readonly stdout: string;
  readonly result?: { rotated?: { kind: string; name: string; newVersion: string; previousVersion: string }[] };
  readonly stderr: string;
}

/** `dr secrets reset --yes --json` as an operator runs it, from the TypeScript source, against the drill server. */
function drSecretsReset(context: ScenarioContext): Promise<CliRun> {
  const env = { ...operatorEnvironment(context.endpoint), DR_POLL_SECONDS: '0.1' };
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'secrets',
        'reset',
        '--stage',
        context.stage,
        '--yes',
        '--json',
        '--client-grace',
        '0',
        '--timeout',
        '2',
      ],
      { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const events = stdout
        .trim()
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { event?: string; name?: string; elapsedSeconds?: number }];
          } catch {
            // Not a JSON line: the checks fail on a missing result and show stderr.
            return [];
          }
        });
      const result = events.find((event) => event.event === 'result') as CliRun['result'] | undefined;
      const steps = events
        .filter((event) => event.event === 'step')
        .map((event) => ({ step: event.name ?? '?', elapsedSeconds: event.elapsedSeconds ?? 0 }));
      done({ exitCode: code ?? 1, steps, stdout, ...(result ? { result } : {}), stderr });
    });
  });
}

const secretsReset: Scenario = {
  name: 'secrets-reset',
  summary:
    'dr secrets reset rotates every secret the stage owns and nothing else: the Aurora master secret, then the cache AUTH token twice through our rotation function (both groups end accepting only the two newest tokens, never the seeded one), then the API keys tagged for the stage in both regions; an untagged secret, one tagged for staging and one with another tag value keep their version and value.',
  async run(context) {
    const seeded = await seed(context);
    const names = ownedSecretNames('prod');
    const before = new Map<string, Snapshot>();
    for (const secret of seeded) before.set(secret.name, await snapshot(context, secret));
    const run = await drSecretsReset(context);
    const checks: Check[] = [expectEqual('dr secrets reset exits 0', run.exitCode, 0)];
    if (run.exitCode !== 0)
      checks.push(expectThat('its error', false, run.stderr.trim().split('\n').slice(-3).join(' | ')));
    const rotated = run.result?.rotated ?? [];
    checks.push(
      expectEqual(
        'the reset rotated in dependency order: master, cache token twice, then the API keys',
        rotated.map((each) => each.kind),
        ['aurora-master', 'cache-auth-token', 'cache-auth-token', 'api-key', 'api-key'],
      ),
    );
    for (const secret of seeded) {
      const after = await snapshot(context, secret);
      const was = before.get(secret.name)!;
      if (secret.owned) {
        checks.push(
          expectThat(
            `${secret.name} has a new current version`,
            after.version !== was.version,
            `${was.version} -> ${after.version}`,
          ),
        );
      } else {
        checks.push(expectEqual(`${secret.name} is untouched (version and value)`, after, was));
      }
    }
    // The cache token: both groups accept the token of the first rotation and of the second, and no longer the seeded one.
    const cache = seeded.find((secret) => secret.name === names.cacheAuthToken)!;
    const current = (await snapshot(context, cache)).value ?? '';
    const first = rotated.filter((each) => each.kind === 'cache-auth-token')[0]?.newVersion;
    const firstValue = first
      ? ((
          await clients(context, PRIMARY).secrets.send(
            new GetSecretValueCommand({ SecretId: names.cacheAuthToken, VersionId: first }),
          )
        ).SecretString ?? '')
      : '';
    const seededToken = before.get(names.cacheAuthToken)?.value ?? '';
    for (const [region, group] of [
      [PRIMARY, 'async-toolformer-prod-use1'],
      [SECONDARY, 'async-toolformer-prod-usw2'],
    ] as const) {
      const accepted = await acceptedTokens(context, region, group);
      checks.push(
        expectEqual(`${region}:${group} accepts the first and the second new token, not the seeded one`, accepted, [
          sha(firstValue),
          sha(current),
        ]),
        expectThat(
          `${region}:${group} refuses the seeded token`,
          !accepted.includes(sha(seededToken)),
          accepted.join(' '),
        ),
      );
    }
    const record: RunRecord = {
      executionArn: 'an operator command (no state machine): dr secrets reset',
      region: `${PRIMARY} and ${SECONDARY}`,
      status: run.exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
      startedBy: `dr secrets reset --stage ${context.stage} --yes --json --client-grace 0`,
      timeline: run.steps,
      durationSeconds: run.steps.at(-1)?.elapsedSeconds ?? 0,
      output: run.stdout,
    };
    return { checks, runs: [record], simulated: SIMULATED };
  },
};

export const SECRETS_RESET_SCENARIOS: readonly Scenario[] = [secretsReset];
