// A Step Functions loop around one step function: invoke, wait, invoke again until the step says it is done.
import { Stack, RemovalPolicy, Validations, type CfnElement, type Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { NOT_OWNED_TARGET_ERROR } from '../contract';
import type { DrFunction } from './dr-function';
import { deliverExecutionLogs } from './state-machine-log-delivery';

/** Props of {@link SteppedJob}. */
export interface SteppedJobProps {
  /** The function that advances the job's state by one step and returns it. */
  readonly step: DrFunction;
  /** Fixed name of the state machine. */
  readonly stateMachineName: string;
  /** Pause between steps: how often a snapshot, export or restore is looked at. */
  readonly interval: Duration;
  /** A run that takes longer fails with a timeout, which the alarms report. */
  readonly timeout: Duration;
  /** Key of the execution log group. */
  readonly logKey: kms.IKey;
  /**
   * When a step fails and the state holds this field, send the state back as `cleanup.phase`, so
   * that what the run created is deleted before the run ends.
   * @default - a failed step fails the run
   */
  readonly cleanup?: { readonly whenPresent: string; readonly phase: string; readonly keep: readonly string[] };
}

/**
 * No Lambda waits out a snapshot, an export or a restore: each invocation does one step and
 * returns the state, and Step Functions waits between invocations (design notes: Lambda runs at
 * most 15 minutes). The loop ends when the state's `phase` is `done`: Succeeded, or Failed when the
 * state carries a `verdict` that did not pass (a failed restore test, also after its cleanup) or a
 * step threw.
 */
export class SteppedJob extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The execution log: every state of every run, with its data. Retained. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SteppedJobProps) {
    super(scope, id);
    const step = new tasks.LambdaInvoke(this, 'Step', {
      lambdaFunction: props.step.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const wait = new sfn.Wait(this, 'Wait', { time: sfn.WaitTime.duration(props.interval) });
    // A run whose check failed (a restore test's verdict) ends Failed, so the failed-runs alarm and
    // the execution history say so, not only the metric; a state without a verdict ends Succeeded.
    const done = sfn.Condition.stringEquals('$.phase', 'done');
    const verdictFailed = sfn.Condition.and(
      sfn.Condition.isPresent('$.verdict.passed'),
      sfn.Condition.booleanEquals('$.verdict.passed', false),
    );
    const finished = new sfn.Choice(this, 'Done?')
      .when(
        sfn.Condition.and(done, verdictFailed),
        new sfn.Fail(this, 'CheckFailed', { error: 'CheckFailed', causePath: '$.verdict.detail' }),
      )
      .when(done, new sfn.Succeed(this, 'Succeeded'))
      .otherwise(wait);
    wait.next(step);

    if (props.cleanup) {
      const { whenPresent, phase, keep } = props.cleanup;
      const toCleanup = new sfn.Pass(this, 'CleanUpAfterFailure', {
        parameters: {
          phase,
          ...Object.fromEntries(keep.map((field) => [`${field}.$`, `$.${field}`])),
          verdict: { passed: false, 'detail.$': '$.error.Cause' },
        },
      });
      toCleanup.next(wait);
      // A refused state names something the job does not own: sending it to cleanup would only be
      // refused again, every interval until the timeout. Caught first, it ends the run at once.
      step.addCatch(new sfn.Fail(this, 'Refused', { error: NOT_OWNED_TARGET_ERROR, causePath: '$.error.Cause' }), {
        errors: [NOT_OWNED_TARGET_ERROR],
        resultPath: '$.error',
      });
      step.addCatch(
        new sfn.Choice(this, 'AnythingToCleanUp?')
          .when(sfn.Condition.isPresent(`$.${whenPresent}`), toCleanup)
          .otherwise(new sfn.Fail(this, 'Failed', { cause: 'a step failed before creating anything' })),
        { resultPath: '$.error' },
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(step.next(finished)),
      timeout: props.timeout,
      tracingEnabled: true,
    });
    deliverExecutionLogs(this.stateMachine, this.logGroup);
    // Step Functions checks log delivery rights at creation: the L2 makes the state machine wait for
    // its role's default policy (and the role, a DependsOn that DrStack drops as W3005).
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge(
        {
          id: 'NIST.800.53.R5-IAMNoInlinePolicy',
          reason:
            "Step Functions execution role generated by CDK: its inline policy only invokes this job's one step function and delivers its logs and traces.",
        },
        {
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.step.function.node.defaultChild as CfnElement)}.Arn>:*]`,
          reason: "Invoking any version or alias of this job's own step function; no other function.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries and ' +
            'DescribeLogGroups (log delivery setup) and xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and ' +
            'GetSamplingTargets support no resource-level permissions.',
        },
      );
    }
  }
}
