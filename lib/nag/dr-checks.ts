// The project's own cdk-nag pack: the DR properties every stack must keep, applied beside AwsSolutions and NIST.
import type { CfnResource } from 'aws-cdk-lib';
import { NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { DrRule, DrRuleContext } from './rule';
import { BackupBucketReplicated } from './rules/backup-bucket-replicated';
import { BackupBucketVersioned } from './rules/backup-bucket-versioned';
import { CacheGlobalDatastore } from './rules/cache-global-datastore';
import { CacheMultiAzFailover } from './rules/cache-multi-az-failover';
import { CacheSnapshotRetention } from './rules/cache-snapshot-retention';
import { FailoverRecordHealthCheck } from './rules/failover-record-health-check';
import { ObjectiveExceeded } from './rules/objective-exceeded';
import { ObjectiveMargin } from './rules/objective-margin';
import { RdsClusterBackupRetention } from './rules/rds-cluster-backup-retention';
import { RdsClusterDeletionProtection } from './rules/rds-cluster-deletion-protection';
import { RdsClusterEncrypted } from './rules/rds-cluster-encrypted';
import { RdsClusterGlobalMembership } from './rules/rds-cluster-global-membership';
import { ScheduleRetriesAndDlq } from './rules/schedule-retries-and-dlq';
import { StatefulResourceRetained } from './rules/stateful-resource-retained';

/** Every rule of the pack, in report order. */
export const DR_RULES: readonly DrRule[] = [
  RdsClusterDeletionProtection,
  RdsClusterBackupRetention,
  RdsClusterEncrypted,
  RdsClusterGlobalMembership,
  CacheMultiAzFailover,
  CacheSnapshotRetention,
  CacheGlobalDatastore,
  BackupBucketVersioned,
  BackupBucketReplicated,
  FailoverRecordHealthCheck,
  ScheduleRetriesAndDlq,
  StatefulResourceRetained,
  ObjectiveExceeded,
  ObjectiveMargin,
];

/** Props of {@link DrChecks}. */
export interface DrChecksProps extends NagPackProps {
  readonly context: DrRuleContext;
}

/** Reports `DR-<rule>` findings, acknowledged like any other nag finding. */
export class DrChecks extends NagPack {
  public readonly name = 'DR';
  private readonly context: DrRuleContext;

  constructor(scope: IConstruct | undefined, props: DrChecksProps) {
    super(scope, props);
    this.packName = 'DR';
    // The rules ask for the model once per resource; it is built once, on first use, because
    // validation runs after the tree is complete (modeling a stage takes about 0.2 s).
    const { recovery } = props.context;
    let modeled: ReturnType<NonNullable<typeof recovery>> | undefined;
    this.context = recovery ? { ...props.context, recovery: () => (modeled ??= recovery()) } : props.context;
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of DR_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.describe?.(node, this.context) ?? rule.info,
        explanation: rule.explanation,
        level: rule.level,
        node,
        rule: (resource: CfnResource) => rule.check(resource, this.context),
      });
    }
  }
}
