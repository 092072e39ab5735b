// dr restore cache: a new replication group from the region's newest S3 export (scripts/redis/restore.ts), or one an earlier run created (--group), waited for and switched to by the region's cache restore state machine.
import type { DrConfig, RegionConfig } from '../../lib/config/types';
import {
  groupIdProblem,
  RESTORED_GROUP_DESCRIPTION,
  restoredGroupBase,
  restoredNamePrefix,
  type CacheRestoreInput,
} from '../../lib/contract';
import { cacheReplicationGroupId } from '../../lib/naming';
import { AwsCallError, clientConfig } from './aws';
import {
  endReason,
  followStarted,
  restoreOutput,
  runName,
  startExecution,
  stateMachineArnOf,
  type ExecutionDeps,
} from './execution';
import { RunFailedError } from './failover';
import type { StageNames } from './stage';

/** What the operator asked for. */
export interface CacheRestoreRequest {
  readonly names: StageNames;
  readonly region: string;
  /** `latest`, or the object key of an .rdb export in the region's backup bucket. */
  readonly backup: string;
  /**
   * A group an earlier `dr restore cache` created in the region (its terminal lost before the run was
   * started or followed): nothing is created, the run is started for it.
   */
  readonly group?: string;
  readonly switchEndpoint: boolean;
  readonly operator: string;
  readonly now: Date;
}

/** The result of the command, for --json and the last line. */
export interface CacheRestoreResult {
  readonly dryRun: boolean;
  readonly region: string;
  readonly replicationGroupId: string;
  readonly backup: string;
  readonly stateMachineArn: string;
  readonly executionArn?: string;
  readonly status: string;
  readonly endpoint?: string;
  readonly switched?: boolean;
}

/** What every group a cache restore creates in `region` is named before its time stamp (`atf-<stage>-<code>-r`). */
export function restoredGroupPrefixOf(stage: string, region: string): string {
  const stackGroup = cacheReplicationGroupId({ stage } as DrConfig, { region } as RegionConfig);
  return restoredNamePrefix(restoredGroupBase(stackGroup));
}

/** Problems with `--group` that need no call (bad input, exit 2). */
export function groupRequestProblems(group: string, stage: string, region: string): string[] {
  const problem = groupIdProblem(group);
  if (problem) return [`--group: ${problem}`];
  const prefix = restoredGroupPrefixOf(stage, region);
  return group.startsWith(prefix)
    ? []
    : [`--group must start with ${prefix} (the groups a cache restore creates in ${region}), got: ${group}`];
}

/** The clients scripts/redis/restore.ts takes, for `region`; loaded only once the input is checked. */
async function restoreDeps(region: string, now: () => Date) {
  const [{ ElastiCacheClient }, { S3Client }, { SecretsManagerClient }, { SSMClient }] = await Promise.all([
    import('@aws-sdk/client-elasticache'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-sdk/client-ssm'),
  ]);
  const config = clientConfig(region);
  return {
    s3: new S3Client(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    elasticache: new ElastiCacheClient(config),
    now,
  };
}

/** A failure of scripts/redis/restore.ts: its RestoreError says what to do; anything else is a failed call. */
function restoreFailure(error: unknown, region: string, what: string): Error {
  if (error instanceof Error && error.name === 'RestoreError')
    return new RunFailedError(`${error.message}; nothing was created`);
  return new AwsCallError(
    what,
    region,
    error,
    'check your credentials and that the Cache stack of the region is deployed',
  );
}

/** The group a run waits for: what the plan shows of it, and how it comes to exist (created now, or already there). */
interface RestoreTarget {
  readonly replicationGroupId: string;
  readonly backup: string;
  readonly step: string;
  create(): Promise<{ readonly replicationGroupId: string }>;
}

/** A new group from the export scripts/redis/restore.ts picks; created only by `create`. */
async function newGroup(
  clients: Awaited<ReturnType<typeof restoreDeps>>,
  request: CacheRestoreRequest,
): Promise<RestoreTarget> {
  const { region, names } = request;
  const { planRestore, startRestore } = await import('../redis/restore.js');
  const plan = await planRestore(clients, { stage: names.stage, backup: request.backup }).catch((error: unknown) => {
    throw restoreFailure(error, region, 'ssm:GetParameter, s3:ListObjectsV2 and s3:HeadObject of the export');
  });
  const { settings } = plan;
  return {
    replicationGroupId: plan.replicationGroupId,
    backup: `s3://${plan.bucket}/${plan.key}`,
    step:
      `create ${plan.replicationGroupId} in ${region} from s3://${plan.bucket}/${plan.key} (${settings.engine} ${settings.engineVersion}, ` +
      `${settings.numCacheClusters} x ${settings.cacheNodeType}, the AUTH token of ${settings.authTokenSecretName}); the running group is left alone`,
    async create() {
      const created = await startRestore(clients, plan).catch((error: unknown) => {
        throw restoreFailure(
          error,
          region,
          `secretsmanager:GetSecretValue and elasticache:CreateReplicationGroup ${plan.replicationGroupId}`,
        );
      });
      return created;
    },
  };
}

/** A group an earlier run created: it must exist and carry the description a restore gives it, which names its backup. */
async function existingGroup(
  elasticache: Awaited<ReturnType<typeof restoreDeps>>['elasticache'],
  region: string,
  id: string,
): Promise<RestoreTarget> {
  const { DescribeReplicationGroupsCommand } = await import('@aws-sdk/client-elasticache');
  const group = await elasticache
    .send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))
    .then((answer) => answer.ReplicationGroups?.[0])
    .catch((error: unknown) => {
      if ((error as Error).name === 'ReplicationGroupNotFoundFault') return undefined;
      throw new AwsCallError(
        `elasticache:DescribeReplicationGroups ${id}`,
        region,
        error,
        'check your credentials and the region',
      );
    });
  if (!group) throw new RunFailedError(`no replication group ${id} in ${region}; nothing was started`);
  const description = group.Description ?? '';
  if (!description.startsWith(`${RESTORED_GROUP_DESCRIPTION}s3://`)) {
    throw new RunFailedError(
      `${id} was not created by a cache restore (its description is "${description}", not "${RESTORED_GROUP_DESCRIPTION}s3://…"); nothing was started`,
    );
  }
  return {
    replicationGroupId: id,
    backup: description.slice(RESTORED_GROUP_DESCRIPTION.length),
    step: `follow ${id} in ${region}, created earlier from ${description.slice(RESTORED_GROUP_DESCRIPTION.length)} (now ${group.Status ?? 'in no state'}); nothing is created`,
    create: () => Promise.resolve({ replicationGroupId: id }),
  };
}

