// Replaces the plan's -latest copy-first: the new copy exists and is marked current before the old one is deleted.
import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  RemoveTagsFromResourceCommand,
  type DBClusterSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { LATEST_ROTATION } from '../../lib/contract';
import { assertOwnedTarget, escapeRegExp, hasOwnerTag, type Ownership } from '../shared/owned-target';

/** Where the rotation's copies live and how the job marks them. */
export interface LatestSlots {
  /** The plan's fixed name, `async-toolformer-<stage>-latest`. */
  readonly latest: string;
  /** Tag the job puts on every snapshot it makes. */
  readonly ownerTag: { readonly key: string; readonly value: string };
}

/** Thrown when a rotation cannot go on safely; the run fails and pages, and nothing more is deleted. */
export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

const CURRENT = LATEST_ROTATION.currentTag;

/** The slot the new copy is made in before it replaces `-latest`. */
export const nextSlot = (slots: LatestSlots) => `${slots.latest}${LATEST_ROTATION.nextSuffix}`;

/** Exactly the two slot names, with the job's tag: the only snapshots of the rotation it may delete. */
export function slotOwnership(slots: LatestSlots): Ownership {
  return {
    what: '-latest slot',
    prefix: slots.latest,
    pattern: new RegExp(`^${escapeRegExp(slots.latest)}(${escapeRegExp(LATEST_ROTATION.nextSuffix)})?$`),
    tag: slots.ownerTag,
  };
}

export const isCurrent = (snapshot: DBClusterSnapshot) => hasOwnerTag(snapshot.TagList, { tag: CURRENT });

/** The snapshot `identifier` as RDS describes it now, or `undefined` when there is none. */
export async function describeSnapshot(rds: RDSClient, identifier: string): Promise<DBClusterSnapshot | undefined> {
  try {
    const { DBClusterSnapshots } = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
    );
    return DBClusterSnapshots?.[0];
  } catch (error) {
    if (error instanceof DBClusterSnapshotNotFoundFault || (error as Error).name === 'DBClusterSnapshotNotFoundFault')
      return undefined;
    throw error;
  }
}

/**
 * Copies `source` into `target`, tagged as the job's. Tags are given, not copied, so a copy of the
 * current slot is not current until {@link markCurrent} says so.
 */
export async function copyInto(
  rds: RDSClient,
  slots: LatestSlots,
  source: DBClusterSnapshot,
  target: string,
): Promise<void> {
  await rds.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: source.DBClusterSnapshotIdentifier,
      TargetDBClusterSnapshotIdentifier: target,
      CopyTags: false,
      Tags: [{ Key: slots.ownerTag.key, Value: slots.ownerTag.value }],
      ...(source.KmsKeyId ? { KmsKeyId: source.KmsKeyId } : {}),
    }),
  );
}

/** Marks `snapshot` as the copy a restore should use; IAM then denies deleting it to every role. */
export async function markCurrent(rds: RDSClient, slots: LatestSlots, snapshot: DBClusterSnapshot): Promise<void> {
  await rds.send(
    new AddTagsToResourceCommand({
      ResourceName: snapshot.DBClusterSnapshotArn,
      // The owner tag is in the request because IAM allows tagging only with it.
      Tags: [
        { Key: slots.ownerTag.key, Value: slots.ownerTag.value },
        { Key: CURRENT.key, Value: CURRENT.value },
      ],
    }),
  );
}

/**
 * Deletes the slot `identifier` once another copy is current: only a slot name, only with the job's
 * tag; the current mark comes off first, as IAM denies deleting a current copy.
 */
export async function retireSlot(rds: RDSClient, slots: LatestSlots, identifier: string): Promise<void> {
  const snapshot = await describeSnapshot(rds, identifier);
  if (!snapshot) return;
  assertOwnedTarget(snapshot.DBClusterSnapshotIdentifier ?? identifier, snapshot.TagList, slotOwnership(slots));
  if (isCurrent(snapshot)) {
    await rds.send(
      new RemoveTagsFromResourceCommand({ ResourceName: snapshot.DBClusterSnapshotArn, TagKeys: [CURRENT.key] }),
    );
  }
  await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier }));
}

/** A copy still being made returns `undefined`; a copy that ended anything but available throws. */
export async function availableCopy(rds: RDSClient, identifier: string): Promise<DBClusterSnapshot | undefined> {
  const copy = await describeSnapshot(rds, identifier);
  if (!copy) throw new RotationError(`copy ${identifier} no longer exists`);
  if (copy.Status === 'creating' || copy.Status === 'copying') return undefined;
  if (copy.Status !== 'available') throw new RotationError(`copy ${identifier} is ${copy.Status}`);
  return copy;
}
