// The plan's monthly DR tests as game days: a state machine per test, a schedule on its Monday, a recorder that writes each result to S3 and as metrics, and the alarms on failed and missing results.
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ContactSubscription, GameDaysConfig } from '../../config';
import {
  GAME_DAY_ENV,
  GAME_DAY_RECORDER,
  GAME_DAYS,
  gameDayCron,
  gameDayResultsParameter,
  type GameDayId,
} from '../../contract/game-days';
import { skipCheckov } from '../../nag/checkov';
import { AccessLogBucket } from '../access-log-bucket';
import { subscriptionFor } from '../alert-topics';
import type { AutomationAlarms } from '../automation-alarms';
import { DrFunction } from '../dr-function';
import { PRIVATE_BUCKET_PROPS } from '../private-bucket';
import { deliverExecutionLogs } from '../state-machine-log-delivery';
import { applicationSteps, type ApplicationTarget } from './application';
import { communicationSteps } from './communication';
import { databaseMoves, regionMoves, type GlobalClusterTarget } from './database';
import { resultAlarms, pascal } from './result-alarms';
import { acknowledgeRolePolicy } from './role-policy';
import { approvalGate, begin, finish, type GameDayContext } from './steps';

/** The escalation this region pages through. */
export interface GameDayPaging {
  /** The incident table page-ack writes acknowledgements to. */
  readonly incidentTable: dynamodb.ITable;
  /** Its key (the alert topics' key): the state machine reads and writes the table with it. */
  readonly incidentTableKey: kms.IKey;
  /** The acknowledgement command as pages give it, without `--alarm`. */
  readonly ackCommand: string;
}

/** Props of {@link GameDays}. */
export interface GameDaysProps {
  readonly stage: string;
  /** How messages name the stage, for example `async-toolformer staging`. */
  readonly stageLabel: string;
  /** When the game days run, how long they wait, and who the communication test pages. */
  readonly settings: GameDaysConfig;
  /**
   * Whether every run first waits for a human's approval (SendTaskSuccess): always in prod.
   */
  readonly requireApproval: boolean;
  /** Fixed names of the state machines, by game day (the audit and the CLI name them). */
  readonly stateMachineNames: Readonly<Record<GameDayId, string>>;
  /** Fixed names of the schedules, by game day, and of the daily audit's. */
  readonly scheduleNames: Readonly<Record<GameDayId | 'audit', string>>;
  /** The group of the region's DR schedules. */
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Retries of a schedule's start, and how long it keeps retrying: the jobs' policy (`automation`). */
  readonly scheduleRetryAttempts: number;
  readonly scheduleMaxEventAge: Duration;
  /** Where a schedule's undeliverable start goes: the region's schedule dead-letter queue, which already pages. */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** The region the writer belongs in, where every game day must leave it. */
  readonly primaryRegion: string;
  /** The Aurora global cluster (database game day) and where the writer is read after the region game day. */
  readonly globalCluster: Omit<
    GlobalClusterTarget,
    'globalClusterArn' | 'secondaryClusterArn' | 'primaryClusterArn'
  > & {
    /** Identifier of this (secondary) region's member cluster. */
    readonly secondaryClusterIdentifier: string;
    readonly primaryClusterIdentifier: string;
  };
  /** The region failover state machine of this region, whose planned path the region game day runs. */
  readonly regionFailover: sfn.IStateMachine;
  /**
   * The application game day's recovery jobs of this region by their fixed names (the rollout restart
   * is in the Compute stack: a reference would cross stacks), and what it verifies.
   */
  readonly application: Omit<ApplicationTarget, 'rolloutRestart' | 'cacheRestore' | 'cacheWarmUp'> & {
    readonly stateMachineNames: {
      readonly rolloutRestart: string;
      readonly cacheRestore: string;
      readonly cacheWarmUp: string;
    };
  };
  readonly paging: GameDayPaging;
  /** The high topic: failed and missing results page here, and a prod run asks for its approval here. */
  readonly highTopic: sns.ITopic;
  /** Key of {@link highTopic}, for the approval request. */
  readonly highTopicKey: kms.IKey;
  /** Key of the results bucket, logs, the recorder and the test contact's topic. */
  readonly encryptionKey: kms.IKey;
  /** A recovery step slower than this fails `performance-sla`: the stage's strictest critical RTO. */
  readonly recoveryObjective: Duration;
  /** The status page's components and name, which the rendered test notice uses. */
  readonly statusComponents: readonly { readonly id: string; readonly name: string }[];
  readonly statusDomainName: string;
  /** Function health alarms of the recorder. */
  readonly alarms: AutomationAlarms;
}

/** The game days this construct runs (docs/runbooks/game-days.md). */
export const BUILT_GAME_DAYS: readonly GameDayId[] = ['database', 'region', 'application', 'communication'];

/** When the audit runs: daily, well after any game day's result is due. */
const AUDIT_CRON = 'cron(30 6 * * ? *)';

/**
 * Each game day is a state machine that times every step, judges the plan's DR Test Checklist through
 * the recorder and ends Failed when an item failed. Schedules start them on the plan's Mondays; in
 * prod each run first waits for a human. The recorder writes every result to a versioned, encrypted,
 * retained bucket and as metrics; a failed item and a result missing after its grace page high.
 */
