// dr restore cache: a new replication group from the region's newest S3 export (scripts/redis/restore.ts), waited for and switched to by the region's cache restore state machine.
import type { CacheRestoreInput } from '../../lib/contract';
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

/** Picks the export, prints the plan, and (unless `dryRun`) creates the group, starts the run and follows it. */
export async function runCacheRestore(
  deps: ExecutionDeps,
  request: CacheRestoreRequest,
  dryRun: boolean,
  /** Asked once the plan is shown, before anything is created; throws to stop. */
  confirm: () => Promise<void> = () => Promise.resolve(),
): Promise<CacheRestoreResult> {
  const { names, region } = request;
  const { progress } = deps;
  const { planRestore, startRestore } = await import('../redis/restore.js');
  const clients = await restoreDeps(region, () => request.now);
  const plan = await planRestore(clients, { stage: names.stage, backup: request.backup }).catch((error: unknown) => {
    throw restoreFailure(error, region, 'ssm:GetParameter, s3:ListObjectsV2 and s3:HeadObject of the export');
  });
  const backup = `s3://${plan.bucket}/${plan.key}`;
  const stateMachineArn = await stateMachineArnOf(
    deps.sdk,
    region,
    names.parameters.cacheRestoreStateMachineArn,
    'Automation',
  );
  const steps = [
    `create ${plan.replicationGroupId} in ${region} from ${backup} (${plan.settings.engine} ${plan.settings.engineVersion}, ` +
      `${plan.settings.numCacheClusters} x ${plan.settings.cacheNodeType}, the AUTH token of ${plan.settings.authTokenSecretName}); the running group is left alone`,
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
      replicationGroupId: plan.replicationGroupId,
      backup,
      stateMachineArn,
      status: 'DRY_RUN',
    };
  }
  await confirm();
  const created = await startRestore(clients, plan).catch((error: unknown) => {
    throw restoreFailure(
      error,
      region,
      `secretsmanager:GetSecretValue and elasticache:CreateReplicationGroup ${plan.replicationGroupId}`,
    );
  });
  progress.step(`creating ${created.replicationGroupId} (${created.status})`);
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
        `${created.replicationGroupId} is being created; start the run by hand with the input ${JSON.stringify(input)} (docs/runbooks/cache-restore-from-s3.md)`,
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
