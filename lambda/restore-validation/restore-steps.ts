// The Aurora restore validation as resumable steps: check the restored cluster, add a tagged instance, read the sentinel back, delete the instance, report.
import {
  DescribeRestoreJobCommand,
  PutRestoreValidationResultCommand,
  RestoreValidationStatus,
} from '@aws-sdk/client-backup';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  EnableHttpEndpointCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { compareRestored, countRows, readSentinel } from '../aurora-sentinel/sentinel-row';
import { nameStamp } from '../shared/exports';
import { NotOwnedTargetError, assertOwnedName, assertOwnedTarget, type Ownership } from '../shared/owned-target';
import {
  clusterProblem,
  describeCluster,
  type RestoreJobEvent,
  type RestoreValidationDeps,
  type RestoreValidationSettings,
} from './validate-restore';

/** What a finished validation found, reported to AWS Backup and carried into the metrics. */
export interface RestoreVerdict {
  readonly passed: boolean;
  readonly detail: string;
  readonly restoreSeconds?: number;
  /** What was compared between the restored copy and its source, each with its result. */
  readonly compared?: readonly string[];
}

/** The restored cluster and the temporary instance the validation adds to it. */
export interface Validating {
  readonly restoreJobId: string;
  readonly clusterId: string;
  readonly clusterArn: string;
  readonly instanceId: string;
  /** When the validation started adding the instance: bounds the warm-up. */
  readonly startedAt: string;
  readonly restoreSeconds: number;
  /** When the restored recovery point was made: the sentinel must be from just before it. */
  readonly recoveryPointAt: string;
  /** Reads already tried: the Data API can refuse for a moment after it is enabled. */
  readonly reads?: number;
}

export type ValidationState =
  | ({ readonly phase: 'start' } & RestoreJobEvent)
  | (Validating & { readonly phase: 'preparing' })
  | (Validating & { readonly phase: 'warming' })
  | (Validating & { readonly phase: 'reading' })
  | (Partial<Validating> & {
      readonly phase: 'cleaning';
      readonly restoreJobId: string;
      readonly verdict: RestoreVerdict;
    })
  | (Partial<Validating> & {
      readonly phase: 'reporting';
      readonly restoreJobId: string;
      readonly verdict: RestoreVerdict;
    })
  | {
      readonly phase: 'done';
      readonly restoreJobId: string;
      /** Absent for a job that is not a finished Aurora restore: nothing to judge, nothing recorded. */
      readonly verdict?: RestoreVerdict;
      readonly skipped?: string;
    };

/** Longest wait for the temporary instance; past it the test fails and the instance is deleted. */
export const WARM_UP_LIMIT_SECONDS = 3600;
/** Reads tried before a Data API refusal fails the test. */
export const READ_ATTEMPTS = 3;

/** The temporary instances of this test: its prefix and its tag; no other instance is ever deleted. */
export function temporaryInstances(settings: RestoreValidationSettings): Ownership {
  return { what: 'temporary restore-test instance', prefix: settings.instancePrefix, tag: settings.tag };
}

/** Refuses a cluster of the stage itself: a crafted job id or event never reaches production. */
function assertNotProtected(settings: RestoreValidationSettings, clusterId: string): void {
  if (settings.protectedClusters.includes(clusterId)) {
    throw new NotOwnedTargetError(clusterId, 'a cluster of the stage itself, not one AWS Backup restored for a test');
  }
}