export class GameDays extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly recorder: DrFunction;
  public readonly stateMachines: ReadonlyMap<GameDayId, sfn.StateMachine>;
  public readonly schedules: ReadonlyMap<GameDayId | 'audit', scheduler.Schedule>;
  public readonly testContactTopic: sns.Topic;
  /** By game day: a failed checklist item, and a missing result. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: GameDaysProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = props.encryptionKey;
    this.bucket = new s3.Bucket(this, 'Results', {
      ...PRIVATE_BUCKET_PROPS,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: new AccessLogBucket(this, 'AccessLogs', { retention: Duration.days(365) }).bucket,
      // The results are the evidence of every game day and the measurements' source.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'Game day results of one region; the figures that matter are copied into the repository by npm run measurements:pull (docs/runbooks/game-days.md), and a lost result is re-made by the next run.',
    });
    new ssm.StringParameter(this, 'ResultsBucketParameter', {
      parameterName: gameDayResultsParameter(props.stage),
      stringValue: this.bucket.bucketName,
      description: 'Bucket of the game day results; npm run measurements:pull reads it',
    });

    const arnOf = (name: string) =>
      stack.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const built = GAME_DAYS.filter((day) => BUILT_GAME_DAYS.includes(day.id));
    this.recorder = new DrFunction(this, 'Recorder', {
      contract: GAME_DAY_RECORDER,
      description:
        'Records game day results (S3 and metrics), audits missing ones daily, renders the communication test',
      stage: props.stage,
      encryptionKey: key,
      environment: {
        [GAME_DAY_ENV.bucket]: this.bucket.bucketName,
        // Spelled from the fixed names: the machines invoke this function, so a reference would be circular.
        [GAME_DAY_ENV.stateMachines]: JSON.stringify(
          Object.fromEntries(built.map((day) => [day.id, arnOf(props.stateMachineNames[day.id])])),
        ),
        [GAME_DAY_ENV.schedule]: JSON.stringify(
          Object.fromEntries(
            built.map((day) => [day.id, { week: day.week, hour: props.settings.hour, minute: props.settings.minute }]),
          ),
        ),
        [GAME_DAY_ENV.resultGraceHours]: String(props.settings.resultGrace.toHours({ integral: false })),
        [GAME_DAY_ENV.objectiveSeconds]: String(props.recoveryObjective.toSeconds()),
        [GAME_DAY_ENV.components]: JSON.stringify(props.statusComponents),
        [GAME_DAY_ENV.statusHost]: props.statusDomainName,
      },
    });
    const outsideVpc =
      'Calls only S3 and Step Functions APIs and renders text: no data-tier endpoint to reach, so it runs outside the VPC.';
    Validations.of(this.recorder.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: outsideVpc });
    skipCheckov(this.recorder.function, 'CKV_AWS_117', outsideVpc);
    this.bucket.grantReadWrite(this.recorder.function);
    this.recorder.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeStateMachine'],
        resources: built.map((day) => arnOf(props.stateMachineNames[day.id])),
      }),
    );
    props.alarms.functionHealth('GameDayRecorder', this.recorder);

    this.testContactTopic = new sns.Topic(this, 'TestContact', {
      displayName: `${props.stageLabel} game day test contact`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const contact of props.settings.testContacts)
      this.testContactTopic.addSubscription(subscriptionFor(contact as ContactSubscription));

    const machines = new Map<GameDayId, sfn.StateMachine>();
    for (const day of built) machines.set(day.id, this.stateMachine(day.id, props));
    this.stateMachines = machines;
    this.schedules = this.scheduleAll(
      props,
      built.map((day) => day.id),
    );
    this.alarms = built.flatMap((day) => resultAlarms(this, day.id, props));
  }

  private stateMachine(gameDay: GameDayId, props: GameDaysProps): sfn.StateMachine {
    const scope = new Construct(this, pascal(gameDay));
    const stack = Stack.of(this);
    const context: GameDayContext = {
      scope,
      gameDay,
      recorder: this.recorder.function,
      primaryRegion: props.primaryRegion,
      ...(props.requireApproval
        ? {
            approval: {
              topic: props.highTopic,
              timeout: props.settings.approvalTimeout,
              stageLabel: props.stageLabel,
            },
          }
        : {}),
    };
    const cluster = props.globalCluster;
    const clusterArn = (identifier: string, region: string) =>
      stack.formatArn({
        service: 'rds',
        region,
        resource: 'cluster',
        resourceName: identifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const target: GlobalClusterTarget = {
      ...cluster,
      globalClusterArn: stack.formatArn({
        service: 'rds',
        region: '',
        resource: 'global-cluster',
        resourceName: cluster.globalClusterIdentifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      secondaryClusterArn: clusterArn(cluster.secondaryClusterIdentifier, stack.region),
      primaryClusterArn: clusterArn(cluster.primaryClusterIdentifier, props.primaryRegion),
    };
    const tail = finish(context);
    const body =
      gameDay === 'database'
        ? databaseMoves(context, target, tail)
        : gameDay === 'region'
          ? regionMoves(context, props.regionFailover, target, tail)
          : gameDay === 'application'
            ? applicationSteps(context, this.applicationTarget(scope, props), tail)
            : communicationSteps(
                context,
                {
                  incidentTable: props.paging.incidentTable,
                  testContactTopic: this.testContactTopic,
                  incidentName: props.stateMachineNames[gameDay],
                  ackCommand: props.paging.ackCommand,
                  acknowledgeWithin: props.settings.acknowledgeWithin,
                  renderer: this.recorder.function,
                },
                tail,
              );
    const logGroup = new logs.LogGroup(scope, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: logs.RetentionDays.ONE_YEAR,
      // What each step of a game day did, read when a result is questioned.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new sfn.StateMachine(scope, 'Resource', {
      stateMachineName: props.stateMachineNames[gameDay],
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Game day: ${GAME_DAYS.find((day) => day.id === gameDay)!.title}${props.requireApproval ? ', after a human approves it' : ''}`,
      definitionBody: sfn.DefinitionBody.fromChainable(begin(context).next(approvalGate(context, body, tail))),
      tracingEnabled: true,
    });
    deliverExecutionLogs(machine, logGroup);
    acknowledgeRolePolicy(
      machine,
      this.recorder,
      gameDay === 'region' ? props.regionFailover : undefined,
      gameDay === 'application' ? Object.values(props.application.stateMachineNames) : undefined,
    );
    if (gameDay === 'communication') {
      props.paging.incidentTableKey.grant(
        machine,
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'kms:Encrypt',
        'kms:DescribeKey',
      );
    }
    if (props.requireApproval) props.highTopicKey.grant(machine, 'kms:Decrypt', 'kms:GenerateDataKey');
    props.encryptionKey.grant(machine, 'kms:Decrypt', 'kms:GenerateDataKey');
    return machine;
  }

  /** The application game day's jobs, imported by name: the machines' ARNs spelled from their fixed names. */
  private applicationTarget(scope: Construct, props: GameDaysProps): ApplicationTarget {
    const { stateMachineNames, ...rest } = props.application;
    const stack = Stack.of(this);
    const machine = (id: string, name: string) =>
      sfn.StateMachine.fromStateMachineArn(
        scope,
        id,
        stack.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
    return {
      ...rest,
      rolloutRestart: machine('RolloutRestartMachine', stateMachineNames.rolloutRestart),
      cacheRestore: machine('CacheRestoreMachine', stateMachineNames.cacheRestore),
      cacheWarmUp: machine('CacheWarmUpMachine', stateMachineNames.cacheWarmUp),
    };
  }

  private scheduleAll(
    props: GameDaysProps,
    gameDays: readonly GameDayId[],
  ): Map<GameDayId | 'audit', scheduler.Schedule> {
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: starts the game days and the daily audit of their results',
    });
    const policy = new iam.ManagedPolicy(this, 'SchedulePolicy', {
      description: 'What the game day schedules may start',
      statements: [
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: gameDays.map((gameDay) => this.stateMachines.get(gameDay)!.stateMachineArn),
        }),
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.recorder.function.functionArn],
        }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.scheduleDeadLetterQueue.queueArn] }),
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.encryptionKey.keyArn],
        }),
      ],
    });
    role.addManagedPolicy(policy);
    const targetProps = (input: Record<string, unknown>): targets.ScheduleTargetBaseProps => ({
      role: role.withoutPolicyUpdates(),
      input: scheduler.ScheduleTargetInput.fromObject(input),
      deadLetterQueue: props.scheduleDeadLetterQueue,
      retryAttempts: props.scheduleRetryAttempts,
      maxEventAge: props.scheduleMaxEventAge,
    });
    const schedules = new Map<GameDayId | 'audit', scheduler.Schedule>();
    for (const gameDay of gameDays) {
      const day = GAME_DAYS.find((candidate) => candidate.id === gameDay)!;
      schedules.set(
        gameDay,
        new scheduler.Schedule(this, `${pascal(gameDay)}Schedule`, {
          scheduleName: props.scheduleNames[gameDay],
          scheduleGroup: props.scheduleGroup,
          description: `The plan's monthly DR tests: ${day.title}, Monday ${day.week} of each month`,
          schedule: scheduler.ScheduleExpression.expression(
            gameDayCron(day.week, props.settings.hour, props.settings.minute),
            TimeZone.ETC_UTC,
          ),
          target: new targets.StepFunctionsStartExecution(this.stateMachines.get(gameDay)!, targetProps({ gameDay })),
        }),
      );
    }
    schedules.set(
      'audit',
      new scheduler.Schedule(this, 'AuditSchedule', {
        scheduleName: props.scheduleNames.audit,
        scheduleGroup: props.scheduleGroup,
        description: 'Daily: a game day whose scheduled run wrote no result in its grace is overdue',
        schedule: scheduler.ScheduleExpression.expression(AUDIT_CRON, TimeZone.ETC_UTC),
        target: new targets.LambdaInvoke(this.recorder.function, targetProps({ action: 'audit' })),
      }),
    );
    return schedules;
  }
}
