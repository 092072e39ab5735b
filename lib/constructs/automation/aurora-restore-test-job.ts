// The weekly Aurora restore test: AWS Backup restores the newest recovery point, a function validates it.
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { scheduleById } from '../../config';
import { FUNCTIONS, RESTORE_TEST_COMPONENTS } from '../../contract';
import { parameterName, restoreTestingPlanName } from '../../naming';
import { AuroraRestoreTesting } from '../aurora-restore-testing';
import type { DrFunction } from '../dr-function';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
import { allow, allowKeyParameters, arn } from './permissions';

/** Props of {@link AuroraRestoreTestJob}. */
export interface AuroraRestoreTestJobProps {
  /** What the jobs of the region share. */
  readonly context: AutomationJobContext;
  /** The protected cluster. */
  readonly cluster: rds.IDatabaseCluster;
  /** Full Aurora PostgreSQL version a restored cluster must run, for example `16.6`. */
  readonly engineVersion: string;
  /** Vault whose newest recovery point is restored. */
  readonly vault: backup.IBackupVault;
  /** Role AWS Backup restores with (the backup plan's). */
  readonly restoreRole: iam.IRole;
  /** DB subnet group the temporary cluster is placed in. */
  readonly subnetGroupName: string;
  /** Security group of the temporary cluster. */
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * The plan's weekly full restore test for Aurora, where the stage runs restore tests: AWS Backup
 * restore testing restores into a temporary cluster, the validation function checks it within the
 * stage's bound and reports back, and `recovery_test_results` pages critical when it did not pass.
 */
export class AuroraRestoreTestJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly restoreTesting: AuroraRestoreTesting;

  constructor(scope: Construct, id: string, props: AuroraRestoreTestJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.restoreValidation,
      description: 'Validates Aurora restores of AWS Backup restore testing',
      environment: {
        ENGINE_VERSION: props.engineVersion,
        DATABASE_KEY_PARAMETER: parameterName(config, 'data', 'database-key-arn'),
        MAX_RESTORE_SECONDS: String(config.automation.maxAuroraRestore.toSeconds()),
      },
    });
    this.function = fn;

    allow(fn, {
      actions: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'],
      resources: ['*'],
      wildcardReason: 'DescribeRestoreJob and PutRestoreValidationResult support no resource-level permissions.',
    });
    allow(fn, {
      actions: ['rds:DescribeDBClusters'],
      resources: [arn(this, { service: 'rds', resource: 'cluster', resourceName: '*' })],
      wildcardReason: 'Read-only: AWS Backup names the clusters it restores, so the name is not known in advance.',
    });
    allowKeyParameters(fn, { config, region: regionConfig.region, keys: ['database-key-arn'] });

    this.restoreTesting = new AuroraRestoreTesting(this, 'Testing', {
      planName: restoreTestingPlanName(config),
      cron: scheduleById(config, 'weekly-restore-test').cron,
      vault: props.vault,
      clusterArn: props.cluster.clusterArn,
      restoreRole: props.restoreRole,
      subnetGroupName: props.subnetGroupName,
      securityGroupIds: [props.securityGroup.securityGroupId],
      validationWindowHours: 1,
      validator: fn,
    });
    keepDeployedLogicalId(this.restoreTesting.plan, 'AuroraRestoreTesting95A5A8A2');
    keepDeployedLogicalId(this.restoreTesting.selection, 'AuroraRestoreTestingSelectionC8598ACD');
    context.alarms.recoveryTestResults('AuroraRecoveryTest', {
      dimensions: {
        service: FUNCTIONS.restoreValidation.service,
        stage: config.stage,
        region: regionConfig.region,
        component: RESTORE_TEST_COMPONENTS.aurora,
      },
    });
  }
}
