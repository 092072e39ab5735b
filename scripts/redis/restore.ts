// Restore logic of the plan's "Restore Redis from S3 backup": a new replication group seeded from an exported .rdb.
import { CreateReplicationGroupCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  groupIdProblem,
  restoredGroupBase,
  restoredName,
  stageParameters,
  type RestoreSettings,
  RESTORED_GROUP_DESCRIPTION,
} from '../../lib/contract';

/** Clients and clock; tests hand in moto-backed clients. */
export interface RestoreDeps {
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  readonly secrets: SecretsManagerClient;
  readonly elasticache: ElastiCacheClient;
  readonly now: () => Date;
}

/** Which backup to restore, and where. */
export interface RestoreInput {
  readonly stage: string;
  /** `latest` for the newest .rdb in the region's backup bucket, or an object key. */
  readonly backup: string;
  /**
   * Id of the new group.
   * @default - `atf-<stage>-<region code>-r<yyyyMMddHHmm>`
   */
  readonly replicationGroupId?: string;
}

/** The restore to start: what the read calls found, nothing created yet (`--dry-run` prints it). */
export interface RestorePlan {
  readonly replicationGroupId: string;
  readonly bucket: string;
  readonly key: string;
  readonly snapshotArn: string;
  /** The group's settings, as the Cache stack wrote them; the AUTH token is read from `authTokenSecretName` only when it starts. */
  readonly settings: RestoreSettings;
}

/** The restore that was started. */
export interface RestoreResult {
  readonly replicationGroupId: string;
  readonly bucket: string;
  readonly key: string;
  readonly snapshotArn: string;
  readonly status: string;
}

/** Thrown when no backup can be restored; the message says what to do. */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

async function parameter(ssm: SSMClient, name: string): Promise<string> {
  const result = await ssm.send(new GetParameterCommand({ Name: name }));
  const value = result.Parameter?.Value;
  if (!value) throw new RestoreError(`SSM parameter ${name} is empty; deploy the cache stacks of this region first`);
  return value;
}

/** The newest `.rdb` object of `bucket`, over every page of the listing. */
export async function newestBackup(s3: S3Client, bucket: string): Promise<string> {
  let newest: { key: string; modified: number } | undefined;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith('.rdb') || !object.LastModified) continue;
      const modified = object.LastModified.getTime();
      if (!newest || modified > newest.modified || (modified === newest.modified && object.Key > newest.key)) {
        newest = { key: object.Key, modified };
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (!newest)
    throw new RestoreError(`no .rdb backup in s3://${bucket}; export one first (CopySnapshot with TargetBucket)`);
  return newest.key;
}

/** `atf-<stage>-<region code>-r<yyyyMMddHHmm>`: the short prefix keeps every stage within 40 characters. */
export function defaultGroupId(base: string, now: Date): string {
  return restoredName(restoredGroupBase(base), now);
}

/**
 * Finds what a restore would use, with read calls only: the bucket and settings from SSM, the backup
 * (checked non-empty, SSE-S3, not KMS) and the new group's id.
 */
export async function planRestore(deps: RestoreDeps, input: RestoreInput): Promise<RestorePlan> {
  const names = stageParameters(input.stage);
  const bucket = await parameter(deps.ssm, names.cacheBackupBucket);
  const settings = JSON.parse(await parameter(deps.ssm, names.cacheRestoreSettings)) as RestoreSettings;
  const key = input.backup === 'latest' ? await newestBackup(deps.s3, bucket) : input.backup;

  const head = await deps.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  if (!head.ContentLength) throw new RestoreError(`s3://${bucket}/${key} is empty; pick another backup`);
  if (head.ServerSideEncryption !== 'AES256') {
    throw new RestoreError(
      `s3://${bucket}/${key} is encrypted with ${head.ServerSideEncryption ?? 'nothing'}; ElastiCache restores only SSE-S3 (AES256) objects`,
    );
  }
  const replicationGroupId = input.replicationGroupId ?? defaultGroupId(settings.replicationGroupId, deps.now());
  const problem = groupIdProblem(replicationGroupId);
  if (problem) throw new RestoreError(problem);
  return { replicationGroupId, bucket, key, snapshotArn: `arn:aws:s3:::${bucket}/${key}`, settings };
}

/**
 * Starts a restore: the plan of {@link planRestore}, then {@link startRestore}. It does not wait
 * for the group: `aws elasticache wait replication-group-available`, or the region's cache restore
 * state machine (`dr restore cache`), does that.
 */
export async function run(deps: RestoreDeps, input: RestoreInput): Promise<RestoreResult> {
  return startRestore(deps, await planRestore(deps, input));
}

/** Creates the new replication group of `plan` from its backup, with the stack's own settings and AUTH token. */
export async function startRestore(
  deps: Pick<RestoreDeps, 'secrets' | 'elasticache'>,
  plan: RestorePlan,
): Promise<RestoreResult> {
  const { replicationGroupId, bucket, key, snapshotArn, settings } = plan;
  const secret = await deps.secrets.send(new GetSecretValueCommand({ SecretId: settings.authTokenSecretName }));
  if (!secret.SecretString) throw new RestoreError(`secret ${settings.authTokenSecretName} has no string value`);

  const created = await deps.elasticache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: replicationGroupId,
      ReplicationGroupDescription: `${RESTORED_GROUP_DESCRIPTION}s3://${bucket}/${key}`,
      SnapshotArns: [snapshotArn],
      Engine: settings.engine,
      EngineVersion: settings.engineVersion,
      CacheNodeType: settings.cacheNodeType,
      NumCacheClusters: settings.numCacheClusters,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      Port: settings.port,
      CacheSubnetGroupName: settings.cacheSubnetGroupName,
      SecurityGroupIds: settings.securityGroupIds,
      CacheParameterGroupName: settings.cacheParameterGroupName,
      AtRestEncryptionEnabled: true,
      KmsKeyId: settings.kmsKeyId,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AuthToken: secret.SecretString,
      SnapshotRetentionLimit: settings.snapshotRetentionLimit,
      SnapshotWindow: settings.snapshotWindow,
      PreferredMaintenanceWindow: settings.preferredMaintenanceWindow,
      NotificationTopicArn: settings.notificationTopicArn,
    }),
  );
  return {
    replicationGroupId,
    bucket,
    key,
    snapshotArn,
    status: created.ReplicationGroup?.Status ?? 'unknown',
  };
}
