// "Restore the database": a new Aurora cluster from a snapshot of this region or the stack's cluster at a point in time, its instance, then optionally the application's endpoint.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as stepfunctions from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Validations, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { arnFindingId } from '../../nag/acknowledgements';
import { jsonata, READ_RETRY, RestoreMachine, WRITE_RETRY, type RestoreMachineProps } from './machine';

/** Props of {@link DatabaseRestore}. */
export interface DatabaseRestoreProps extends RestoreMachineProps {
  /** The stack's cluster of this region: its subnet group, security groups and key are read from it at run time. */
  readonly clusterIdentifier: string;
  /** What every restored cluster's identifier starts with; the grants are limited to it. */
  readonly restoredClusterPrefix: string;
  /** Engine of the stack's clusters, for example `aurora-postgresql`. */
  readonly engine: string;
  /** Full engine version the stack deploys, for example `17.9`: without it RDS restores to the region's default. */
  readonly engineVersion: string;
  /** Instance class of the stack's instances, for example `db.r7g.large`. */
  readonly instanceClass: string;
  /** The region's Aurora storage key, which the restored cluster is encrypted with (the stack cluster's own). */
  readonly databaseKey: kms.IKey;
}

/**
 * The plan's "restore the database" as a run in the region being recovered into: RDS restores to a
 * new cluster, which has no instance until one is created, and Aurora takes tens of minutes for
 * both; the run waits through them, so a lost terminal loses only the view (`dr status` lists it).
 * The cluster is standalone, outside the Global Database; it keeps the snapshot's master user and
 * password, and IAM authentication, as the stack's own.
 */
