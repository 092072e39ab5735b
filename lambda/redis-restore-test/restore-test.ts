// Weekly Redis restore test as resumable steps: restore the newest .rdb into a tagged temporary group, read its data back, delete it.
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand,
  ReplicationGroupNotFoundFault,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { REDIS_SENTINEL } from '../../lib/contract';
import { cacheAuthToken, type CacheConnector, type CacheEndpoint } from '../shared/cache-session';
import { nameStamp, newestRdb } from '../shared/exports';
import { assertOwnedName, assertOwnedTarget, type Ownership } from '../shared/owned-target';
import { compareCounts, describeCount, sentinelProblem } from '../shared/sentinel';

export interface RestoreTestDeps {
  readonly elasticache: ElastiCacheClient;
  readonly s3: S3Client;
  /** Reads the cache AUTH token, which the temporary group is created with and read back with. */
  readonly secrets: SecretsManagerClient;
  /** Opens a TLS session with the restored group's primary. */
  readonly cache: CacheConnector;
  readonly now: () => Date;
}

export interface RestoreTestSettings {
  /** Bucket holding the exports; the newest `.rdb` under `prefix` is restored. */
  readonly bucket: string;
  readonly prefix: string;
  /** Temporary groups are named `<groupPrefix><timestamp>`. */
  readonly groupPrefix: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  /** Every temporary group carries this tag; IAM lets the function delete only tagged groups. */
  readonly tag: { readonly key: string; readonly value: string };
  /** A restore slower than this, in seconds, fails the test: the RTO could not be met this way. */
  readonly maxRestoreSeconds: number;
  /** The stage: part of the sentinel's checksum. */
  readonly stage: string;
  /** Secret holding the cache tier's AUTH token. */
  readonly authTokenSecretName: string;
}

/** The verdict a finished test carries into its cleanup. */
export interface RestoreVerdict {
  readonly passed: boolean;
  readonly detail: string;
  readonly restoreSeconds?: number;
  /** What was compared between the restored copy and the source, each with its result. */
  readonly compared?: readonly string[];
}

/** What the backup run recorded next to the export (lambda/redis-backup): what the restore must give back. */
export interface ExpectedData {
  /** The sidecar object it was read from. */
  readonly object: string;
  readonly key: string;
  readonly writtenAt: string;
  readonly checksum: string;
  /** Keys without a TTL in the source just before its snapshot. */
  readonly persistentKeys: number;
}

interface Restoring {
  readonly groupId: string;
  readonly source: string;
  readonly startedAt: string;
  readonly expected: ExpectedData;
}

export type RestoreTestState =
  | { readonly phase: 'start' }
  | (Restoring & { readonly phase: 'restoring' })
  | (Omit<Restoring, 'expected'> & { readonly phase: 'cleaning'; readonly verdict: RestoreVerdict })
  | (Partial<Restoring> & { readonly phase: 'done'; readonly verdict: RestoreVerdict });

async function describe(elasticache: ElastiCacheClient, groupId: string): Promise<ReplicationGroup | undefined> {
  try {
    const { ReplicationGroups } = await elasticache.send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: groupId }),
    );
    return ReplicationGroups?.[0];
  } catch (error) {
    if (error instanceof ReplicationGroupNotFoundFault || (error as Error).name === 'ReplicationGroupNotFoundFault')
      return undefined;
    throw error;
  }
}

/** `text` as JSON, or `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The sidecar of the export `rdbKey` (`<export>-0001.rdb` -> `<export>.sentinel.json`), or why it
 * cannot serve: without it nothing says what the restore must hold, so the test fails.
 */
