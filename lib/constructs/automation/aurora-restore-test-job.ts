// The weekly Aurora restore test: AWS Backup restores the newest weekly snapshot, a stepped job reads its data back and validates it.
import { Duration } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { scheduleById } from '../../config';
import {
  AURORA_RESTORE_TEST_INSTANCE_PREFIX,
  FUNCTIONS,
  RESTORE_TEST_COMPONENTS,
  RESTORE_TEST_TAG,
} from '../../contract';
import { clusterIdentifier, parameterName, restoreTestingPlanName, stateMachineName } from '../../naming';
import { AuroraRestoreTesting } from '../aurora-restore-testing';
import type { DrFunction } from '../dr-function';
import { SteppedJob } from '../stepped-job';
import { keepDeployedLogicalId } from './deployed-logical-id';
import { STEP_INTERVAL, jobFunction, type AutomationJob, type AutomationJobContext } from './job-context';
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

/** Hours AWS Backup keeps the restored cluster waiting for the verdict: instance, read, delete. */
const VALIDATION_WINDOW_HOURS = 4;

/**
 * The plan's weekly full restore test for Aurora, where the stage runs restore tests: AWS Backup
 * restore testing restores the newest weekly snapshot into a temporary cluster without instances;
 * a stepped job checks its metadata, gives it a tagged temporary instance and a managed master
 * secret, reads the sentinel and row counts back through the Data API, compares them with what
 * the sentinel job recorded before the snapshot, deletes the instance and reports the verdict.
 * A failed check ends the run Failed and `recovery_test_results` at 0 pages critical.
 */
export class AuroraRestoreTestJob extends Construct implements AutomationJob {
  public readonly function: DrFunction;
  public readonly steppedJob: SteppedJob;
  public readonly restoreTesting: AuroraRestoreTesting;

