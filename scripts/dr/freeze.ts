// The deploy freeze as the dr CLI reads and sets it: the switch in each region of the stage, and the tag on the deploy roles that makes their guard policy deny.
import { AwsCallError, awsCall, clientConfig, type Sdk } from './aws';
import type { StageNames } from './stage';
import { FREEZE_TAG, freezeParameters, parseFreezeState, type FreezeState } from '../../lib/contract/deploy-freeze';

/** One region's switch as read. */
export interface SwitchReading {
  readonly region: string;
  /** `missing`: the Alerting stack is not deployed there yet; `unreadable`: the read failed or the value is not a freeze state. */
  readonly status: 'on' | 'off' | 'missing' | 'unreadable';
  readonly state?: FreezeState;
  /** The IAM identity that last wrote the parameter, as SSM records it: what the writer cannot choose. */
  readonly lastModifiedUser?: string;
  readonly problem?: string;
}

export interface FreezeDeps {
  readonly sdk: Sdk;
  readonly names: StageNames;
}

const isNotFound = (error: unknown) => error instanceof Error && error.name === 'ParameterNotFound';

/** Reads the switch of `region`; never throws: a failed read is `unreadable`, which refuses a deploy. */
export async function readSwitch(deps: FreezeDeps, region: string): Promise<SwitchReading> {
  const { SSMClient, GetParameterCommand, DescribeParametersCommand } = await deps.sdk.ssm();
  const name = freezeParameters(deps.names.stage).freeze;
  const client = new SSMClient(clientConfig(region, true));
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name }));
    const parsed = parseFreezeState(Parameter?.Value ?? '');
    if ('problem' in parsed)
      return { region, status: 'unreadable', problem: `${name} in ${region}: ${parsed.problem}` };
    let lastModifiedUser: string | undefined;
    try {
      const described = await client.send(
        new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }),
      );
      lastModifiedUser = described.Parameters?.[0]?.LastModifiedUser;
    } catch {
      // Who last wrote it is extra evidence; the switch's value alone decides.
    }
    return { region, status: parsed.state, state: parsed, ...(lastModifiedUser ? { lastModifiedUser } : {}) };
  } catch (error) {
    if (isNotFound(error)) return { region, status: 'missing' };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { region, status: 'unreadable', problem: `ssm:GetParameter ${name} in ${region} failed (${reason})` };
  } finally {
    client.destroy();
  }
}

/** One line about a region's switch, for people: who set it, when and why. */
export function describeReading(reading: SwitchReading): string {
  switch (reading.status) {
    case 'missing':
      return `${reading.region}: no freeze switch (the Alerting stack is not deployed there yet)`;
    case 'unreadable':
      return `${reading.region}: UNREADABLE: ${reading.problem ?? 'unknown'}`;
    default: {
      const state = reading.state!;
      const writer = reading.lastModifiedUser ? `; SSM last modified by ${reading.lastModifiedUser}` : '';
      return `${reading.region}: ${state.state.toUpperCase()} since ${state.at}, set by ${state.by}${writer}: ${state.reason}`;
    }
  }
}

/** Whether a deploy may go on, from the readings: any region on or unreadable refuses. */
export function deployVerdict(readings: readonly SwitchReading[]): { allowed: boolean; why: string } {
  const on = readings.filter((reading) => reading.status === 'on');
  const unreadable = readings.filter((reading) => reading.status === 'unreadable');
  if (on.length > 0) {
    return { allowed: false, why: `the deploy freeze is on: ${on.map(describeReading).join('; ')}` };
  }
  if (unreadable.length > 0) {
    return {
      allowed: false,
      why: `the deploy freeze could not be read, so the deploy is refused: ${unreadable.map(describeReading).join('; ')}`,
    };
  }
  return { allowed: true, why: readings.map(describeReading).join('; ') };
}

