// "Restore the cache": wait for a replication group seeded from an S3 export to be available, then optionally switch the application's cache endpoint to it.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Stack, Validations } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { arnFindingId } from '../../nag/acknowledgements';
import { jsonata, RestoreMachine, type RestoreMachineProps } from './machine';

/** Props of {@link CacheRestore}. */
export interface CacheRestoreProps extends RestoreMachineProps {
  /** What every restored group's id starts with (`atf-<stage>-<region code>-r`); the grants are limited to it. */
  readonly restoredGroupPrefix: string;
}

/**
 * The plan's "restore Redis from S3" as a run in the region being recovered into. The group is
 * created by the caller (`dr restore cache`, from the export scripts/redis/restore.ts picks) because
 * its AUTH token must not pass through a run: Step Functions keeps every state's input and output in
 * the execution history. The run does the long part: it waits until the group is available (tens
 * of minutes for a large export), then writes its primary endpoint into the parameter the pods read.
 */
export class CacheRestore extends RestoreMachine {
  public readonly stateMachine: sfn.StateMachine;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: CacheRestoreProps) {
    super(scope, id, props, 'cache');
    this.prefix = props.restoredGroupPrefix;
    const group = this.arn('elasticache', 'replicationgroup', `${props.restoredGroupPrefix}*`);
    const start = sfn.Pass.jsonata(this, 'Start', {
      assign: { group: jsonata('$states.context.Execution.Input.replicationGroupId'), switched: false, endpoint: '' },
    });
    const describe = tasks.CallAwsService.jsonata(this, 'DescribeGroup', {
      service: 'elasticache',
      action: 'describeReplicationGroups',
      iamResources: [group],
      parameters: { ReplicationGroupId: jsonata('$group') },
      assign: {
        status: jsonata('$states.result.ReplicationGroups[0].Status'),
        endpoint: jsonata(
          "$exists($states.result.ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address) ? $states.result.ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address & ':' & $string($states.result.ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Port) : ''",
        ),
      },
    });
    const done = sfn.Succeed.jsonata(this, 'Restored', {
      outputs: {
        replicationGroupId: jsonata('$group'),
        backup: jsonata('$states.context.Execution.Input.backup'),
        endpoint: jsonata('$endpoint'),
        switched: jsonata('$switched'),
      },
    });
    start.next(
      this.waitLoop(
        'Group',
        describe,
        "$status = 'available'",
        "$status = 'create-failed'",
        this.switchStep('$endpoint', done),
      ),
    );
    this.stateMachine = this.build(
      props,
      start,
      [new iam.PolicyStatement({ actions: ['elasticache:DescribeReplicationGroups'], resources: [group] })],
      `Waits for a cache group restored from S3 in ${Stack.of(this).region}, then switches the application to it`,
    );
  }

  protected acknowledgeWildcards(policy: iam.ManagedPolicy): void {
    const arn = this.arn('elasticache', 'replicationgroup', `${this.prefix}*`);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnFindingId(Stack.of(this).resolve(arn))}]`,
      reason:
        'A restored group is named for the time of the restore; read-only, and only under the restored-group prefix.',
    });
  }
}