  constructor(scope: Construct, id: string, props: AuroraRestoreTestJobProps) {
    super(scope, id);
    const { context } = props;
    const { config, regionConfig } = context;
    const protectedClusters = config.regions.map((region) => clusterIdentifier(config, region));
    const fn = jobFunction(this, context, {
      contract: FUNCTIONS.restoreValidation,
      description: 'Aurora restore test step: check, add an instance, read the sentinel back, delete, report',
      // A read step sends the count statement, which the Data API ends after 45 s.
      timeout: Duration.minutes(2),
      environment: {
        ENGINE_VERSION: props.engineVersion,
        DATABASE_KEY_PARAMETER: parameterName(config, 'data', 'database-key-arn'),
        MAX_RESTORE_SECONDS: String(config.automation.maxAuroraRestore.toSeconds()),
        INSTANCE_PREFIX: AURORA_RESTORE_TEST_INSTANCE_PREFIX,
        // Validated by config: never a T class, which the Data API does not serve.
        INSTANCE_CLASS: config.data.instanceType,
        RESTORE_TAG_KEY: RESTORE_TEST_TAG.key,
        RESTORE_TAG_VALUE: RESTORE_TEST_TAG.value,
        PROTECTED_CLUSTERS: protectedClusters.join(','),
        DATABASE_NAME: config.data.applicationDatabase,
      },
    });
    this.function = fn;

    allow(fn, {
      actions: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'],
      resources: ['*'],
      wildcardReason: 'DescribeRestoreJob and PutRestoreValidationResult support no resource-level permissions.',
    });
    const rds = (resource: string, resourceName: string) => arn(this, { service: 'rds', resource, resourceName });
    const anyCluster = rds('cluster', '*');
    const restoredWhy =
      "AWS Backup names the clusters it restores, so the name is not known in advance; the stage's own clusters are denied by name.";
    allow(fn, {
      actions: ['rds:DescribeDBClusters'],
      resources: [anyCluster],
      wildcardReason: 'Read-only: AWS Backup names the clusters it restores, so the name is not known in advance.',
    });
    // The restored cluster gets an RDS-managed master secret (a new password, deleted with the
    // cluster) and the Data API; RDS creates that secret with the caller's rights.
    allow(fn, {
      actions: ['rds:ModifyDBCluster', 'rds:EnableHttpEndpoint', 'rds-data:ExecuteStatement'],
      resources: [anyCluster],
      wildcardReason: restoredWhy,
    });
    const managedSecrets = arn(this, { service: 'secretsmanager', resource: 'secret', resourceName: 'rds!cluster-*' });
    allow(fn, {
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:GetSecretValue'],
      resources: [managedSecrets],
      wildcardReason:
        "Secrets RDS creates for a cluster it manages the master password of are named rds!cluster-<id>; the stage's master secret has its own name and stays out of reach.",
    });
    // Whatever the statements above match, the stage's own clusters are never modified or queried.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['rds:ModifyDBCluster', 'rds:EnableHttpEndpoint', 'rds-data:ExecuteStatement', 'rds:CreateDBInstance'],
        resources: protectedClusters.map((identifier) => rds('cluster', identifier)),
      }),
    );
    const temporary = rds('db', `${AURORA_RESTORE_TEST_INSTANCE_PREFIX}*`);
    const temporaryWhy =
      'Temporary instances get a timestamped name under the restore-test prefix; creating needs the restore-test tag in the request and deleting needs it on the instance.';
    allow(fn, {
      actions: ['rds:CreateDBInstance', 'rds:AddTagsToResource'],
      resources: [temporary, anyCluster, rds('subgrp', '*'), rds('pg', '*'), rds('og', '*'), rds('secgrp', '*')],
      conditions: { StringEquals: { [`aws:RequestTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } },
      wildcardReason: temporaryWhy,
    });
    allow(fn, {
      actions: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'],
      resources: [temporary],
      wildcardReason: temporaryWhy,
    });
    allow(fn, {
      actions: ['rds:DeleteDBInstance'],
      resources: [temporary],
      conditions: { StringEquals: { [`aws:ResourceTag/${RESTORE_TEST_TAG.key}`]: RESTORE_TEST_TAG.value } },
      wildcardReason: temporaryWhy,
    });
    allowKeyParameters(fn, { config, region: regionConfig.region, keys: ['database-key-arn'] });

    this.steppedJob = new SteppedJob(this, 'Job', {
      step: fn,
      stateMachineName: stateMachineName(config, regionConfig, 'aurora-restore-test'),
      interval: STEP_INTERVAL,
      timeout: Duration.hours(VALIDATION_WINDOW_HOURS),
      logKey: context.encryptionKey,
      cleanup: {
        whenPresent: 'instanceId',
        phase: 'cleaning',
        keep: ['restoreJobId', 'clusterId', 'clusterArn', 'instanceId', 'restoreSeconds'],
      },
    });
    // Pinned as the other jobs' are: the ids this job's first synth gave, whatever the construct tree becomes.
    keepDeployedLogicalId(this.steppedJob.stateMachine, 'RestoreValidationJob55329E52');
    keepDeployedLogicalId(this.steppedJob.logGroup, 'RestoreValidationJobLogs3A843C3C');
    this.restoreTesting = new AuroraRestoreTesting(this, 'Testing', {
      planName: restoreTestingPlanName(config),
      cron: scheduleById(config, 'weekly-restore-test').cron,
      vault: props.vault,
      clusterArn: props.cluster.clusterArn,
      restoreRole: props.restoreRole,
      subnetGroupName: props.subnetGroupName,
      securityGroupIds: [props.securityGroup.securityGroupId],
      validationWindowHours: VALIDATION_WINDOW_HOURS,
      validator: this.steppedJob.stateMachine,
    });
    keepDeployedLogicalId(this.restoreTesting.plan, 'AuroraRestoreTesting95A5A8A2');
    keepDeployedLogicalId(this.restoreTesting.selection, 'AuroraRestoreTestingSelectionC8598ACD');
    context.alarms.jobFailures('AuroraRestoreTestFailures', {
      stateMachine: this.steppedJob.stateMachine,
      what: 'Recovery procedure failure',
    });
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
