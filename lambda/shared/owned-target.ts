// The one check every job runs before it deletes or overwrites: is the target a name it generates, carrying the tag it set?
import { NOT_OWNED_TARGET_ERROR } from '../../lib/contract';

/** What a job owns: names it generates under one prefix, and the tag it puts on each at creation. */
export interface Ownership {
  /** What the targets are, for messages: `temporary replication group`, `weekly snapshot`. */
  readonly what: string;
  /** Every name the job generates starts with this and continues with at least one character. */
  readonly prefix: string;
  /**
   * Names the job generates fully match this (prefix included); anything else is refused.
   * @default - lowercase letters, digits and hyphens after the prefix
   */
  readonly pattern?: RegExp;
  /** The tag the job sets when it creates a target; a target without it is not the job's. */
  readonly tag: { readonly key: string; readonly value: string };
}

/** A tag as the AWS SDKs return it. */
export interface SdkTag {
  readonly Key?: string | undefined;
  readonly Value?: string | undefined;
}

/**
 * Thrown before any delete or overwrite when the target is not the job's own: a crafted start
 * input, or a state a previous step never returned. The run fails and its alarm pages.
 */
export class NotOwnedTargetError extends Error {
  constructor(
    public readonly target: string,
    public readonly reason: string,
  ) {
    super(`refusing to touch ${target}: ${reason}`);
    this.name = NOT_OWNED_TARGET_ERROR;
  }
}

/** `text` as a literal inside a regular expression. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The names part of an {@link Ownership}, for targets a job owns by name alone (S3 exports). */
export type OwnedNames = Omit<Ownership, 'tag'>;

/** The pattern of `ownership`'s names. */
export function ownedNamePattern(ownership: OwnedNames): RegExp {
  return ownership.pattern ?? new RegExp(`^${escapeRegExp(ownership.prefix)}[a-z0-9][a-z0-9-]*$`);
}

/**
 * Throws {@link NotOwnedTargetError} unless `name` is a string the job could have generated. Pure:
 * callers run it before their first AWS call, so a foreign name reaches no API at all.
 */
export function assertOwnedName(name: unknown, ownership: OwnedNames): asserts name is string {
  if (typeof name !== 'string') {
    throw new NotOwnedTargetError(JSON.stringify(name) ?? String(name), `${ownership.what} must be a name`);
  }
  if (!name.startsWith(ownership.prefix) || !ownedNamePattern(ownership).test(name)) {
    throw new NotOwnedTargetError(name, `not a ${ownership.what} name (${ownership.prefix}...)`);
  }
}

/** Whether `tags` include `ownership`'s tag with its value. */
export function hasOwnerTag(tags: readonly SdkTag[] | undefined, ownership: Pick<Ownership, 'tag'>): boolean {
  return (tags ?? []).some((tag) => tag.Key === ownership.tag.key && tag.Value === ownership.tag.value);
}

/**
 * Throws {@link NotOwnedTargetError} unless `name` is the job's by name and `tags` (as AWS
 * describes the target now) carry the job's tag: a right-looking name alone is not enough.
 */
export function assertOwnedTarget(name: unknown, tags: readonly SdkTag[] | undefined, ownership: Ownership): void {
  assertOwnedName(name, ownership);
  if (!hasOwnerTag(tags, ownership)) {
    throw new NotOwnedTargetError(
      name,
      `${ownership.what} does not carry the tag ${ownership.tag.key}=${ownership.tag.value} the job sets`,
    );
  }
}
