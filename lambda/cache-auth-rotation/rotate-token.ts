// The four steps of a Secrets Manager rotation of the cache AUTH token, run against every Global Datastore member without a moment when clients holding AWSCURRENT are refused.
import {
  DescribeReplicationGroupsCommand,
  ModifyReplicationGroupCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomInt } from 'node:crypto';
import { CACHE_AUTH_TOKEN_SHAPE, type CacheMember } from '../../lib/contract/secret-rotation';

/** The steps Secrets Manager invokes, in order, each in its own invocation. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The invocation Secrets Manager sends. */
export interface RotationEvent {
  readonly step: RotationStep;
  readonly secretId: string;
  /** The ClientRequestToken: id of the version being rotated in. */
  readonly token: string;
}

/** An event that is not a rotation step; refused before any call. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/** The secret or a member is not in the state the step needs; Secrets Manager records the rotation as failed. */
export class RotationStateError extends Error {
  override readonly name = 'RotationStateError';
}

/** A member failed after others were changed: names it and what was done before it. */
export class MemberFailedError extends Error {
  override readonly name = 'MemberFailedError';
  constructor(
    readonly member: string,
    readonly done: readonly string[],
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${member} failed (${reason}) after: ${done.length > 0 ? done.join('; ') : 'nothing'}`);
  }
}

/** What the step needs: clients, the members in order, and how long it may wait. */
export interface RotationDeps {
  readonly secrets: SecretsManagerClient;
  /** The ElastiCache client of a member's region. */
  readonly cache: (region: string) => ElastiCacheClient;
  readonly members: readonly CacheMember[];
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs: number;
  /** Milliseconds the invocation has left; a wait gives up with a margin so the failure is logged. */
  readonly remainingMs: () => number;
}

/** What a step did, member by member. */
export interface StepResult {
  readonly step: RotationStep;
  readonly secretId: string;
  readonly token: string;
  readonly actions: readonly string[];
}

/** A wait stops this long before the invocation would time out. */
const WAIT_MARGIN_MS = 10_000;

export function parseRotationEvent(event: unknown): RotationEvent {
  const record = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const { Step, SecretId, ClientRequestToken } = record;
  if (typeof Step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(Step)) {
    throw new MalformedEventError(`Step must be one of ${ROTATION_STEPS.join(', ')}, got: ${JSON.stringify(Step)}`);
  }
  if (typeof SecretId !== 'string' || SecretId === '') {
    throw new MalformedEventError(`SecretId must be a secret's name or ARN, got: ${JSON.stringify(SecretId)}`);
  }
  if (typeof ClientRequestToken !== 'string' || !/^[\w-]{32,64}$/.test(ClientRequestToken)) {
    throw new MalformedEventError(
      `ClientRequestToken must be a version id, got: ${JSON.stringify(ClientRequestToken)}`,
    );
  }
  return { step: Step as RotationStep, secretId: SecretId, token: ClientRequestToken };
}

const label = (member: CacheMember) => `${member.region}:${member.replicationGroupId}`;

/**
 * Runs one step. The rotation as a whole, per member in order (primary first):
 * - createSecret: when the secret was rotated before (it has an AWSPREVIOUS version), SET the current
 *   token, which drops the one before it; clients stopped using that one a whole rotation period ago.
 *   Then the new token is generated as AWSPENDING.
 * - setSecret: ROTATE in the pending token: each member accepts the current and the pending token.
 *   Each member done is recorded as a staging label on the pending version ({@link memberLabel}), so
 *   a rerun of the step never sends the same member a second ROTATE, which would push out the token
 *   clients still use. Timestamps cannot tell: the createSecret SET and the ROTATE both follow the
 *   version's creation, and Secrets Manager and ElastiCache keep separate clocks.
 * - testSecret: each member carries its label and is available with no token change pending.
 * - finishSecret: AWSCURRENT moves to the pending version; clients pick it up on their next read,
 *   while the old token still works.
 * The SET is not in setSecret: there it would refuse every client that connects with AWSCURRENT
 * until finishSecret moves the label. Nor does it follow ROTATE in the same step for the same
 * reason; `dr secrets reset` drops a compromised token at once by running a second rotation once
 * the clients have read the first one's token.
 */
