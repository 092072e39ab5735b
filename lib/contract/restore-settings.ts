// What the Cache stack publishes for a restore, and scripts/redis reads: everything a restored group needs to look like the stack's own.

/**
 * JSON value of the `cacheRestoreSettings` parameter, so a restore needs no console lookups.
 */
export interface RestoreSettings {
  readonly replicationGroupId: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  readonly numCacheClusters: number;
  readonly port: number;
  readonly cacheSubnetGroupName: string;
  readonly securityGroupIds: string[];
  readonly cacheParameterGroupName: string;
  readonly kmsKeyId: string;
  readonly authTokenSecretName: string;
  readonly snapshotRetentionLimit: number;
  readonly snapshotWindow: string;
  readonly preferredMaintenanceWindow: string;
  readonly notificationTopicArn: string;
}
