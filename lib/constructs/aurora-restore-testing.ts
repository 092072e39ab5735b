// AWS Backup restore testing of the Aurora cluster (L1 only), with the validation function wired to its results.
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DrFunction } from './dr-function';

/** Props of {@link AuroraRestoreTesting}. */
export interface AuroraRestoreTestingProps {
  /** Plan name, letters, digits and underscores only. */
  readonly planName: string;
  /** EventBridge cron in UTC. */
  readonly cron: string;
  /** Vault whose newest recovery point is restored. */
  readonly vault: backup.IBackupVault;
  /** ARN of the protected cluster. */
  readonly clusterArn: string;
  /** Role AWS Backup restores with. */
  readonly restoreRole: iam.IRole;
  /** Subnet group and security groups the temporary cluster is placed in. */
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  /** Hours AWS Backup waits for a validation result before deleting the restored cluster. */
  readonly validationWindowHours: number;
  /** Judges each restore and reports back with PutRestoreValidationResult. */
  readonly validator: DrFunction;
}

/**
 * The plan's weekly full restore test for Aurora: AWS Backup restores the newest recovery point
 * into a temporary cluster, the validator checks it, and AWS Backup deletes it afterwards.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export class AuroraRestoreTesting extends Construct {
  public readonly plan: backup.CfnRestoreTestingPlan;
  public readonly selection: backup.CfnRestoreTestingSelection;
  public readonly resultRule: events.Rule;

  constructor(scope: Construct, id: string, props: AuroraRestoreTestingProps) {
    super(scope, id);
    this.plan = new backup.CfnRestoreTestingPlan(this, 'Resource', {
      restoreTestingPlanName: props.planName,
      scheduleExpression: props.cron,
      scheduleExpressionTimezone: 'Etc/UTC',
      startWindowHours: 1,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'],
        selectionWindowDays: 7,
      },
    });
    this.selection = new backup.CfnRestoreTestingSelection(this, 'Selection', {
      restoreTestingPlanName: this.plan.ref,
      restoreTestingSelectionName: `${props.planName}_aurora`,
      protectedResourceType: 'Aurora',
      protectedResourceArns: [props.clusterArn],
      iamRoleArn: props.restoreRole.roleArn,
      validationWindowHours: props.validationWindowHours,
      restoreMetadataOverrides: {
        dbSubnetGroupName: props.subnetGroupName,
        vpcSecurityGroupIds: JSON.stringify(props.securityGroupIds),
      },
    });
    this.resultRule = new events.Rule(this, 'RestoreJobFinished', {
      description: 'Hands each finished Aurora restore job to the validator',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { resourceType: ['Aurora'], status: ['COMPLETED', 'FAILED', 'ABORTED'] },
      },
      targets: [new targets.LambdaFunction(props.validator.function, { retryAttempts: 3 })],
    });
  }
}