export async function run(deps: RotationDeps, event: RotationEvent): Promise<StepResult> {
  const described = await deps.secrets.send(new DescribeSecretCommand({ SecretId: event.secretId }));
  const stages = described.VersionIdsToStages ?? {};
  const tokenStages = stages[event.token];
  const result = (actions: string[]): StepResult => ({ ...event, actions });
  if (tokenStages?.includes('AWSCURRENT')) return result([`version ${event.token} is already AWSCURRENT`]);
  // Secrets Manager labels the new version AWSPENDING before createSecret; a rerun of createSecret
  // after a lost invocation may find it without a value.
  if (event.step !== 'createSecret' && !tokenStages?.includes('AWSPENDING')) {
    throw new RotationStateError(
      `version ${event.token} of ${event.secretId} is not AWSPENDING; no rotation of it is under way`,
    );
  }
  const hasPrevious = Object.values(stages).some((labels) => labels.includes('AWSPREVIOUS'));
  switch (event.step) {
    case 'createSecret':
      return result(await createSecret(deps, event, hasPrevious));
    case 'setSecret':
      return result(await setSecret(deps, event, stages));
    case 'testSecret':
      return result(await testSecret(deps, event, tokenStages ?? []));
    case 'finishSecret':
      return result(await finishSecret(deps, event, stages));
  }
}

async function createSecret(deps: RotationDeps, event: RotationEvent, hasPrevious: boolean): Promise<string[]> {
  const current = await deps.secrets.send(
    new GetSecretValueCommand({ SecretId: event.secretId, VersionStage: 'AWSCURRENT' }),
  );
  if (!current.SecretString) throw new RotationStateError(`${event.secretId} has no current token to keep`);
  const pending = await pendingValue(deps, event);
  if (pending?.SecretString) return [`pending token of version ${event.token} exists`];
  const actions: string[] = [];
  if (hasPrevious) {
    await eachMember(deps, actions, async (member) => {
      await modify(deps, member, current.SecretString!, 'SET');
      return `${label(member)}: SET the current token (the previous one dropped)`;
    });
  }
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: event.secretId,
      ClientRequestToken: event.token,
      SecretString: newToken(),
      VersionStages: ['AWSPENDING'],
    }),
  );
  actions.push(`pending token of version ${event.token} created`);
  return actions;
}

async function setSecret(
  deps: RotationDeps,
  event: RotationEvent,
  stages: Record<string, string[]>,
): Promise<string[]> {
  const pending = await pendingValue(deps, event);
  if (!pending?.SecretString) throw new RotationStateError(`version ${event.token} of ${event.secretId} has no token`);
  const actions: string[] = [];
  await eachMember(deps, actions, async (member, index) => {
    const marker = memberLabel(index);
    if (stages[event.token]?.includes(marker)) return `${label(member)}: accepts the pending token already`;
    await modify(deps, member, pending.SecretString!, 'ROTATE');
    const holder = Object.entries(stages).find(([, labels]) => labels.includes(marker))?.[0];
    await deps.secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: event.secretId,
        VersionStage: marker,
        MoveToVersionId: event.token,
        ...(holder ? { RemoveFromVersionId: holder } : {}),
      }),
    );
    return `${label(member)}: ROTATE (current and pending tokens accepted)`;
  });
  return actions;
}

