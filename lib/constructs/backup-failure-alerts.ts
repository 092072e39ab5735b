// EventBridge rules that page on failed AWS Backup jobs and copy jobs: the plan's "Backup service degradation".
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link BackupFailureAlerts}. */
export interface BackupFailureAlertsProps {
  /** Topic that receives every failed job event. */
  readonly topic: sns.ITopic;
}

/** Job states that mean a recovery point the plan counts on does not exist. */
export const FAILED_BACKUP_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED'] as const;
export const FAILED_COPY_JOB_STATES = ['FAILED', 'ABORTED'] as const;

/** One rule per job kind, in the region of the enclosing stack, covering every vault there. */
export class BackupFailureAlerts extends Construct {
  public readonly backupJobRule: events.Rule;
  public readonly copyJobRule: events.Rule;

  constructor(scope: Construct, id: string, props: BackupFailureAlertsProps) {
    super(scope, id);
    const target = new targets.SnsTopic(props.topic);
    this.backupJobRule = new events.Rule(this, 'BackupJobFailed', {
      description: 'A backup job failed, was aborted or expired: a planned recovery point is missing',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change'],
        detail: { state: [...FAILED_BACKUP_JOB_STATES] },
      },
      targets: [target],
    });
    this.copyJobRule = new events.Rule(this, 'CopyJobFailed', {
      description: 'A cross-region backup copy failed: the other region lacks a recovery point',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Copy Job State Change'],
        detail: { state: [...FAILED_COPY_JOB_STATES] },
      },
      targets: [target],
    });
  }
}