export class DatabaseRestore extends RestoreMachine {
  public readonly stateMachine: sfn.StateMachine;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: DatabaseRestoreProps) {
    super(scope, id, props, 'database');
    this.prefix = props.restoredClusterPrefix;
    const { clusterIdentifier } = props;
    const stackCluster = this.arn('rds', 'cluster', clusterIdentifier);
    const restored = this.arn('rds', 'cluster', `${props.restoredClusterPrefix}*`);
    const restoredInstance = this.arn('rds', 'db', `${props.restoredClusterPrefix}*`);

    const readStack = tasks.CallAwsService.jsonata(this, 'ReadStackCluster', {
      comment:
        "The subnet group, security groups and key of the stack's cluster, read now rather than copied at deploy",
      service: 'rds',
      action: 'describeDBClusters',
      iamResources: [stackCluster],
      parameters: { DbClusterIdentifier: clusterIdentifier },
      assign: {
        subnetGroup: jsonata('$states.result.DbClusters[0].DbSubnetGroup'),
        securityGroups: jsonata('[$states.result.DbClusters[0].VpcSecurityGroups.VpcSecurityGroupId]'),
        restored: jsonata('$states.context.Execution.Input.clusterIdentifier'),
        switched: false,
      },
    });
    readStack.addRetry(READ_RETRY);
    const common = {
      DbClusterIdentifier: jsonata('$restored'),
      DbSubnetGroupName: jsonata('$subnetGroup'),
      VpcSecurityGroupIds: jsonata('$securityGroups'),
      KmsKeyId: props.databaseKey.keyArn,
      EnableIamDatabaseAuthentication: true,
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      Tags: [{ Key: 'dr-restored-by', Value: jsonata('$states.context.Execution.Name') }],
    };
    const fromSnapshot = tasks.CallAwsService.jsonata(this, 'RestoreFromSnapshot', {
      service: 'rds',
      action: 'restoreDBClusterFromSnapshot',
      iamResources: [restored, this.arn('rds', 'cluster-snapshot', '*'), this.arn('rds', 'subgrp', '*')],
      parameters: {
        ...common,
        SnapshotIdentifier: jsonata('$states.context.Execution.Input.snapshotIdentifier'),
        Engine: props.engine,
        EngineVersion: props.engineVersion,
      },
    });
    const toPointInTime = tasks.CallAwsService.jsonata(this, 'RestoreToPointInTime', {
      service: 'rds',
      action: 'restoreDBClusterToPointInTime',
      iamResources: [restored, stackCluster, this.arn('rds', 'subgrp', '*')],
      parameters: {
        ...common,
        SourceDbClusterIdentifier: clusterIdentifier,
        RestoreToTime: jsonata('$states.context.Execution.Input.restoreToTime'),
      },
    });
    const describeCluster = tasks.CallAwsService.jsonata(this, 'DescribeRestoredCluster', {
      service: 'rds',
      action: 'describeDBClusters',
      iamResources: [restored],
      parameters: { DbClusterIdentifier: jsonata('$restored') },
      assign: {
        status: jsonata('$states.result.DbClusters[0].Status'),
        endpoint: jsonata("$states.result.DbClusters[0].Endpoint & ':' & $string($states.result.DbClusters[0].Port)"),
      },
    });
    const createInstance = tasks.CallAwsService.jsonata(this, 'CreateInstance', {
      comment: 'A restored cluster has no instance: it answers nothing until one is available',
      service: 'rds',
      action: 'createDBInstance',
      iamResources: [restoredInstance, restored, this.arn('rds', 'subgrp', '*')],
      parameters: {
        DbInstanceIdentifier: jsonata("$restored & '-1'"),
        DbClusterIdentifier: jsonata('$restored'),
        DbInstanceClass: props.instanceClass,
        Engine: props.engine,
        Tags: [{ Key: 'dr-restored-by', Value: jsonata('$states.context.Execution.Name') }],
      },
    });
    const describeInstance = tasks.CallAwsService.jsonata(this, 'DescribeInstance', {
      service: 'rds',
      action: 'describeDBInstances',
      iamResources: [restoredInstance],
      parameters: { DbInstanceIdentifier: jsonata("$restored & '-1'") },
      assign: { status: jsonata('$states.result.DbInstances[0].DbInstanceStatus') },
    });
    for (const task of [fromSnapshot, toPointInTime, createInstance]) task.addRetry(WRITE_RETRY);

    const done = stepfunctions.Succeed.jsonata(this, 'Restored', {
      outputs: {
        clusterIdentifier: jsonata('$restored'),
        instanceIdentifier: jsonata("$restored & '-1'"),
        endpoint: jsonata('$endpoint'),
        switched: jsonata('$switched'),
      },
    });
    const instanceLoop = this.waitLoop(
      'Instance',
      describeInstance,
      "$status = 'available'",
      "$status in ['failed', 'incompatible-parameters', 'incompatible-restore', 'storage-full', 'inaccessible-encryption-credentials']",
      this.switchStep('$endpoint', done),
    );
    createInstance.next(instanceLoop);
    const clusterLoop = this.waitLoop(
      'Cluster',
      describeCluster,
      "$status = 'available'",
      "$status in ['failed', 'inaccessible-encryption-credentials', 'incompatible-restore']",
      createInstance,
    );
    fromSnapshot.next(clusterLoop);
    toPointInTime.next(clusterLoop);
    readStack.next(
      stepfunctions.Choice.jsonata(this, 'Source?')
        .when(
          stepfunctions.Condition.jsonata(jsonata("$states.context.Execution.Input.source = 'pointInTime'")),
          toPointInTime,
        )
        .otherwise(fromSnapshot),
    );

    const statements = [
      new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters'], resources: [stackCluster, restored] }),
      new iam.PolicyStatement({ actions: ['rds:DescribeDBInstances'], resources: [restoredInstance] }),
      new iam.PolicyStatement({
        actions: ['rds:RestoreDBClusterFromSnapshot', 'rds:RestoreDBClusterToPointInTime', 'rds:AddTagsToResource'],
        resources: [restored, stackCluster, this.arn('rds', 'cluster-snapshot', '*'), this.arn('rds', 'subgrp', '*')],
      }),
      new iam.PolicyStatement({
        actions: ['rds:CreateDBInstance'],
        resources: [restoredInstance, restored, this.arn('rds', 'subgrp', '*')],
      }),
      // RDS encrypts the restored cluster with the region's database key through a grant.
      new iam.PolicyStatement({
        actions: [
          'kms:CreateGrant',
          'kms:DescribeKey',
          'kms:Decrypt',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        resources: [props.databaseKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `rds.${Stack.of(this).region}.amazonaws.com` } },
      }),
    ];
    this.stateMachine = this.build(
      props,
      readStack,
      statements,
      `Restores a new Aurora cluster (${props.engine} ${props.engineVersion}) and its instance in ${Stack.of(this).region}`,
    );
  }

  protected acknowledgeWildcards(policy: iam.ManagedPolicy): void {
    const stack = Stack.of(this);
    const reasons: Record<string, string> = {
      [this.arn('rds', 'cluster', `${this.prefix}*`)]:
        'A restored cluster is named for the time of the restore; the grant covers only the stack’s restored-cluster prefix.',
      [this.arn('rds', 'db', `${this.prefix}*`)]:
        'The restored cluster’s instance is named after the cluster, so it falls under the same restored-cluster prefix.',
      [this.arn('rds', 'cluster-snapshot', '*')]:
        'The operator names the snapshot to restore (the plan’s -latest, a copy in the vault); restoring only reads it.',
      [this.arn('rds', 'subgrp', '*')]:
        "The stack's cluster's subnet group is read at run time (its name is CloudFormation's); a restore only places the cluster in it.",
    };
    for (const [arn, reason] of Object.entries(reasons)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnFindingId(stack.resolve(arn))}]`,
        reason,
      });
    }
  }
}