async function testSecret(deps: RotationDeps, event: RotationEvent, tokenStages: readonly string[]): Promise<string[]> {
  const pending = await pendingValue(deps, event);
  if (!pending?.SecretString) throw new RotationStateError(`version ${event.token} of ${event.secretId} has no token`);
  const actions: string[] = [];
  await eachMember(deps, actions, async (member, index) => {
    if (!tokenStages.includes(memberLabel(index))) {
      throw new RotationStateError(`${label(member)} has not taken the pending token: setSecret did not record it`);
    }
    const group = await describe(deps, member);
    if (group.Status !== 'available' || group.PendingModifiedValues?.AuthTokenStatus !== undefined) {
      throw new RotationStateError(
        `${label(member)} is ${group.Status}${group.PendingModifiedValues?.AuthTokenStatus ? ` with its token ${group.PendingModifiedValues.AuthTokenStatus}` : ''}, not available`,
      );
    }
    return `${label(member)}: available, accepting the pending token`;
  });
  return actions;
}

async function finishSecret(
  deps: RotationDeps,
  event: RotationEvent,
  stages: Record<string, string[]>,
): Promise<string[]> {
  const current = Object.entries(stages).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: event.secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: event.token,
      ...(current ? { RemoveFromVersionId: current } : {}),
    }),
  );
  return [`AWSCURRENT moved to ${event.token}${current ? ` from ${current}` : ''}`];
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new token from the platform's CSPRNG rather than GetRandomPassword: the same letters and digits,
 * and the function needs no `secretsmanager:GetRandomPassword`, which IAM grants only on `*`.
 */
export function newToken(): string {
  return Array.from(
    { length: CACHE_AUTH_TOKEN_SHAPE.length },
    () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)],
  ).join('');
}

/** The pending version's value, or undefined while it has none. */
async function pendingValue(deps: RotationDeps, event: RotationEvent) {
  try {
    return await deps.secrets.send(
      new GetSecretValueCommand({ SecretId: event.secretId, VersionId: event.token, VersionStage: 'AWSPENDING' }),
    );
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * The staging label setSecret puts on the pending version once member `index` (0: the primary's
 * group) took the pending token by ROTATE.
 */
export function memberLabel(index: number): string {
  return `DR-CACHE-MEMBER-${index + 1}-ROTATED`;
}

/** Each member in order; the first failure stops the rest and names what was done before it. */
async function eachMember(
  deps: RotationDeps,
  actions: string[],
  act: (member: CacheMember, index: number) => Promise<string>,
): Promise<void> {
  for (const [index, member] of deps.members.entries()) {
    try {
      actions.push(await act(member, index));
    } catch (error) {
      if (deps.members.length > 1) throw new MemberFailedError(label(member), actions, error);
      throw error;
    }
  }
}

async function describe(deps: RotationDeps, member: CacheMember): Promise<ReplicationGroup> {
  const { ReplicationGroups } = await deps
    .cache(member.region)
    .send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: member.replicationGroupId }));
  const group = ReplicationGroups?.[0];
  if (!group) throw new RotationStateError(`${label(member)} was not found`);
  return group;
}

/** Waits for the member to be available, changes its token, and waits until the change is applied. */
async function modify(
  deps: RotationDeps,
  member: CacheMember,
  token: string,
  strategy: 'ROTATE' | 'SET',
): Promise<void> {
  await untilSettled(deps, member);
  await deps.cache(member.region).send(
    new ModifyReplicationGroupCommand({
      ReplicationGroupId: member.replicationGroupId,
      AuthToken: token,
      AuthTokenUpdateStrategy: strategy,
      ApplyImmediately: true,
    }),
  );
  await untilSettled(deps, member);
}

async function untilSettled(deps: RotationDeps, member: CacheMember): Promise<void> {
  for (;;) {
    const group = await describe(deps, member);
    if (group.Status === 'available' && group.PendingModifiedValues?.AuthTokenStatus === undefined) return;
    if (deps.remainingMs() < WAIT_MARGIN_MS + deps.pollMs) {
      throw new RotationStateError(
        `${label(member)} is still ${group.Status}; the step gives up before the invocation times out (Secrets Manager retries the rotation)`,
      );
    }
    await deps.sleep(deps.pollMs);
  }
}
