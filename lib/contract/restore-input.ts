// The input of the restore state machines (lib/constructs/restore), which the dr CLI sends and checks before it starts a run.
import { RESOURCE_PREFIX } from './names';

/**
 * Value of the application endpoint parameters until a switch: the pods use what their environment
 * says (the global writer endpoint, the stack's cache group).
 */
export const APPLICATION_ENDPOINT_DEFAULT = 'default';

/** What the database restore starts from: a snapshot of the region, or the stack's cluster at a time. */
export type DatabaseRestoreSource = 'snapshot' | 'pointInTime';

/** Input of the database restore state machine. */
export interface DatabaseRestoreInput {
  readonly source: DatabaseRestoreSource;
  /** With `snapshot`: a cluster snapshot of this region (the plan's `-latest` as its record names it). */
  readonly snapshotIdentifier?: string;
  /** With `pointInTime`: an ISO 8601 UTC time within the stack's cluster's backup retention. */
  readonly restoreToTime?: string;
  /** The new cluster; its instance is `<clusterIdentifier>-1`. */
  readonly clusterIdentifier: string;
  /** Write the new cluster's endpoint into the database endpoint parameter once it is available. */
  readonly switchEndpoint: boolean;
  readonly operator: string;
}

/** Input of the cache restore state machine: a group the CLI created from an S3 export, to wait for and switch to. */
export interface CacheRestoreInput {
  readonly replicationGroupId: string;
  /** The export it was seeded from (`s3://bucket/key`), for the record. */
  readonly backup: string;
  readonly switchEndpoint: boolean;
  readonly operator: string;
}

/** RDS: 1-63 letters, digits and single hyphens, a letter first, no hyphen last. */
const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;
/** ElastiCache: the same rule, up to 40 characters. */
const GROUP_ID = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Why `id` cannot name an Aurora cluster, or undefined. */
export function clusterIdProblem(id: string): string | undefined {
  return CLUSTER_ID.test(id)
    ? undefined
    : `cluster identifier must be 2-63 lower-case letters, digits and single hyphens, starting with a letter, got: ${id}`;
}

/** Why `id` cannot name a replication group, or undefined. */
export function groupIdProblem(id: string): string | undefined {
  return GROUP_ID.test(id)
    ? undefined
    : `replication group id must be 2-40 lower-case letters, digits and single hyphens, starting with a letter, got: ${id}`;
}

/** Why `text` is not a restore time (ISO 8601 UTC, in the past), or undefined. */
export function restoreTimeProblem(text: string, now: Date): string | undefined {
  if (!ISO_UTC.test(text) || Number.isNaN(Date.parse(text))) {
    return `--to-time must be an ISO 8601 UTC time such as 2026-11-26T13:05:00Z, got: ${text}`;
  }
  if (Date.parse(text) >= now.getTime()) return `--to-time ${text} is not in the past`;
  return undefined;
}

/** What every restored cluster or group made from `base` is named before its time stamp; IAM grants are limited to it. */
export function restoredNamePrefix(base: string): string {
  return `${base}-r`;
}

/** A restored group's base: the stack group's id with `atf` for the service prefix, so the name stays within 40 characters. */
export function restoredGroupBase(replicationGroupId: string): string {
  return replicationGroupId.replace(new RegExp(`^${RESOURCE_PREFIX}-`), 'atf-');
}

/** How a restored group's description starts, before its backup's `s3://` URL: `dr restore cache --group` reads the backup back from it. */
// A template literal: test/naming.test.ts reads every `from '…'` of this module as an import.
export const RESTORED_GROUP_DESCRIPTION = `restored from `;

/** `<base>-r<yyyyMMddHHmm>`: the default name of a restored cluster or group. */
export function restoredName(base: string, now: Date): string {
  return `${restoredNamePrefix(base)}${now.toISOString().replace(/[-:T]/g, '').slice(0, 12)}`;
}

/** Everything wrong with a database restore input (empty when it can be sent). */
export function databaseRestoreInputProblems(input: DatabaseRestoreInput, now: Date): string[] {
  const problems: string[] = [];
  const id = clusterIdProblem(input.clusterIdentifier);
  if (id) problems.push(id);
  if (input.source === 'snapshot' && !input.snapshotIdentifier) problems.push('a snapshot restore needs a snapshot');
  if (input.source === 'pointInTime') {
    const time =
      input.restoreToTime === undefined
        ? 'a point-in-time restore needs --to-time'
        : restoreTimeProblem(input.restoreToTime, now);
    if (time) problems.push(time);
  }
  return problems;
}
