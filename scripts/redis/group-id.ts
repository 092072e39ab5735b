// The rule for a replication group id, apart from the restore's AWS clients so the CLI checks --id before loading them.

/** ElastiCache's rule: 1-40 characters (2 here: a letter, then one more), lower-case letters, digits and single hyphens, no hyphen last. */
const GROUP_ID = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;

/** Why `id` cannot name a replication group, or undefined when it can. */
export function groupIdProblem(id: string): string | undefined {
  return GROUP_ID.test(id)
    ? undefined
    : `replication group id must be 2-40 lower-case letters, digits and single hyphens, starting with a letter, got: ${id}`;
}
