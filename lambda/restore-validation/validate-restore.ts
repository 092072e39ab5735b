// What the Aurora restore validation reads: its settings, the restore event, and the restored cluster's metadata checks.
import type { BackupClient } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, type DBCluster, type RDSClient } from '@aws-sdk/client-rds';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { handedOverKeyArn } from '../shared/key-arn';

export interface RestoreValidationDeps {
  readonly backup: BackupClient;
  readonly rds: RDSClient;
  /** Reads the database key ARN that the region's Protection stack hands over. */
  readonly ssm: SSMClient;
  /** Reads the sentinel and the row counts back from the restored copy. */
  readonly data: RDSDataClient;
  readonly now: () => Date;
}

export interface RestoreValidationSettings {
  /** The restored cluster must run this engine version. */
  readonly engineVersion: string;
  /** And be encrypted with the key whose ARN this SSM parameter holds. */
  readonly keyParameter: string;
  /** A restore that took longer than this, in seconds, would break the RTO it stands for. */
  readonly maxRestoreSeconds: number;
  /** The stage: part of the sentinel's checksum. */
  readonly stage: string;
  /** The temporary instance is named `<instancePrefix><timestamp>`. */
  readonly instancePrefix: string;
  /** Its class: not a T class, which the Data API does not serve (config `data.instanceType`). */
  readonly instanceClass: string;
  /** The tag the temporary instance carries; only an instance with it is ever deleted. */
  readonly tag: { readonly key: string; readonly value: string };
  /** The stage's own clusters (both regions): never modified, whatever a restore job names. */
  readonly protectedClusters: readonly string[];
  /** The database the sentinel job wrote to (config `data.applicationDatabase`), read back in the copy. */
  readonly database: string;
}

/** The part of a "Restore Job State Change" event this function reads. */
export interface RestoreJobEvent {
  readonly restoreJobId: string;
  readonly status: string;
  readonly resourceType: string | undefined;
}

/** Thrown for an event that is not a "Restore Job State Change" this function can read; nothing is called. */
export class MalformedRestoreEventError extends Error {
  constructor(reason: string) {
    super(`malformed restore event: ${reason}`);
    this.name = 'MalformedRestoreEventError';
  }
}

/** The cluster `identifier`, or `undefined` when RDS answers with none. */
export async function describeCluster(rds: RDSClient, identifier: string): Promise<DBCluster | undefined> {
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
  return DBClusters?.find((cluster) => cluster.DBClusterIdentifier === identifier) ?? DBClusters?.[0];
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
export async function clusterProblem(
  deps: RestoreValidationDeps,
  settings: RestoreValidationSettings,
  clusterArn: string,
): Promise<string | undefined> {
  const identifier = clusterArn.split(':cluster:')[1];
  if (!identifier) return `${clusterArn} is not an Aurora cluster ARN`;
  const [cluster, keyArn] = await Promise.all([
    describeCluster(deps.rds, identifier),
    handedOverKeyArn(deps.ssm, settings.keyParameter),
  ]);
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