async function start(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  event: RestoreJobEvent,
): Promise<ValidationState> {
  const { restoreJobId } = event;
  if (event.status === 'FAILED' || event.status === 'ABORTED') {
    return {
      phase: 'done',
      restoreJobId,
      verdict: { passed: false, detail: `restore job ${event.status.toLowerCase()}` },
    };
  }
  if (event.status !== 'COMPLETED') return { phase: 'done', restoreJobId, skipped: `status ${event.status}` };
  if (event.resourceType && event.resourceType !== 'Aurora') {
    return { phase: 'done', restoreJobId, skipped: `resource type ${event.resourceType}` };
  }
  const job = await deps.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  const restoreSeconds =
    job.CreationDate && job.CompletionDate
      ? Math.round((job.CompletionDate.getTime() - job.CreationDate.getTime()) / 1000)
      : undefined;
  const clusterArn = job.CreatedResourceArn;
  const clusterId = clusterArn?.split(':cluster:')[1];
  if (clusterId) assertNotProtected(settings, clusterId);
  let problem = clusterArn ? await clusterProblem(deps, settings, clusterArn) : 'the job names no restored resource';
  if (!problem && restoreSeconds === undefined) problem = 'the job reports no duration';
  if (!problem && restoreSeconds !== undefined && restoreSeconds > settings.maxRestoreSeconds) {
    problem = `restore took ${restoreSeconds} s, allowed ${settings.maxRestoreSeconds} s`;
  }
  if (!problem && !job.RecoveryPointCreationDate)
    problem = 'the job names no recovery point time to hold the sentinel to';
  if (problem || !clusterArn || !clusterId || restoreSeconds === undefined || !job.RecoveryPointCreationDate) {
    // Nothing was created: the verdict goes straight to AWS Backup.
    return {
      phase: 'reporting',
      restoreJobId,
      verdict: {
        passed: false,
        detail: problem ?? 'unreachable',
        ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
      },
    };
  }
  // The restored cluster keeps the master password of the snapshot, which rotation may have
  // changed since. RDS sets a new one in a secret it manages for this cluster alone, and deletes
  // that secret with the cluster: no production credential is read, and none is left behind.
  await deps.rds.send(
    new ModifyDBClusterCommand({
      DBClusterIdentifier: clusterId,
      ManageMasterUserPassword: true,
      ApplyImmediately: true,
    }),
  );
  const now = deps.now();
  return {
    phase: 'preparing',
    restoreJobId,
    clusterId,
    clusterArn,
    instanceId: `${settings.instancePrefix}${nameStamp(now).toLowerCase()}`,
    startedAt: now.toISOString(),
    restoreSeconds,
    recoveryPointAt: job.RecoveryPointCreationDate.toISOString(),
  };
}

async function describeInstance(rds: RDSClient, instanceId: string): Promise<DBInstance | undefined> {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
    return DBInstances?.find((instance) => instance.DBInstanceIdentifier === instanceId);
  } catch (error) {
    if ((error as Error).name === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}

const elapsed = (deps: RestoreValidationDeps, since: string) =>
  Math.round((deps.now().getTime() - Date.parse(since)) / 1000);

/** A failed verdict for a state that then goes to cleanup. */
function failing(state: Validating, detail: string): ValidationState {
  return { ...state, phase: 'cleaning', verdict: { passed: false, detail, restoreSeconds: state.restoreSeconds } };
}

async function prepare(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  state: Extract<ValidationState, { phase: 'preparing' }>,
): Promise<ValidationState> {
  const cluster = await describeCluster(deps.rds, state.clusterId);
  if (!cluster) return failing(state, `restored cluster ${state.clusterId} disappeared`);
  // The new password is set while the cluster is `resetting-master-credentials`; an instance waits for it.
  if (cluster.Status !== 'available' || cluster.MasterUserSecret?.SecretStatus !== 'active') {
    return elapsed(deps, state.startedAt) > WARM_UP_LIMIT_SECONDS
      ? failing(state, `restored cluster still ${cluster.Status ?? 'in no state'} after ${WARM_UP_LIMIT_SECONDS} s`)
      : state;
  }
  try {
    await deps.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: state.instanceId,
        DBClusterIdentifier: state.clusterId,
        DBInstanceClass: `db.${settings.instanceClass}`,
        Engine: 'aurora-postgresql',
        PubliclyAccessible: false,
        Tags: [{ Key: settings.tag.key, Value: settings.tag.value }],
      }),
    );
  } catch (error) {
    // A step retried after a timeout finds its own instance there already.
    if ((error as Error).name !== 'DBInstanceAlreadyExistsFault') throw error;
  }
  return { ...state, phase: 'warming' };
}

async function warm(
  deps: RestoreValidationDeps,
  state: Extract<ValidationState, { phase: 'warming' }>,
): Promise<ValidationState> {
  const instance = await describeInstance(deps.rds, state.instanceId);
  if (!instance) return failing(state, `temporary instance ${state.instanceId} disappeared`);
  if (instance.DBInstanceStatus !== 'available') {
    if (/^(failed|incompatible|inaccessible|storage-full)/.test(instance.DBInstanceStatus ?? '')) {
      return failing(state, `temporary instance ${state.instanceId} is ${instance.DBInstanceStatus}`);
    }
    return elapsed(deps, state.startedAt) > WARM_UP_LIMIT_SECONDS
      ? failing(state, `temporary instance not available after ${WARM_UP_LIMIT_SECONDS} s`)
      : state;
  }
  const cluster = await describeCluster(deps.rds, state.clusterId);
  if (!cluster?.HttpEndpointEnabled) {
    await deps.rds.send(new EnableHttpEndpointCommand({ ResourceArn: state.clusterArn }));
  }
  return { ...state, phase: 'reading' };
}