async function readExpected(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  rdbKey: string,
): Promise<ExpectedData | string> {
  const object = `${rdbKey.replace(/-\d{4}\.rdb$/, '')}${REDIS_SENTINEL.sidecarSuffix}`;
  let body: string;
  try {
    const response = await deps.s3.send(new GetObjectCommand({ Bucket: settings.bucket, Key: object }));
    body = (await response.Body?.transformToString()) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') {
      return `no sentinel record s3://${settings.bucket}/${object} for ${rdbKey}: nothing says what the restore must hold`;
    }
    throw error;
  }
  const parsed = parseJson(body) as Partial<Record<keyof ExpectedData, unknown>> | null | undefined;
  if (
    typeof parsed?.key !== 'string' ||
    typeof parsed.writtenAt !== 'string' ||
    typeof parsed.checksum !== 'string' ||
    typeof parsed.persistentKeys !== 'number'
  ) {
    return `sentinel record s3://${settings.bucket}/${object} is unreadable: ${JSON.stringify(body.slice(0, 80))}`;
  }
  return {
    object,
    key: parsed.key,
    writtenAt: parsed.writtenAt,
    checksum: parsed.checksum,
    persistentKeys: parsed.persistentKeys,
  };
}

async function start(deps: RestoreTestDeps, settings: RestoreTestSettings): Promise<RestoreTestState> {
  const newest = await newestRdb(deps.s3, settings.bucket, settings.prefix);
  if (!newest?.Key) {
    return {
      phase: 'done',
      verdict: { passed: false, detail: `no .rdb under s3://${settings.bucket}/${settings.prefix} to restore` },
    };
  }
  const expected = await readExpected(deps, settings, newest.Key);
  // Checked before anything is created: a restore that cannot be proven is not worth its cost.
  if (typeof expected === 'string') return { phase: 'done', verdict: { passed: false, detail: expected } };
  const authToken = await cacheAuthToken(deps.secrets, settings.authTokenSecretName);
  const now = deps.now();
  const groupId = `${settings.groupPrefix}${nameStamp(now).toLowerCase()}`;
  const source = `arn:aws:s3:::${settings.bucket}/${newest.Key}`;
  await deps.elasticache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: groupId,
      ReplicationGroupDescription: `restore test of ${newest.Key}`,
      Engine: settings.engine,
      EngineVersion: settings.engineVersion,
      CacheNodeType: settings.cacheNodeType,
      NumCacheClusters: 1,
      SnapshotArns: [source],
      CacheSubnetGroupName: settings.subnetGroupName,
      SecurityGroupIds: [...settings.securityGroupIds],
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      // As the production group: production data is never left open to a client without the token.
      AuthToken: authToken,
      Tags: [{ Key: settings.tag.key, Value: settings.tag.value }],
    }),
  );
  return { phase: 'restoring', groupId, source, startedAt: now.toISOString(), expected };
}

/**
 * Reads the sentinel and the key counts back from the restored group and compares them with what
 * the backup recorded. Whatever keeps the read from running (no endpoint, refused, timed out,
 * wrong token) is a failed test, never a pass.
 */
async function dataVerdict(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  expected: ExpectedData,
  endpoint: CacheEndpoint | undefined,
): Promise<{ readonly problem?: string; readonly compared: string[] }> {
  const sentinelWhat = `sentinel ${expected.key} written ${expected.writtenAt} (${expected.object})`;
  if (!endpoint) return { problem: 'restored group has no primary endpoint to read', compared: [] };
  let read: { value: string | null; persistent: number };
  try {
    const password = await cacheAuthToken(deps.secrets, settings.authTokenSecretName);
    read = await deps.cache(endpoint, password, async (session) => ({
      value: await session.get(expected.key),
      persistent: (await session.counts()).persistent,
    }));
  } catch (error) {
    return { problem: `could not read the restored group: ${(error as Error).message}`, compared: [] };
  }
  const sentinel = sentinelProblem(settings.stage, expected, read.value);
  const count = compareCounts('keys without TTL', expected.persistentKeys, read.persistent);
  const compared = [
    `${sentinelWhat}: ${sentinel ?? 'equal'}`,
    `${describeCount(count)}: ${count.within ? 'within' : 'outside'}`,
  ];
  const problem = sentinel ?? (count.within ? undefined : `${describeCount(count)}: outside the tolerance`);
  return { ...(problem ? { problem } : {}), compared };
}

