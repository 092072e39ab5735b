// Weekly Redis restore test as resumable steps: restore the newest .rdb into a tagged temporary group, check it, delete it.
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand,
  ReplicationGroupNotFoundFault,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { S3Client } from '@aws-sdk/client-s3';
import { nameStamp, newestRdb } from '../shared/exports';
import { assertOwnedName, assertOwnedTarget, type Ownership } from '../shared/owned-target';

export interface RestoreTestDeps {
  readonly elasticache: ElastiCacheClient;
  readonly s3: S3Client;
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
}

/** The verdict a finished test carries into its cleanup. */
export interface RestoreVerdict {
  readonly passed: boolean;
  readonly detail: string;
  readonly restoreSeconds?: number;
}

interface Restoring {
  readonly groupId: string;
  readonly source: string;
  readonly startedAt: string;
}

export type RestoreTestState =
  | { readonly phase: 'start' }
  | (Restoring & { readonly phase: 'restoring' })
  | (Restoring & { readonly phase: 'cleaning'; readonly verdict: RestoreVerdict })
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

async function start(deps: RestoreTestDeps, settings: RestoreTestSettings): Promise<RestoreTestState> {
  const newest = await newestRdb(deps.s3, settings.bucket, settings.prefix);
  if (!newest?.Key) {
    return {
      phase: 'done',
      verdict: { passed: false, detail: `no .rdb under s3://${settings.bucket}/${settings.prefix} to restore` },
    };
  }
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
      Tags: [{ Key: settings.tag.key, Value: settings.tag.value }],
    }),
  );
  return { phase: 'restoring', groupId, source, startedAt: now.toISOString() };
}

async function checkRestore(
  deps: RestoreTestDeps,
  settings: RestoreTestSettings,
  state: Extract<RestoreTestState, { phase: 'restoring' }>,
): Promise<RestoreTestState> {
  const group = await describe(deps.elasticache, state.groupId);
  const elapsed = Math.round((deps.now().getTime() - Date.parse(state.startedAt)) / 1000);
  const finish = (verdict: RestoreVerdict): RestoreTestState => ({ ...state, phase: 'cleaning', verdict });
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
  return finish({ passed: true, detail: `restored ${state.source} in ${elapsed} s`, restoreSeconds: elapsed });
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
