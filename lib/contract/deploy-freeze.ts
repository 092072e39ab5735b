// The deploy freeze as the stacks, the dr CLI, the deploy workflow and the repository mirror agree on it: parameter names, the switch's value, the role tag.
import { parameterName, RESOURCE_PREFIX } from './names';

/** The SSM parameters of the freeze and of the repository mirrors, one of each per region. */
export function freezeParameters(stage: string) {
  return {
    /** The switch: JSON {@link FreezeState}, written in both regions by `dr freeze on|off`. */
    freeze: parameterName(stage, 'deploy', 'freeze'),
    /** StringList of the deploy roles the freeze tags (config `pipeline.deployRoleNames`). */
    guardedRoles: parameterName(stage, 'deploy', 'freeze-guarded-roles'),
    /** Name of the region's repository mirror bucket, which `dr repo verify` reads. */
    repoMirrorBucket: parameterName(stage, 'repository', 'mirror-bucket'),
  } as const;
}

/**
 * The principal tag `dr freeze on` puts on each guarded deploy role, and the deny policy attached to
 * those roles tests: while a role carries it, the role can do nothing but read the switch.
 */
export const FREEZE_TAG = { key: `${RESOURCE_PREFIX}-deploy-freeze`, value: 'on' } as const;

/** The actions a frozen deploy role keeps: reading the switch (the workflow's refusal names who and why) and who it is. */
export const FREEZE_ALLOWED_ACTIONS = ['ssm:GetParameter', 'ssm:DescribeParameters', 'sts:GetCallerIdentity'] as const;

/** Longest freeze reason: it travels in a parameter value, a page and a workflow log line. */
export const FREEZE_REASON_MAX = 200;

/** What the switch holds. */
export interface FreezeState {
  readonly state: 'on' | 'off';
  /** Why it was set, as the operator wrote it. */
  readonly reason: string;
  /** Who set it: the operator's login as the CLI saw it (SSM's LastModifiedUser says which IAM identity). */
  readonly by: string;
  /** When, ISO 8601. */
  readonly at: string;
}

/** The value the stacks create the switch with: off, set by the deploy itself. */
export const FREEZE_INITIAL: FreezeState = {
  state: 'off',
  reason: 'created by the deploy',
  by: 'cloudformation',
  at: '1970-01-01T00:00:00.000Z',
};

/** Parses a switch's value; anything else than a {@link FreezeState} is a problem, never "off". */
export function parseFreezeState(text: string): FreezeState | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `not JSON: '${text.slice(0, 80)}'` };
  }
  const candidate = value as Partial<Record<keyof FreezeState, unknown>> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    (candidate.state !== 'on' && candidate.state !== 'off') ||
    typeof candidate.reason !== 'string' ||
    typeof candidate.by !== 'string' ||
    typeof candidate.at !== 'string'
  ) {
    return { problem: `not a freeze state {state: on|off, reason, by, at}: '${text.slice(0, 80)}'` };
  }
  return { state: candidate.state, reason: candidate.reason, by: candidate.by, at: candidate.at };
}
