// dr secrets reset: every secret the stage owns rotated through Secrets Manager in dependency order, each waited for until its new version is current, replicated and, for the cache, taken by both groups.
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient, DescribeSecretCommandOutput } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { API_KEY_SECRET_TAG } from '../../lib/contract/tags';
import type { DrConfig, RegionConfig } from '../../lib/config/types';
import { cacheAuthTokenSecretName, cacheReplicationGroupId, masterSecretName, TAG_KEYS } from '../../lib/naming';
import { AwsCallError, awsCall, clientConfig, type Sdk } from './aws';
import type { Progress } from './progress';
import type { StageNames } from './stage';

/** What a secret is to the reset; the order of this list is the order of the reset. */
export const SECRET_KINDS = ['aurora-master', 'cache-auth-token', 'api-key'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

/**
 * Why this order. No secret's rotation needs another secret (every rotation function signs in to AWS
 * with its role, and Aurora's with the master secret itself), so the order follows what each old
 * value still opens, and what the application needs to pick up the next:
 * 1. the Aurora master password: the root credential of the data, replaced at once (its single-user
 *    rotation signs in with the new password before the label moves), and no client holds it: the
 *    orchestrator signs in with IAM authentication;
 * 2. the cache AUTH token: two rotations, a client grace apart, because the old token must keep
 *    working until the pods have read the new one; only the second rotation drops it;
 * 3. the API keys the application's own functions rotate: last, when the application reaches its
 *    database and cache again on the new credentials and can read its new keys.
 */
export const ORDER_REASON: Readonly<Record<SecretKind, string>> = {
  'aurora-master': 'the root credential of the data; no client holds it (the orchestrator uses IAM authentication)',
  'cache-auth-token': 'rotated twice, a client grace apart: the first adds the new token, the second drops the old one',
  'api-key': "the application's keys, rotated by its own functions once it reaches its database and cache again",
};

/** A secret the reset rotates. */
export interface PlannedSecret {
  readonly kind: SecretKind;
  readonly name: string;
  readonly arn: string;
  /** Where the secret's primary copy lives and RotateSecret is called. */
  readonly region: string;
  readonly currentVersion: string;
  /** A rotation already under way (AWSPENDING on another version): waited for, not started again. */
  readonly pendingVersion?: string;
  readonly rotationFunction?: string;
  readonly replicaRegions: readonly string[];
}

/** A rotation that finished. */
export interface RotatedSecret {
  readonly kind: SecretKind;
  readonly name: string;
  readonly region: string;
  readonly previousVersion: string;
  readonly newVersion: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Replica regions whose copy shows the new version as current. */
  readonly replicasInSync: readonly string[];
  /** Whether this run resumed a rotation it found under way instead of starting one. */
  readonly resumed: boolean;
}

export interface ResetDeps {
  readonly sdk: Sdk;
  readonly names: StageNames;
  readonly progress: Progress;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs: number;
  readonly now: () => Date;
  /** How long one rotation may take before the reset gives up on it. */
  readonly timeoutMs: number;
  /** How long the pods have to read the new cache token before the second rotation drops the old one. */
  readonly clientGraceMs: number;
}

/** The stage's fixed secret names, from lib/naming.ts. */
export function ownedSecretNames(stage: StageNames['stage']) {
  const config = { stage } as Pick<DrConfig, 'stage'> as DrConfig;
  return { auroraMaster: masterSecretName(config), cacheAuthToken: cacheAuthTokenSecretName(config) };
}

async function secretsClient(region: string): Promise<{ client: SecretsManagerClient; sm: typeof SecretsManager }> {
  const sm = await import('@aws-sdk/client-secrets-manager');
  return { client: new sm.SecretsManagerClient(clientConfig(region)), sm };
}

const labelled = (described: DescribeSecretCommandOutput, label: string) =>
  Object.entries(described.VersionIdsToStages ?? {}).find(([, labels]) => labels.includes(label))?.[0];

function planned(kind: SecretKind, region: string, described: DescribeSecretCommandOutput): PlannedSecret {
  const current = labelled(described, 'AWSCURRENT');
  const pending = labelled(described, 'AWSPENDING');
  if (!described.ARN || !described.Name || !current) {
    throw new AwsCallError(
      `secretsmanager:DescribeSecret ${described.Name ?? '?'}`,
      region,
      new Error('the secret has no ARN, name or AWSCURRENT version'),
      'check the secret in the console before resetting it',
    );
  }
  return {
    kind,
    name: described.Name,
    arn: described.ARN,
    region,
    currentVersion: current,
    ...(pending && pending !== current ? { pendingVersion: pending } : {}),
    ...(described.RotationLambdaARN ? { rotationFunction: described.RotationLambdaARN } : {}),
    replicaRegions: (described.ReplicationStatus ?? []).flatMap((replica) => (replica.Region ? [replica.Region] : [])),
  };
}

/**
 * The secrets to rotate, in order; reads only. The stack's two secrets live in `region` (the stage's
 * primary, or the region a replica was promoted in); API-key secrets are those of either region with
 * both the stage tag and {@link API_KEY_SECRET_TAG}, replicas skipped (their primary is listed).
 */
export async function planReset(deps: ResetDeps, region: string): Promise<PlannedSecret[]> {
  const names = ownedSecretNames(deps.names.stage);
  const { client, sm } = await secretsClient(region);
  const plan: PlannedSecret[] = [];
  for (const [kind, name] of [
    ['aurora-master', names.auroraMaster],
    ['cache-auth-token', names.cacheAuthToken],
  ] as const) {
    const described = await awsCall(
      `secretsmanager:DescribeSecret ${name}`,
      region,
      `check your credentials; if ${region} is lost, promote the replica in the other region (docs/runbooks/reset-secrets.md) and pass --region`,
      () => client.send(new sm.DescribeSecretCommand({ SecretId: name })),
    );
    if (described.PrimaryRegion && described.PrimaryRegion !== region) {
      throw new AwsCallError(
        `secretsmanager:DescribeSecret ${name}`,
        region,
        new Error(`the secret here is a replica of ${described.PrimaryRegion}`),
        `rotate it where its primary is: --region ${described.PrimaryRegion}`,
      );
    }
    plan.push(planned(kind, region, described));
  }
  for (const each of [deps.names.primary, deps.names.secondary]) {
    const regional = each === region ? client : (await secretsClient(each)).client;
    let token: string | undefined;
    do {
      const page = await awsCall(
        `secretsmanager:ListSecrets (tag ${API_KEY_SECRET_TAG.key}=${API_KEY_SECRET_TAG.value})`,
        each,
        'check your credentials and that the region answers',
        () =>
          regional.send(
            new sm.ListSecretsCommand({
              Filters: [
                { Key: 'tag-key', Values: [API_KEY_SECRET_TAG.key] },
                { Key: 'tag-value', Values: [API_KEY_SECRET_TAG.value] },
              ],
              ...(token ? { NextToken: token } : {}),
            }),
          ),
      );
      for (const entry of page.SecretList ?? []) {
        const tags = new Map((entry.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
        // The filters match the key and the value separately; the pair and the stage are checked here.
        if (
          tags.get(API_KEY_SECRET_TAG.key) !== API_KEY_SECRET_TAG.value ||
          tags.get(TAG_KEYS.stage) !== deps.names.stage
        )
          continue;
        if (entry.PrimaryRegion && entry.PrimaryRegion !== each) continue;
        if (!entry.ARN || plan.some((secret) => secret.arn === entry.ARN)) continue;
        const described = await awsCall(
          `secretsmanager:DescribeSecret ${entry.Name}`,
          each,
          'check your credentials',
          () => regional.send(new sm.DescribeSecretCommand({ SecretId: entry.ARN })),
        );
        plan.push(planned('api-key', each, described));
      }
      token = page.NextToken;
    } while (token);
  }
  return plan;
}

/** The cache groups whose tokens must have changed after a rotation of the cache secret. */
function cacheMembers(names: StageNames): { region: string; replicationGroupId: string }[] {
  const config = { stage: names.stage } as Pick<DrConfig, 'stage'> as DrConfig;
  return [names.primary, names.secondary].map((region) => ({
    region,
    replicationGroupId: cacheReplicationGroupId(config, { region } as Pick<RegionConfig, 'region'> as RegionConfig),
  }));
}

/** Rotates every planned secret in order; throws AwsCallError naming the call, or RotationTimeout. */
export async function runReset(deps: ResetDeps, plan: readonly PlannedSecret[]): Promise<RotatedSecret[]> {
  const rotated: RotatedSecret[] = [];
  for (const secret of plan) {
    if (secret.kind === 'cache-auth-token') {
      const first = await rotateOne(deps, secret, rotated);
      await untilGroupsTookToken(deps, secret, new Date(first.startedAt));
      deps.progress.waiting(
        `${Math.round(deps.clientGraceMs / 60_000)} min for the pods to read the new cache token before the old one is dropped`,
      );
      await deps.sleep(deps.clientGraceMs);
      deps.progress.step(`client grace over for ${secret.name}`);
      // The second rotation's createSecret SETs the first one's token: the old token is refused from then on.
      const second = await rotateOne(deps, { ...secret, currentVersion: first.newVersion }, rotated);
      await untilGroupsTookToken(deps, secret, new Date(second.startedAt));
    } else {
      await rotateOne(deps, secret, rotated);
    }
  }
  return rotated;
}

/** Thrown when a rotation does not finish in time; names the secret and where to look. */
export class RotationTimeout extends Error {}

async function rotateOne(deps: ResetDeps, secret: PlannedSecret, rotated: RotatedSecret[]): Promise<RotatedSecret> {
  const { client, sm } = await secretsClient(secret.region);
  const startedAt = deps.now();
  let version = secret.pendingVersion;
  const resumed = version !== undefined;
  if (version) {
    deps.progress.note(
      `${secret.name}: a rotation to ${version} is already under way; waiting for it instead of starting another`,
    );
  } else {
    const requested = randomUUID();
    const answer = await awsCall(
      `secretsmanager:RotateSecret ${secret.name}`,
      secret.region,
      `${describeDone(rotated)}; fix the cause (its rotation function's log names it) and re-run: rotated secrets are rotated again, harmlessly`,
      () => client.send(new sm.RotateSecretCommand({ SecretId: secret.arn, ClientRequestToken: requested })),
    );
    version = answer.VersionId ?? requested;
    deps.progress.step(`${secret.name}: rotation to ${version} started in ${secret.region}`);
  }
  const deadline = startedAt.getTime() + deps.timeoutMs;
  for (;;) {
    const described = await awsCall(
      `secretsmanager:DescribeSecret ${secret.name}`,
      secret.region,
      `${describeDone(rotated)}; the rotation goes on in Secrets Manager: re-run to wait for it`,
      () => client.send(new sm.DescribeSecretCommand({ SecretId: secret.arn })),
    );
    if (labelled(described, 'AWSCURRENT') === version) break;
    // A rotation that failed leaves AWSPENDING where it was; only the time tells it from a slow one.
    if (deps.now().getTime() > deadline) {
      throw new RotationTimeout(
        `${secret.name} in ${secret.region}: version ${version} is not AWSCURRENT after ${Math.round(deps.timeoutMs / 60_000)} min; ` +
          `read the log of its rotation function (${secret.rotationFunction ?? 'none is configured'}). ${describeDone(rotated)}`,
      );
    }
    deps.progress.waiting(`${secret.name}: version ${version} becoming AWSCURRENT`);
    await deps.sleep(deps.pollMs);
  }
  const replicasInSync = await untilReplicasFollow(deps, secret, version, deadline);
  const done: RotatedSecret = {
    kind: secret.kind,
    name: secret.name,
    region: secret.region,
    previousVersion: secret.currentVersion,
    newVersion: version,
    startedAt: startedAt.toISOString(),
    finishedAt: deps.now().toISOString(),
    replicasInSync,
    resumed,
  };
  rotated.push(done);
  deps.progress.step(
    `${secret.name}: ${version} is current${replicasInSync.length > 0 ? ` and replicated to ${replicasInSync.join(', ')}` : ''}`,
  );
  return done;
}

/** Each replica region shows `version` as current (replication copies the versions with their ids). */
async function untilReplicasFollow(
  deps: ResetDeps,
  secret: PlannedSecret,
  version: string,
  deadline: number,
): Promise<string[]> {
  const inSync: string[] = [];
  for (const region of secret.replicaRegions) {
    const { client, sm } = await secretsClient(region);
    for (;;) {
      const described = await awsCall(
        `secretsmanager:DescribeSecret ${secret.name}`,
        region,
        'the primary copy is rotated; check the replica in the console (ReplicationStatus) and re-run',
        () => client.send(new sm.DescribeSecretCommand({ SecretId: secret.name })),
      );
      if (labelled(described, 'AWSCURRENT') === version) break;
      if (deps.now().getTime() > deadline) {
        throw new RotationTimeout(`${secret.name}: the replica in ${region} does not show ${version} as current`);
      }
      deps.progress.waiting(`${secret.name}: replica in ${region} following ${version}`);
      await deps.sleep(deps.pollMs);
    }
    inSync.push(region);
  }
  return inSync;
}

/** Both groups are available and changed their token after `since`: they accept the new token. */
async function untilGroupsTookToken(deps: ResetDeps, secret: PlannedSecret, since: Date): Promise<void> {
  const ec = await deps.sdk.elasticache();
  const deadline = deps.now().getTime() + deps.timeoutMs;
  for (const member of cacheMembers(deps.names)) {
    const client = new ec.ElastiCacheClient(clientConfig(member.region));
    for (;;) {
      const { ReplicationGroups } = await awsCall(
        `elasticache:DescribeReplicationGroups ${member.replicationGroupId}`,
        member.region,
        `${secret.name} is rotated; check the group and re-run`,
        () => client.send(new ec.DescribeReplicationGroupsCommand({ ReplicationGroupId: member.replicationGroupId })),
      );
      const group = ReplicationGroups?.[0];
      const changed = group?.AuthTokenLastModifiedDate;
      if (group?.Status === 'available' && changed && changed.getTime() >= since.getTime() - 1000) break;
      if (deps.now().getTime() > deadline) {
        throw new RotationTimeout(
          `${member.region}:${member.replicationGroupId} has not taken the token of ${secret.name} (status ${group?.Status ?? 'unknown'}, token changed ${changed?.toISOString() ?? 'never'})`,
        );
      }
      deps.progress.waiting(`${member.region}:${member.replicationGroupId} taking the new token`);
      await deps.sleep(deps.pollMs);
    }
    deps.progress.step(`${member.region}:${member.replicationGroupId} accepts the new token`);
  }
}

function describeDone(rotated: readonly RotatedSecret[]): string {
  return rotated.length === 0
    ? 'nothing was rotated by this run'
    : `rotated before it: ${rotated.map((each) => `${each.name} (${each.newVersion})`).join(', ')}`;
}
