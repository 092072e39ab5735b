// EventBridge Scheduler for the DR jobs of a region: one group, one role, one dead-letter queue, one retry policy.
import { Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { scheduleById, type DrConfig, type RegionConfig } from '../../config';
import { scheduleGroupName, scheduleName } from '../../naming';
import type { AutomationAlarms } from '../automation-alarms';
import type { DrFunction } from '../dr-function';
import { EncryptedDeadLetterQueue } from '../encrypted-dead-letter-queue';
import { keepDeployedLogicalId } from './deployed-logical-id';

/** Props of {@link JobScheduler}. */
export interface JobSchedulerProps {
  /**
   * The configuration of the stage: the plan's crons (`schedules`), the schedule names and the
   * retry policy (`automation.scheduleRetryAttempts`, `automation.scheduleMaxEventAge`).
   */
  readonly config: DrConfig;
  /** The region of the schedule group. */
  readonly regionConfig: RegionConfig;
  /** Key of the dead-letter queue; the schedules' role may use it to send there. */
  readonly encryptionKey: kms.IKey;
  /** A message in the dead-letter queue pages critical: a backup or a check did not run. */
  readonly alarms: AutomationAlarms;
}

/** What every schedule says. */
interface ScheduleProps {
  /**
   * Name of the schedule within the stage, for example `daily-backup-redis`: its fixed name is
   * built from it, and it is the schedule's key in {@link JobScheduler.schedules}.
   */
  readonly name: string;
  /** Id of the plan's schedule (`schedules[].id` in config) whose cron and purpose it runs on. */
  readonly planSchedule: string;
}

/** Props of {@link JobScheduler.invokeFunction}. */
export interface FunctionScheduleProps extends ScheduleProps {
  /** The function invoked, with `{ "schedule": planSchedule }` as its event. */
  readonly function: DrFunction;
}

/** Props of {@link JobScheduler.startExecution}. */
export interface StateMachineScheduleProps extends ScheduleProps {
  /** The state machine started. */
  readonly stateMachine: sfn.IStateMachine;
  /** Input of each execution. */
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Starts the DR jobs on the plan's crons, in UTC. Every schedule retries with the stage's policy
 * and dead-letters into one encrypted queue; one role starts exactly what was scheduled.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/what-is-scheduler.html
 */
export class JobScheduler extends Construct {
  /** The group of every schedule of this region. */
  public readonly group: scheduler.ScheduleGroup;
  /** Events no schedule could deliver after every retry. */
  public readonly deadLetterQueue: EncryptedDeadLetterQueue;
  /** The role every schedule starts its target with. */
  public readonly role: iam.Role;
  /** The schedules made so far, by {@link ScheduleProps.name}. */
  public readonly schedules: ReadonlyMap<string, scheduler.Schedule>;

  private readonly config: DrConfig;
  private readonly policy: iam.ManagedPolicy;
  private readonly scheduleMap = new Map<string, scheduler.Schedule>();
  private invokeStatement?: iam.PolicyStatement;
  private startStatement?: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: JobSchedulerProps) {
    super(scope, id);
    this.config = props.config;
    this.schedules = this.scheduleMap;
    // `Default` keeps the group at the logical id it had as a direct child of the stack; its fixed
    // name would collide with a second group.
    this.group = new scheduler.ScheduleGroup(this, 'Default', {
      scheduleGroupName: scheduleGroupName(props.config, props.regionConfig),
    });
    this.deadLetterQueue = new EncryptedDeadLetterQueue(this, 'DeadLetters', {
      encryptionKey: props.encryptionKey,
      deadLettersOf: 'the schedules',
    });
    keepDeployedLogicalId(this.deadLetterQueue, 'ScheduleDeadLetters0406ECBC');
    props.alarms.deadLetters('ScheduleDeadLetters', {
      queue: this.deadLetterQueue,
      description: 'A schedule could not start its job after every retry: a backup or a check did not run',
      severity: 'critical',
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: starts the DR jobs and dead-letters what it cannot start',
    });
    // A managed policy, so the schedules' targets carry an immutable role and nothing lands inline.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'What the DR schedules may start',
      statements: [
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.encryptionKey.keyArn],
        }),
      ],
    });
    this.role.addManagedPolicy(this.policy);
  }

  /** Invokes a function on a plan schedule; the role may invoke it from then on. */
  public invokeFunction(scope: Construct, id: string, props: FunctionScheduleProps): scheduler.Schedule {
    const target = props.function.function;
    this.invokeStatement ??= this.addStatement('lambda:InvokeFunction');
    this.invokeStatement.addResources(target.functionArn);
    return this.schedule(
      scope,
      id,
      props,
      new targets.LambdaInvoke(target, this.targetProps({ schedule: props.planSchedule })),
    );
  }

  /** Starts a state machine on a plan schedule; the role may start it from then on. */
  public startExecution(scope: Construct, id: string, props: StateMachineScheduleProps): scheduler.Schedule {
    this.startStatement ??= this.addStatement('states:StartExecution');
    this.startStatement.addResources(props.stateMachine.stateMachineArn);
    return this.schedule(
      scope,
      id,
      props,
      new targets.StepFunctionsStartExecution(props.stateMachine, this.targetProps(props.input)),
    );
  }

  private addStatement(action: string): iam.PolicyStatement {
    const statement = new iam.PolicyStatement({ actions: [action] });
    this.policy.addStatements(statement);
    return statement;
  }

  private targetProps(input: Readonly<Record<string, unknown>>): targets.ScheduleTargetBaseProps {
    const { automation } = this.config;
    return {
      // The role's permissions are the managed policy above; the targets must not add their own.
      role: this.role.withoutPolicyUpdates(),
      input: scheduler.ScheduleTargetInput.fromObject(input),
      retryAttempts: automation.scheduleRetryAttempts,
      maxEventAge: automation.scheduleMaxEventAge,
      deadLetterQueue: this.deadLetterQueue,
    };
  }

  private schedule(
    scope: Construct,
    id: string,
    props: ScheduleProps,
    target: scheduler.IScheduleTarget,
  ): scheduler.Schedule {
    if (this.scheduleMap.has(props.name)) {
      throw new Error(`a schedule named ${props.name} exists already in ${this.node.path}; pick another name`);
    }
    const { cron, purpose } = scheduleById(this.config, props.planSchedule);
    const schedule = new scheduler.Schedule(scope, id, {
      scheduleName: scheduleName(this.config, props.name),
      scheduleGroup: this.group,
      description: purpose,
      schedule: scheduler.ScheduleExpression.expression(cron, TimeZone.ETC_UTC),
      target,
    });
    this.scheduleMap.set(props.name, schedule);
    return schedule;
  }
}
