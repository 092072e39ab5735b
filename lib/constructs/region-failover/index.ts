// "Activate this region": a Step Functions run that promotes this region's Aurora and cache members and reports how long it took.
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { skipCheckov } from '../../nag/checkov';
import { allowStateMachineLogDelivery } from '../state-machine-log-delivery';
import { failoverArns } from './arns';
import { failoverDefinition } from './definition';
import { failoverRole } from './permissions';
import { FAILOVER_TIME_METRIC, resolveFailoverProps, type RegionFailoverProps } from './props';
import { runTimeout } from './states';
import { failoverTrigger } from './trigger';

export {
  FAILOVER_TIME_METRIC,
  type RegionFailoverCache,
  type RegionFailoverDecision,
  type RegionFailoverFence,
  type RegionFailoverProps,
  type RegionFailoverTrigger,
} from './props';

/**
 * Well-Architected (REL11-BP04, REL13) asks recovery to run from the region being activated: every
 * call here goes to this region's endpoints, so the run works with the other region gone. Both
 * regions deploy one, and either can activate itself.
 *
 * Aurora and the cache are promoted in parallel; each first checks whether its member already
 * leads, so a second run, or a run after a human promoted by hand, changes nothing and records no
 * `failover_time_seconds` (a no-op is not a failover). Every outcome is told to the alert topic.
 */
export class RegionFailover extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** Rule that starts a run when {@link RegionFailoverProps.trigger}'s alarm enters ALARM. */
  public readonly trigger?: events.Rule;
  /** The alarm the trigger listens to. */
  public readonly triggerAlarm?: cloudwatch.IAlarm;
  /** Events the trigger could not deliver after every retry: a failover that did not start. */
  public readonly triggerDeadLetterQueue?: sqs.Queue;
  public readonly parameter: ssm.StringParameter;
  public readonly logGroup: logs.LogGroup;
  /** How long an activation waits for the cache's Global Datastore failover before it detaches, when there is a cache. */
  public readonly cacheActivateDeadline?: Duration;
  /** One run at a time, and the last activation (the cooldown's start). Retained, with PITR and deletion protection. */
  public readonly lockTable: dynamodb.Table;
  /** The region that holds the writer, as this region's runs last wrote it; the pods read it. */
  public readonly activeRegionParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: RegionFailoverProps) {
    super(scope, id);
    const resolved = resolveFailoverProps(props);
    if (props.cache) this.cacheActivateDeadline = resolved.activateDeadline;
    const stack = Stack.of(this);
    const region = stack.region;
    const arns = failoverArns(stack, props);
    // The states are created in this construct: their ids are their names in the definition.
    const definition = failoverDefinition({ scope: this, props: resolved, region, arns });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: logs.RetentionDays.ONE_YEAR,
      // The log is the record of what a failover did, wanted most after the fact.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.lockTable = new dynamodb.Table(this, 'LockTable', {
      tableName: props.lockTableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Holds the last activation, which the cooldown counts from: a replaced table would forget it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    skipCheckov(
      this.lockTable,
      'CKV_AWS_119',
      'Holds only the run lock and the time of the last activation, no data; a customer-managed key would put KMS ' +
        'of this region on the failover path (every lock read and write), and the lock must work when little else does.',
    );
    Validations.of(this.lockTable).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'Holds only the run lock, which expires with the run, and the time of the last activation; point-in-time ' +
        'recovery covers 35 days of it, and each region has its own table, so a backup plan would protect nothing more.',
    });
    this.activeRegionParameter = new ssm.StringParameter(this, 'ActiveRegion', {
      parameterName: props.activeRegionParameterName,
      // The template's value never changes, so a deploy after a failover leaves the run's value alone.
      stringValue: props.initialActiveRegion,
      description: 'Region that holds the writer; the region failover writes it, the orchestrator pods read it',
    });
    const role = failoverRole(this, props, arns);
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Activates ${region}: Aurora writer${props.cache ? ', cache primary' : ''}, then ${FAILOVER_TIME_METRIC}`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Every statement the tasks would add is in the role's managed policy (permissions.ts).
      role: role.withoutPolicyUpdates(),
      timeout: runTimeout(resolved),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    allowStateMachineLogDelivery(this.stateMachine, this.logGroup);

    this.parameter = new ssm.StringParameter(this, 'ArnParameter', {
      parameterName: props.parameterName,
      stringValue: this.stateMachine.stateMachineArn,
      description: `ARN of the state machine that activates ${region}; scripts/disaster-recovery/failover-region.sh reads it`,
    });

    if (props.trigger) {
      const { rule, deadLetterQueue } = failoverTrigger(this, {
        trigger: props.trigger,
        stateMachine: this.stateMachine,
        stateMachineName: props.stateMachineName,
        encryptionKey: props.encryptionKey,
      });
      this.trigger = rule;
      this.triggerAlarm = props.trigger.alarm;
      this.triggerDeadLetterQueue = deadLetterQueue;
    }
  }
}