async function checkRestore(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  state: Extract<RestoreTestState, { phase: 'restoring' }>,
): Promise<RestoreTestState> {
  const group = await describe(deps.elasticache, state.groupId);
  const elapsed = Math.round((deps.now().getTime() - Date.parse(state.startedAt)) / 1000);
  const { expected, ...kept } = state;
  const finish = (verdict: RestoreVerdict): RestoreTestState => ({ ...kept, phase: 'cleaning', verdict });
  if (!group) return finish({ passed: false, detail: `temporary group ${state.groupId} disappeared` });
  if (group.Status === 'creating') {
    return elapsed > settings.maxRestoreSeconds
      ? finish({
          passed: false,
          detail: `still restoring after ${elapsed} s, allowed ${settings.maxRestoreSeconds} s`,
          restoreSeconds: elapsed,
        })
      : state;
  }
  if (group.Status !== 'available')
    return finish({ passed: false, detail: `restore ended ${group.Status ?? 'in no state'}`, restoreSeconds: elapsed });
  if (!group.NodeGroups?.length)
    return finish({ passed: false, detail: 'restored group has no node group', restoreSeconds: elapsed });
  if (elapsed > settings.maxRestoreSeconds) {
    return finish({
      passed: false,
      detail: `restore took ${elapsed} s, allowed ${settings.maxRestoreSeconds} s`,
      restoreSeconds: elapsed,
    });
  }
  const endpoint = group.NodeGroups[0]?.PrimaryEndpoint;
  const data = await dataVerdict(
    deps,
    settings,
    expected,
    endpoint?.Address && endpoint.Port ? { host: endpoint.Address, port: endpoint.Port } : undefined,
  );
  return finish({
    passed: !data.problem,
    detail: data.problem
      ? `restored ${state.source} in ${elapsed} s, but ${data.problem}`
      : `restored ${state.source} in ${elapsed} s; ${data.compared.join('; ')}`,
    restoreSeconds: elapsed,
    compared: data.compared,
  });
}

/** The temporary groups of this test: its prefix and its tag; nothing else is ever deleted. */
export function temporaryGroups(settings: RestoreTestSettings): Ownership {
  return { what: 'temporary replication group', prefix: settings.groupPrefix, tag: settings.tag };
}

async function cleanUp(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  state: Extract<RestoreTestState, { phase: 'cleaning' }>,
): Promise<RestoreTestState> {
  const group = await describe(deps.elasticache, state.groupId);
  if (!group) return { ...state, phase: 'done' };
  if (group.Status !== 'deleting') {
    // DescribeReplicationGroups returns no tags: the tag is read from the group's own ARN.
    const { TagList } = group.ARN
      ? await deps.elasticache.send(new ListTagsForResourceCommand({ ResourceName: group.ARN }))
      : { TagList: [] };
    assertOwnedTarget(group.ReplicationGroupId ?? state.groupId, TagList, temporaryGroups(settings));
    await deps.elasticache.send(
      new DeleteReplicationGroupCommand({ ReplicationGroupId: state.groupId, RetainPrimaryCluster: false }),
    );
  }
  return state;
}

/**
 * Advances `state` by one step. A state with a group id can always be sent back as `cleaning`
 * (the state machine's catch does so), so a failed run never leaves its group behind. Every state
 * is untrusted (a start input can carry any): a group id outside the test's prefix is refused with
 * `NotOwnedTargetError` before any AWS call, and one without the tag before the delete.
 */
export async function advance(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  state: RestoreTestState,
): Promise<RestoreTestState> {
  if (state.phase === 'restoring' || state.phase === 'cleaning')
    assertOwnedName(state.groupId, temporaryGroups(settings));
  switch (state.phase) {
    case 'start':
      return start(deps, settings);
    case 'restoring':
      return checkRestore(deps, settings, state);
    case 'cleaning':
      return cleanUp(deps, settings, state);
    case 'done':
      return state;
  }
}
