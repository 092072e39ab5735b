// AWS Backup restore testing of the Aurora cluster (L1 only), with the stepped validation started by each finished restore job.
import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

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
  /**
   * Hours AWS Backup waits for a validation result before deleting the restored cluster: long
   * enough for the validator to add an instance, read the data and delete the instance again.
   */
  readonly validationWindowHours: number;
  /**
   * Judges each restore and reports back with PutRestoreValidationResult. Started with
   * `{phase: 'start', restoreJobId, status, resourceType}` from the restore job's event.
   */
  readonly validator: sfn.IStateMachine;
}

/**
 * The plan's weekly full restore test for Aurora: AWS Backup restores the newest weekly snapshot
 * into a temporary cluster (without instances), the validator checks it, and AWS Backup deletes it
 * afterwards. Snapshots only: the sentinel and row counts are written minutes before each
 * snapshot, while a continuous recovery point restores to a later moment the counts do not describe.
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
        recoveryPointTypes: ['SNAPSHOT'],
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
      description: 'Starts the validation of each finished Aurora restore job',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { resourceType: ['Aurora'], status: ['COMPLETED', 'FAILED', 'ABORTED'] },
      },
    });
    // A managed policy and an immutable role, so nothing lands inline (the failover trigger's pattern).
    const startPolicy = new iam.ManagedPolicy(this, 'StartPolicy', {
      description: 'What the Aurora restore-job rule may do: start the restore validation',
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [props.validator.stateMachineArn] }),
      ],
    });
    const role = new iam.Role(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge: starts the Aurora restore validation when a restore job finishes',
      managedPolicies: [startPolicy],
    });
    this.resultRule.addTarget(
      new targets.SfnStateMachine(props.validator, {
        role: role.withoutPolicyUpdates(),
        retryAttempts: 3,
        input: events.RuleTargetInput.fromObject({
          phase: 'start',
          restoreJobId: events.EventField.fromPath('$.detail.restoreJobId'),
          status: events.EventField.fromPath('$.detail.status'),
          resourceType: events.EventField.fromPath('$.detail.resourceType'),
        }),
      }),
    );
  }
}
