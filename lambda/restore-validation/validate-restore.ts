// Validates an Aurora cluster that AWS Backup restore testing restored, and reports the verdict back to AWS Backup.
import {
  DescribeRestoreJobCommand,
  PutRestoreValidationResultCommand,
  RestoreValidationStatus,
  type BackupClient,
} from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { handedOverKeyArn } from '../shared/key-arn';

export interface RestoreValidationDeps {
  readonly backup: BackupClient;
  readonly rds: RDSClient;
  /** Reads the database key ARN that the region's Protection stack hands over. */
  readonly ssm: SSMClient;
}

export interface RestoreValidationSettings {
  /** The restored cluster must run this engine version. */
  readonly engineVersion: string;
  /** And be encrypted with the key whose ARN this SSM parameter holds. */
  readonly keyParameter: string;
  /** A restore that took longer than this, in seconds, would break the RTO it stands for. */
  readonly maxRestoreSeconds: number;
}

/** The part of a "Restore Job State Change" event this function reads. */
export interface RestoreJobEvent {
  readonly restoreJobId: string;
  readonly status: string;
  readonly resourceType: string | undefined;
}

export interface RestoreValidation {
  readonly restoreJobId: string;
  /** `skipped` for jobs that are not finished or not Aurora: nothing was restored to judge. */
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  readonly restoreSeconds?: number;
}

/** Thrown for an event that is not a "Restore Job State Change" this function can read; nothing is called. */
export class MalformedRestoreEventError extends Error {
  constructor(reason: string) {
    super(`malformed restore event: ${reason}`);
    this.name = 'MalformedRestoreEventError';
  }
}

/** Parses an EventBridge "Restore Job State Change" event; throws {@link MalformedRestoreEventError} on anything else. */
export function parseRestoreEvent(event: unknown): RestoreJobEvent {
  const {
    'detail-type': detailType,
    source,
    detail,
  } = (event ?? {}) as {
    'detail-type'?: unknown;
    source?: unknown;
    detail?: { restoreJobId?: unknown; status?: unknown; resourceType?: unknown };
  };
  if (source !== 'aws.backup' || detailType !== 'Restore Job State Change') {
    throw new MalformedRestoreEventError(
      `expected aws.backup "Restore Job State Change", got ${JSON.stringify({ source, detailType })}`,
    );
  }
  if (typeof detail?.restoreJobId !== 'string' || typeof detail.status !== 'string') {
    throw new MalformedRestoreEventError(`detail needs restoreJobId and status, got ${JSON.stringify(detail)}`);
  }
  return {
    restoreJobId: detail.restoreJobId,
    status: detail.status,
    resourceType: typeof detail.resourceType === 'string' ? detail.resourceType : undefined,
  };
}

/** What is wrong with the restored cluster, or `undefined` when nothing is. */
async function clusterProblem(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  clusterArn: string,
): Promise<string | undefined> {
  const identifier = clusterArn.split(':cluster:')[1];
  if (!identifier) return `${clusterArn} is not an Aurora cluster ARN`;
  const [{ DBClusters }, keyArn] = await Promise.all([
    deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })),
    handedOverKeyArn(deps.ssm, settings.keyParameter),
  ]);
  const cluster = DBClusters?.[0];
  if (!cluster) return `restored cluster ${identifier} not found`;
  if (cluster.Status !== 'available') return `restored cluster ${identifier} is ${cluster.Status ?? 'in no state'}`;
  if (!cluster.StorageEncrypted || cluster.KmsKeyId !== keyArn) {
    return `restored cluster ${identifier} is encrypted with ${cluster.KmsKeyId ?? 'nothing'}, expected ${keyArn}`;
  }
  if (cluster.EngineVersion !== settings.engineVersion) {
    return `restored cluster ${identifier} runs ${cluster.EngineVersion ?? 'no version'}, expected ${settings.engineVersion}`;
  }
  return undefined;
}

/**
 * Judges one finished Aurora restore and reports the verdict to AWS Backup, which then deletes the
 * restored cluster. A job that failed is reported as a failed recovery test.
 */
export async function run(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  event: RestoreJobEvent,
): Promise<RestoreValidation> {
  const { restoreJobId } = event;
  if (event.status === 'FAILED' || event.status === 'ABORTED') {
    return { restoreJobId, outcome: 'failed', detail: `restore job ${event.status.toLowerCase()}` };
  }
  if (event.status !== 'COMPLETED') return { restoreJobId, outcome: 'skipped', detail: `status ${event.status}` };
  if (event.resourceType && event.resourceType !== 'Aurora') {
    return { restoreJobId, outcome: 'skipped', detail: `resource type ${event.resourceType}` };
  }

  const job = await deps.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  const restoreSeconds =
    job.CreationDate && job.CompletionDate
      ? Math.round((job.CompletionDate.getTime() - job.CreationDate.getTime()) / 1000)
      : undefined;
  let problem = job.CreatedResourceArn
    ? await clusterProblem(deps, settings, job.CreatedResourceArn)
    : 'the job names no restored resource';
  if (!problem && restoreSeconds === undefined) problem = 'the job reports no duration';
  if (!problem && restoreSeconds !== undefined && restoreSeconds > settings.maxRestoreSeconds) {
    problem = `restore took ${restoreSeconds} s, allowed ${settings.maxRestoreSeconds} s`;
  }
  const detail =
    problem ??
    `cluster ${job.CreatedResourceArn} available, encrypted, ${settings.engineVersion}, restored in ${restoreSeconds} s`;
  await deps.backup.send(
    new PutRestoreValidationResultCommand({
      RestoreJobId: restoreJobId,
      ValidationStatus: problem ? RestoreValidationStatus.FAILED : RestoreValidationStatus.SUCCESSFUL,
      ValidationStatusMessage: detail.slice(0, 1000),
    }),
  );
  return {
    restoreJobId,
    outcome: problem ? 'failed' : 'passed',
    detail,
    ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
  };
}