/** The deploy roles the stage's switch lists, read from the first region that answers. */
export async function guardedRoles(deps: FreezeDeps): Promise<string[]> {
  const { SSMClient, GetParameterCommand } = await deps.sdk.ssm();
  const name = freezeParameters(deps.names.stage).guardedRoles;
  const problems: string[] = [];
  for (const region of [deps.names.primary, deps.names.secondary]) {
    const client = new SSMClient(clientConfig(region, true));
    try {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: name }));
      const roles = (Parameter?.Value ?? '').split(',').filter(Boolean);
      if (roles.length > 0) return roles;
      problems.push(`${region}: empty`);
    } catch (error) {
      problems.push(`${region}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    } finally {
      client.destroy();
    }
  }
  throw new AwsCallError(
    `ssm:GetParameter ${name}`,
    `${deps.names.primary} and ${deps.names.secondary}`,
    new Error(problems.join('; ')),
    'deploy the Alerting stacks (step 1), which list the deploy roles the freeze tags',
  );
}

/** What `dr freeze on|off` did, region by region and role by role. */
export interface FreezeChange {
  readonly state: FreezeState;
  readonly regions: readonly { region: string; written: boolean; problem?: string }[];
  readonly roles: readonly { role: string; tagged: boolean; problem?: string }[];
}

/**
 * Writes the switch in both regions, then tags (on) or untags (off) every guarded role. A region or a
 * role that fails does not stop the others: a freeze must hold wherever it can; the result names
 * each failure and the command exits 1.
 */
export async function setFreeze(deps: FreezeDeps, state: FreezeState, roles: readonly string[]): Promise<FreezeChange> {
  const { SSMClient, PutParameterCommand } = await deps.sdk.ssm();
  const name = freezeParameters(deps.names.stage).freeze;
  const regions: FreezeChange['regions'][number][] = [];
  for (const region of [deps.names.primary, deps.names.secondary]) {
    const client = new SSMClient(clientConfig(region));
    try {
      await awsCall(`ssm:PutParameter ${name}`, region, 'retry; the other region was still written', () =>
        client.send(
          new PutParameterCommand({ Name: name, Value: JSON.stringify(state), Type: 'String', Overwrite: true }),
        ),
      );
      regions.push({ region, written: true });
    } catch (error) {
      regions.push({ region, written: false, problem: (error as Error).message });
    } finally {
      client.destroy();
    }
  }
  // IAM's own SDK client, loaded here: the Sdk interface of aws.ts is built whole by other tests.
  const { IAMClient, TagRoleCommand, UntagRoleCommand } = await import('@aws-sdk/client-iam');
  // IAM is global; its endpoint answers in us-east-1.
  const iam = new IAMClient(clientConfig(deps.names.primary));
  const results: FreezeChange['roles'][number][] = [];
  try {
    for (const role of roles) {
      try {
        if (state.state === 'on') {
          await awsCall(`iam:TagRole ${role}`, 'IAM', 'the switch is written; tag the role by hand (runbook)', () =>
            iam.send(new TagRoleCommand({ RoleName: role, Tags: [{ Key: FREEZE_TAG.key, Value: FREEZE_TAG.value }] })),
          );
        } else {
          await awsCall(`iam:UntagRole ${role}`, 'IAM', 'the switch is written; untag the role by hand (runbook)', () =>
            iam.send(new UntagRoleCommand({ RoleName: role, TagKeys: [FREEZE_TAG.key] })),
          );
        }
        results.push({ role, tagged: state.state === 'on' });
      } catch (error) {
        results.push({ role, tagged: state.state !== 'on', problem: (error as Error).message });
      }
    }
  } finally {
    iam.destroy();
  }
  return { state, regions, roles: results };
}

/** Whether each role carries the freeze tag now, for `dr freeze status`. */
export async function roleTags(
  deps: FreezeDeps,
  roles: readonly string[],
): Promise<{ role: string; frozen?: boolean; problem?: string }[]> {
  const { IAMClient, ListRoleTagsCommand } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient(clientConfig(deps.names.primary, true));
  try {
    return await Promise.all(
      roles.map(async (role) => {
        try {
          const { Tags } = await iam.send(new ListRoleTagsCommand({ RoleName: role }));
          return {
            role,
            frozen: (Tags ?? []).some((tag) => tag.Key === FREEZE_TAG.key && tag.Value === FREEZE_TAG.value),
          };
        } catch (error) {
          return {
            role,
            problem: `iam:ListRoleTags ${role} failed (${error instanceof Error ? error.name : String(error)})`,
          };
        }
      }),
    );
  } finally {
    iam.destroy();
  }
}
