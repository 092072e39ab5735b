// What the cache AUTH token's rotation function, its construct, the dr CLI and the drill agree on: members, token shape, metrics and tags.
import type { FunctionContract } from './functions';

/**
 * One Global Datastore member (or a standalone group) whose AUTH token follows the secret. The
 * members are rotated in the order given: the primary's group first, then the secondary's.
 */
export interface CacheMember {
  readonly region: string;
  readonly replicationGroupId: string;
}

/** Environment of the rotation function. */
export const CACHE_AUTH_ROTATION_ENV = {
  /** The members, `region:groupId` joined by commas, primary first ({@link formatCacheMembers}). */
  members: 'CACHE_MEMBERS',
} as const;

export const CACHE_AUTH_ROTATOR: FunctionContract<
  (typeof CACHE_AUTH_ROTATION_ENV)[keyof typeof CACHE_AUTH_ROTATION_ENV]
> = {
  entry: 'lambda/cache-auth-rotation/handler.ts',
  service: 'cache-auth-rotation',
  environment: Object.values(CACHE_AUTH_ROTATION_ENV),
};

/**
 * A new AUTH token: 64 letters and digits, as the token the stack generates at deploy (Valkey forbids
 * `@`, `"` and `/`; letters and digits survive every client's URL parsing).
 */
export const CACHE_AUTH_TOKEN_SHAPE = { length: 64, excludePunctuation: true } as const;

/** Metrics of the rotation function: one datapoint per step it ran or failed. */
export const CACHE_AUTH_ROTATION_METRIC = {
  /** 1 per rotation step that completed. */
  stepsCompleted: 'cache_auth_rotation_steps',
  /** 1 per rotation step that failed; the function rethrows, and Secrets Manager records the failed rotation. */
  failures: 'cache_auth_rotation_failures',
} as const;

const MEMBER = /^([a-z]{2}(?:-[a-z]+)+-\d):([a-z][a-z0-9-]{0,39})$/;

/** `us-east-1:group-a,us-west-2:group-b`. */
export function formatCacheMembers(members: readonly CacheMember[]): string {
  return members.map((member) => `${member.region}:${member.replicationGroupId}`).join(',');
}

/** The members of {@link formatCacheMembers}' text; throws naming the bad entry. */
export function parseCacheMembers(text: string): CacheMember[] {
  const members = text.split(',').map((entry) => {
    const match = MEMBER.exec(entry.trim());
    if (!match)
      throw new Error(`${CACHE_AUTH_ROTATION_ENV.members} entry '${entry}' is not <region>:<replication group id>`);
    return { region: match[1]!, replicationGroupId: match[2]! };
  });
  if (members.length === 0) throw new Error(`${CACHE_AUTH_ROTATION_ENV.members} names no replication group`);
  return members;
}