async function read(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  state: Extract<ValidationState, { phase: 'reading' }>,
): Promise<ValidationState> {
  const cluster = await describeCluster(deps.rds, state.clusterId);
  const secretArn = cluster?.MasterUserSecret?.SecretArn;
  if (!secretArn)
    return failing(state, `restored cluster ${state.clusterId} has no managed master secret to read with`);
  const target = { resourceArn: state.clusterArn, secretArn, database: settings.database };
  let stored;
  let counts;
  try {
    stored = await readSentinel(deps.data, target);
    counts = await countRows(deps.data, target);
  } catch (error) {
    const reads = (state.reads ?? 0) + 1;
    const reason = `${(error as Error).name}: ${(error as Error).message}`;
    return reads < READ_ATTEMPTS
      ? { ...state, reads }
      : failing(state, `could not read the restored copy after ${reads} attempts: ${reason}`);
  }
  const result = compareRestored(settings.stage, stored, counts, new Date(state.recoveryPointAt));
  const restored = `restored ${state.clusterId} in ${state.restoreSeconds} s`;
  return {
    ...state,
    phase: 'cleaning',
    verdict: {
      passed: !result.problem,
      detail: result.problem ? `${restored}, but ${result.problem}` : `${restored}; ${result.compared.join('; ')}`,
      restoreSeconds: state.restoreSeconds,
      compared: result.compared,
    },
  };
}

async function cleanUp(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  state: Extract<ValidationState, { phase: 'cleaning' }>,
): Promise<ValidationState> {
  const instance = state.instanceId ? await describeInstance(deps.rds, state.instanceId) : undefined;
  // Reported only once the instance is gone: AWS Backup deletes the restored cluster on the
  // verdict, and RDS does not delete a cluster that still has an instance.
  if (!instance) return { ...state, phase: 'reporting' };
  if (instance.DBInstanceStatus !== 'deleting') {
    const { TagList } = instance.DBInstanceArn
      ? await deps.rds.send(new ListTagsForResourceCommand({ ResourceName: instance.DBInstanceArn }))
      : { TagList: [] };
    assertOwnedTarget(instance.DBInstanceIdentifier, TagList, temporaryInstances(settings));
    await deps.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance.DBInstanceIdentifier }));
  }
  return state;
}

async function report(
  deps: RestoreValidationDeps,
  state: Extract<ValidationState, { phase: 'reporting' }>,
): Promise<ValidationState> {
  await deps.backup.send(
    new PutRestoreValidationResultCommand({
      RestoreJobId: state.restoreJobId,
      ValidationStatus: state.verdict.passed ? RestoreValidationStatus.SUCCESSFUL : RestoreValidationStatus.FAILED,
      ValidationStatusMessage: state.verdict.detail.slice(0, 1000),
    }),
  );
  return { phase: 'done', restoreJobId: state.restoreJobId, verdict: state.verdict };
}

/**
 * Advances `state` by one step. Every state is untrusted (a start input can carry any): an
 * instance id outside the test's prefix, or a cluster of the stage itself, is refused with
 * `NotOwnedTargetError` before any AWS call, and an instance without the tag before its delete.
 */
export async function advance(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  state: ValidationState,
): Promise<ValidationState> {
  if (state.phase !== 'start' && state.phase !== 'done') {
    if (state.instanceId !== undefined) assertOwnedName(state.instanceId, temporaryInstances(settings));
    if (state.clusterId !== undefined) assertNotProtected(settings, state.clusterId);
  }
  switch (state.phase) {
    case 'start':
      return start(deps, settings, state);
    case 'preparing':
      return prepare(deps, settings, state);
    case 'warming':
      return warm(deps, state);
    case 'reading':
      return read(deps, settings, state);
    case 'cleaning':
      return cleanUp(deps, settings, state);
    case 'reporting':
      return report(deps, state);
    case 'done':
      return state;
  }
}
