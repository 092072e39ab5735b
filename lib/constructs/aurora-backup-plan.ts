// The AWS Backup plan of one region: daily continuous and weekly full Aurora backups, copied to the other region.
import { Duration, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** One backup rule as this app configures it. */
export interface BackupRuleSpec {
  /** Rule name, for example `daily`. */
  readonly name: string;
  /** EventBridge cron in UTC. */
  readonly cron: string;
  /** How long the recovery point and its copy are kept. */
  readonly retention: Duration;
  /**
   * Keep a continuous backup (point-in-time restore) instead of a snapshot. AWS Backup allows one
   * continuous rule per resource, kept at most 35 days.
   * @default false
   */
  readonly continuous?: boolean;
}

/** Props of {@link AuroraBackupPlan}. */
export interface AuroraBackupPlanProps {
  /** Plan name. */
  readonly planName: string;
  /** Vault of this region. */
  readonly vault: backup.IBackupVault;
  /** Vault of the other region, which receives a copy of every recovery point. */
  readonly copyTarget: backup.IBackupVault;
  readonly rules: readonly BackupRuleSpec[];
  /** Resources carrying this tag are backed up. */
  readonly selectionTag: { readonly key: string; readonly value: string };
}

/**
 * A plan that backs up every tagged Aurora cluster of its region. Both regions run one, so the
 * writer keeps being protected when a failover moves it to the other region.
 */
export class AuroraBackupPlan extends Construct {
  public readonly plan: backup.BackupPlan;
  public readonly selection: backup.BackupSelection;
  /** Role AWS Backup assumes for this plan's jobs and for restores; on-demand jobs reuse it. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AuroraBackupPlanProps) {
    super(scope, id);
    this.plan = new backup.BackupPlan(this, 'Resource', {
      backupPlanName: props.planName,
      backupVault: props.vault,
      backupPlanRules: props.rules.map(
        (rule) =>
          new backup.BackupPlanRule({
            ruleName: rule.name,
            scheduleExpression: events.Schedule.expression(rule.cron),
            startWindow: Duration.hours(1),
            completionWindow: Duration.hours(8),
            deleteAfter: rule.retention,
            enableContinuousBackup: rule.continuous ?? false,
            copyActions: [{ destinationBackupVault: props.copyTarget, deleteAfter: rule.retention }],
          }),
      ),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup jobs and restores of ${props.planName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        // The weekly restore test restores with the same role.
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason:
          `AWS Backup service role: ${policy} is the AWS-maintained policy for backup and restore jobs of every ` +
          'supported resource type; a hand-written copy would silently fall behind the service and fail jobs.',
      });
    }
    this.selection = this.plan.addSelection('Selection', {
      backupSelectionName: `${props.planName}-tagged`,
      resources: [backup.BackupResource.fromTag(props.selectionTag.key, props.selectionTag.value)],
      role: this.role,
    });
  }
}
