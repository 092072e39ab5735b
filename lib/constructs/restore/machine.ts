// What both restore state machines share: their role, execution log, ARN parameter, the endpoint switch and the wait loop.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { APPLICATION_ENDPOINT_DEFAULT } from '../../contract';
import { logDeliveryStatement, allowStateMachineLogDelivery } from '../state-machine-log-delivery';

/** A JSONata expression as Step Functions wants it in a string field. */
export const jsonata = (expression: string) => `{% ${expression} %}`;

/** Read calls: a throttled or briefly failing read must not end a restore that takes an hour. */
export const READ_RETRY: sfn.RetryProps = { maxAttempts: 5, interval: Duration.seconds(5), backoffRate: 2 };

/** Calls that create or write: retried on throttling only, since a create that landed must not run twice. */
export const WRITE_RETRY: sfn.RetryProps = {
  errors: ['Rds.ThrottlingException', 'ElastiCache.ThrottlingException', 'Ssm.ThrottlingException'],
  maxAttempts: 3,
  interval: Duration.seconds(5),
  backoffRate: 2,
};

/** What both restore machines take. */
export interface RestoreMachineProps {
  /** Fixed name of the state machine (`dr status` lists the stage's machines by prefix). */
  readonly stateMachineName: string;
  /** Fixed-name SSM parameter that receives the machine's ARN; `dr restore` reads it. */
  readonly arnParameterName: string;
  /**
   * Fixed-name SSM parameter the orchestrator's pods read the endpoint from at run time; this
   * construct creates it with {@link APPLICATION_ENDPOINT_DEFAULT}, and a run with `switchEndpoint` writes it.
   */
  readonly endpointParameterName: string;
  /** Key of the execution log group, whose policy lets CloudWatch Logs of this region use it. */
  readonly encryptionKey: kms.IKey;
  /**
   * Pause between two looks at what is being created.
   * @default Duration.seconds(30)
   */
  readonly pollInterval?: Duration;
  /**
   * How long a restore may take before the run gives up and fails (the created resources stay).
   * @default Duration.hours(3)
   */
  readonly timeout?: Duration;
}

/** The common parts of a restore machine; the subclass gives the definition and the role's own statements. */
export abstract class RestoreMachine extends Construct {
  public readonly logGroup: logs.LogGroup;
  /** The application endpoint this machine switches; the pods read it at run time. */
  public readonly endpointParameter: ssm.StringParameter;
  protected readonly pollInterval: Duration;
  protected readonly timeout: Duration;

  protected constructor(scope: Construct, id: string, props: RestoreMachineProps, what: string) {
    super(scope, id);
    this.pollInterval = props.pollInterval ?? Duration.seconds(30);
    this.timeout = props.timeout ?? Duration.hours(3);
    this.endpointParameter = new ssm.StringParameter(this, 'Endpoint', {
      parameterName: props.endpointParameterName,
      // The template's value never changes, so a deploy after a switch leaves the run's value alone.
      stringValue: APPLICATION_ENDPOINT_DEFAULT,
      description: `The ${what} endpoint (host:port) the orchestrator's pods use; '${APPLICATION_ENDPOINT_DEFAULT}' is the stack's own. dr restore --switch writes it`,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: logs.RetentionDays.ONE_YEAR,
      // The record of what a restore did is wanted most after the fact.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Builds the machine once the subclass has its definition and statements. */
  protected build(
    props: RestoreMachineProps,
    definition: sfn.IChainable,
    statements: iam.PolicyStatement[],
    comment: string,
  ) {
    const stack = Stack.of(this);
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What ${props.stateMachineName} may do: restore, wait, switch the endpoint, log`,
      statements: [
        ...statements,
        new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [this.endpointParameter.parameterArn] }),
        logDeliveryStatement(),
        new iam.PolicyStatement({
          actions: [
            'xray:PutTraceSegments',
            'xray:PutTelemetryRecords',
            'xray:GetSamplingRules',
            'xray:GetSamplingTargets',
          ],
          resources: ['*'],
        }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Runs ${props.stateMachineName}`,
      // Attached through the role, so the machine comes after the policy (log delivery is checked on create).
      managedPolicies: [policy],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries and ' +
        'DescribeLogGroups (log delivery setup), and xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and ' +
        'GetSamplingTargets support no resource-level permissions.',
    });
    this.acknowledgeWildcards(policy);
    const machine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      role: role.withoutPolicyUpdates(),
      timeout: this.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    allowStateMachineLogDelivery(machine, this.logGroup);
    new ssm.StringParameter(this, 'ArnParameter', {
      parameterName: props.arnParameterName,
      stringValue: machine.stateMachineArn,
      description: `ARN of ${props.stateMachineName}; dr restore reads it`,
    });
    return machine;
  }

  /** Acknowledges the subclass's resource patterns (names chosen at run time), each with its reason. */
  protected abstract acknowledgeWildcards(policy: iam.ManagedPolicy): void;

  /** An ARN of this stack's region and account. */
  protected arn(service: string, resource: string, resourceName: string): string {
    return Stack.of(this).formatArn({ service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /** Writes `value` (a JSONata expression) into the endpoint parameter when the input asks for it, then `done`. */
  protected switchStep(value: string, done: sfn.IChainable): sfn.IChainable {
    const write = tasks.CallAwsService.jsonata(this, 'SwitchEndpoint', {
      comment: 'The pods read this parameter at run time: the application follows the restore without a redeploy',
      service: 'ssm',
      action: 'putParameter',
      iamResources: [this.endpointParameter.parameterArn],
      parameters: {
        Name: this.endpointParameter.parameterName,
        Value: jsonata(value),
        Type: 'String',
        Overwrite: true,
      },
      assign: { switched: true },
    });
    write.addRetry(WRITE_RETRY);
    write.next(done);
    return sfn.Choice.jsonata(this, 'Switch?')
      .when(sfn.Condition.jsonata(jsonata('$states.context.Execution.Input.switchEndpoint = true')), write)
      .otherwise(done);
  }

  /**
   * A loop that reads with `read` every poll interval until `ready` (a JSONata condition on its
   * result) holds, then goes on to `next`; past the deadline it fails with `error`.
   */
  protected waitLoop(
    name: string,
    read: tasks.CallAwsService,
    ready: string,
    failed: string,
    next: sfn.IChainable,
  ): sfn.IChainable {
    const wait = sfn.Wait.jsonata(this, `WaitFor${name}`, { time: sfn.WaitTime.duration(this.pollInterval) });
    read.addRetry(READ_RETRY);
    const timedOut = sfn.Fail.jsonata(this, `${name}TimedOut`, {
      error: `${name}TimedOut`,
      cause: jsonata(
        `'not available ${this.timeout.toMinutes()} minutes after the run started; what was created stays: see docs/runbooks'`,
      ),
    });
    const broken = sfn.Fail.jsonata(this, `${name}Failed`, {
      error: `${name}Failed`,
      cause: jsonata(`'it ended in status ' & $string($status)`),
    });
    wait.next(read);
    read.next(
      sfn.Choice.jsonata(this, `${name}Ready?`)
        .when(sfn.Condition.jsonata(jsonata(ready)), next)
        .when(sfn.Condition.jsonata(jsonata(failed)), broken)
        .when(
          sfn.Condition.jsonata(
            jsonata(`$millis() > $toMillis($states.context.Execution.StartTime) + ${this.timeout.toMilliseconds()}`),
          ),
          timedOut,
        )
        .otherwise(wait),
    );
    return wait;
  }
}