/** Picks the export (or the group of `--group`), prints the plan, and (unless `dryRun`) creates the group, starts the run and follows it. */
export async function runCacheRestore(
  deps: ExecutionDeps,
  request: CacheRestoreRequest,
  dryRun: boolean,
  /** Asked once the plan is shown, before anything is created; throws to stop. */
  confirm: () => Promise<void> = () => Promise.resolve(),
): Promise<CacheRestoreResult> {
  const { names, region } = request;
  const { progress } = deps;
  const clients = await restoreDeps(region, () => request.now);
  const target = request.group
    ? await existingGroup(clients.elasticache, region, request.group)
    : await newGroup(clients, request);
  const { backup } = target;
  const stateMachineArn = await stateMachineArnOf(
    deps.sdk,
    region,
    names.parameters.cacheRestoreStateMachineArn,
    'Automation',
  );
  const steps = [
    target.step,
    `start the cache restore state machine in ${region}: ${stateMachineArn}, which waits until the group is available`,
    request.switchEndpoint
      ? `switch: write its primary endpoint into ${names.parameters.cacheEndpoint} in ${region}, which the pods read`
      : `leave ${names.parameters.cacheEndpoint} as it is (no --switch)`,
  ];
  for (const step of steps) progress.note(`  - ${step}`);
  if (dryRun) {
    progress.note('dry run: nothing was created or started');
    return {
      dryRun: true,
      region,
      replicationGroupId: target.replicationGroupId,
      backup,
      stateMachineArn,
      status: 'DRY_RUN',
    };
  }
  await confirm();
  const created = await target.create();
  const input: CacheRestoreInput = {
    replicationGroupId: created.replicationGroupId,
    backup,
    switchEndpoint: request.switchEndpoint,
    operator: request.operator,
  };
  const execution = await startExecution(
    deps,
    region,
    stateMachineArn,
    runName('restore-cache', request.now),
    input,
  ).catch((error: unknown) => {
    // The group is being created either way; say how to finish by hand.
    if (error instanceof AwsCallError) {
      throw new AwsCallError(
        error.call,
        region,
        error,
        `${created.replicationGroupId} is being created; start its run with dr restore cache --region ${region} --group ${created.replicationGroupId} (docs/runbooks/cache-restore-from-s3.md)`,
      );
    }
    throw error;
  });
  const end = await followStarted(deps, execution, names.stage);
  if (end.status !== 'SUCCEEDED') {
    throw new RunFailedError(
      `the run ended ${end.status}: ${endReason(end)}. ${created.replicationGroupId} stays; see docs/runbooks/cache-restore-from-s3.md (${execution.executionArn})`,
    );
  }
  return {
    dryRun: false,
    region,
    replicationGroupId: created.replicationGroupId,
    backup,
    stateMachineArn,
    executionArn: execution.executionArn,
    status: end.status,
    ...restoreOutput(end),
  };
}
