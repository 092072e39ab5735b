// "Activate this region": a Step Functions run that promotes this region's Aurora and cache members and reports how long it took.
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { arnFindingId } from '../acknowledgements';

/** Metric of a run that promoted a member: seconds from the start of the run to every member leading. */
export const FAILOVER_TIME_METRIC = 'failover_time_seconds';

/** The ElastiCache Global Datastore member of this region. */
export interface RegionFailoverCache {
  /** Id of this region's replication group, for example `async-toolformer-prod-usw2`. */
  readonly replicationGroupId: string;
  /**
   * Suffix of the Global Datastore id. ElastiCache prepends a prefix of its own, so the full id is
   * read at run time from this region's replication group; the suffix only bounds the IAM grant.
   */
  readonly globalDatastoreIdSuffix: string;
}

/** What starts a run without a human: an alarm entering ALARM. */
export interface RegionFailoverTrigger {
  /** Alarm whose transition to ALARM starts a run, for example the canary that probes the other region. */
  readonly alarm: cloudwatch.IAlarm;
  /**
   * Retries of the rule's target before the event goes to the dead-letter queue (0 to 185).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
   */
  readonly retryAttempts: number;
  /** How long EventBridge keeps retrying one event (1 minute to 24 hours). */
  readonly maxEventAge: Duration;
}

/** Props of {@link RegionFailover}. */
export interface RegionFailoverProps {
  /** Fixed name of the state machine, which the CLI and the alarms name. */
  readonly stateMachineName: string;
  /** Fixed-name SSM parameter that receives the state machine's ARN, for `failover-region.sh`. */
  readonly parameterName: string;
  /** Identifier of the stage's Aurora global cluster. */
  readonly globalClusterIdentifier: string;
  /** Identifier of this region's member cluster: the one to make the writer. */
  readonly clusterIdentifier: string;
  /** Identifier of the other region's member cluster, which the failover demotes. */
  readonly peerClusterIdentifier: string;
  /** Region of {@link peerClusterIdentifier}. */
  readonly peerRegion: string;
  /**
   * The cache member to promote alongside Aurora.
   * @default - Aurora only: the stage runs without an ElastiCache Global Datastore
   */
  readonly cache?: RegionFailoverCache;
  /** Stage, the `stage` dimension of {@link FAILOVER_TIME_METRIC}. */
  readonly stage: string;
  /** How every notice names the stage, for example `async-toolformer prod`. */
  readonly stageLabel: string;
  /** Namespace of {@link FAILOVER_TIME_METRIC}; the DR functions' namespace. */
  readonly metricNamespace: string;
  /** Topic told of every outcome: the region is active, or activation failed. */
  readonly alertTopic: sns.ITopic;
  /** Key of {@link alertTopic}: publishing to an encrypted topic needs a data key from it. */
  readonly alertTopicKey: kms.IKey;
  /**
   * Key of the execution log group and of the trigger's dead-letter queue. A key of this app, whose
   * policy already lets CloudWatch Logs of this region use it.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Pause between two looks at a member while it is being promoted.
   * @default Duration.seconds(15)
   */
  readonly pollInterval?: Duration;
  /**
   * How long each member may take to become writer or primary before the run gives up and fails.
   * AWS quotes minutes for Aurora and about one minute for ElastiCache.
   * @default Duration.minutes(15)
   */
  readonly promotionTimeout?: Duration;
  /**
   * Starts a run when an alarm enters ALARM.
   * @default - no trigger: runs start from `failover-region.sh` or the console
   */
  readonly trigger?: RegionFailoverTrigger;
}

const DEFAULT_POLL_INTERVAL = Duration.seconds(15);
const DEFAULT_PROMOTION_TIMEOUT = Duration.minutes(15);
/** Slack of the whole run over one promotion: reads, retries and notifications. */
const RUN_SLACK = Duration.minutes(10);
/** A dead-lettered trigger event waits this long for someone to look: SQS's maximum. */
const DLQ_RETENTION = Duration.days(14);

/** Retries of read-only calls: a throttled or briefly failing read must not end a failover. */
const READ_RETRY: sfn.RetryProps = { maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 };

/** A JSONata expression as Step Functions wants it in a string field. */
const jsonata = (expression: string) => `{% ${expression} %}`;

/** Milliseconds since the run started, in JSONata. */
const ELAPSED_MS = '($millis() - $toMillis($states.context.Execution.StartTime))';

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

  private readonly props: RegionFailoverProps;
  private readonly pollInterval: Duration;
  private readonly timeoutMs: number;

  constructor(scope: Construct, id: string, props: RegionFailoverProps) {
    super(scope, id);
    this.props = props;
    this.pollInterval = props.pollInterval ?? DEFAULT_POLL_INTERVAL;
    const promotionTimeout = props.promotionTimeout ?? DEFAULT_PROMOTION_TIMEOUT;
    if (this.pollInterval.toSeconds() < 1 || this.pollInterval.toSeconds() >= promotionTimeout.toSeconds()) {
      throw new Error(
        `pollInterval must be at least 1 second and shorter than promotionTimeout (${promotionTimeout.toHumanString()}), got: ${this.pollInterval.toHumanString()}`,
      );
    }
    this.timeoutMs = promotionTimeout.toMilliseconds();

    const region = Stack.of(this).region;
    const promote = sfn.Parallel.jsonata(this, 'Promote', {
      comment: `Make ${region} the Aurora writer${props.cache ? ' and the cache primary' : ''}`,
      assign: {
        // Taken once both branches are done, so the metric and the message report the same figure.
        failoverSeconds: jsonata(`$round(${ELAPSED_MS} / 1000)`),
        // Each branch ends with whether it promoted its member or found it already leading.
        promoted: jsonata('$count($states.result[promoted = true]) > 0'),
      },
    });
    promote.branch(this.auroraBranch());
    if (props.cache) promote.branch(this.cacheBranch(props.cache));

    const record = tasks.CallAwsService.jsonata(this, 'RecordFailoverTime', {
      service: 'cloudwatch',
      action: 'putMetricData',
      // Granted in the role's managed policy, limited to the namespace by condition.
      iamResources: ['*'],
      parameters: {
        Namespace: props.metricNamespace,
        MetricData: [
          {
            MetricName: FAILOVER_TIME_METRIC,
            Unit: 'Seconds',
            Value: jsonata('$failoverSeconds'),
            Dimensions: [
              { Name: 'stage', Value: props.stage },
              { Name: 'region', Value: region },
            ],
          },
        ],
      },
    });
    const notifyActive = tasks.SnsPublish.jsonata(this, 'NotifyActive', {
      topic: props.alertTopic,
      subject: `${props.stageLabel}: ${region} is active`,
      message: sfn.TaskInput.fromText(
        jsonata(
          `'${props.stageLabel}: ${region} is active. ${this.activeWhat(region)} ' & ` +
            `($promoted ? 'Failover took ' & $string($failoverSeconds) & ' s' : 'It already was: nothing was promoted') & ` +
            `' (execution ' & $states.context.Execution.Name & ').'`,
        ),
      ),
    });
    const notifyFailure = tasks.SnsPublish.jsonata(this, 'NotifyFailure', {
      topic: props.alertTopic,
      subject: `${props.stageLabel}: activating ${region} FAILED`,
      message: sfn.TaskInput.fromText(
        jsonata(
          `'${props.stageLabel}: activating ${region} failed after ' & $string($round(${ELAPSED_MS} / 1000)) & ' s: ' & ` +
            `$states.input.Error & ': ' & $states.input.Cause & ' Execution: ' & $states.context.Execution.Id & '. ` +
            `Follow the README runbook to finish by hand.'`,
        ),
      ),
    });
    const failed = sfn.Fail.jsonata(this, 'Failed', {
      error: 'RegionActivationFailed',
      cause: `${region} was not activated; the critical topic has the error`,
    });
    notifyFailure.next(failed);
    notifyActive.next(new sfn.Succeed(this, 'Active'));
    for (const state of [promote, record, notifyActive]) state.addCatch(notifyFailure);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: logs.RetentionDays.ONE_YEAR,
      // The log is the record of what a failover did, wanted most after the fact.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = this.createRole();
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Activates ${region}: Aurora writer${props.cache ? ', cache primary' : ''}, then ${FAILOVER_TIME_METRIC}`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        promote.next(
          sfn.Choice.jsonata(this, 'AnythingPromoted?')
            .when(sfn.Condition.jsonata(jsonata('$promoted')), record.next(notifyActive))
            .otherwise(notifyActive),
        ),
      ),
      // Every statement the tasks would add is in the role's managed policy, written out below.
      role: role.withoutPolicyUpdates(),
      timeout: Duration.seconds(promotionTimeout.toSeconds() + RUN_SLACK.toSeconds()),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // The state machine depends on its role through the role's ARN already; the DependsOn CDK adds
    // for a given role repeats it, which cfn-lint W3005 flags.
    (this.stateMachine.node.defaultChild as sfn.CfnStateMachine).addDeletionOverride('DependsOn');

    this.parameter = new ssm.StringParameter(this, 'ArnParameter', {
      parameterName: props.parameterName,
      stringValue: this.stateMachine.stateMachineArn,
      description: `ARN of the state machine that activates ${region}; scripts/disaster-recovery/failover-region.sh reads it`,
    });

    if (props.trigger) {
      const { rule, deadLetterQueue } = this.createTrigger(props.trigger);
      this.trigger = rule;
      this.triggerAlarm = props.trigger.alarm;
      this.triggerDeadLetterQueue = deadLetterQueue;
    }
  }

  // --- state machine ------------------------------------------------------------------------------

  private activeWhat(region: string): string {
    return this.props.cache
      ? `The Aurora writer and the cache primary are in ${region}.`
      : `The Aurora writer is in ${region}.`;
  }

  private clusterArn(): string {
    return Arn.format(
      {
        service: 'rds',
        resource: 'cluster',
        resourceName: this.props.clusterIdentifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
  }

  /**
   * DescribeGlobalClusters, then whether this region's member is the writer. Step Functions names
   * RDS fields as the Java SDK v2 does (`DbClusterArn`) where the API reference writes
   * `DBClusterArn`; matching either keeps the check right whichever spelling arrives.
   */
  private describeGlobalCluster(id: string): tasks.CallAwsService {
    const { globalClusterIdentifier } = this.props;
    const arn = this.clusterArn();
    const members = `$states.result.GlobalClusters[0].GlobalClusterMembers[DbClusterArn = '${arn}' or DBClusterArn = '${arn}']`;
    const task = tasks.CallAwsService.jsonata(this, id, {
      service: 'rds',
      action: 'describeGlobalClusters',
      iamResources: [this.globalClusterArn()],
      parameters: { GlobalClusterIdentifier: globalClusterIdentifier },
      assign: { auroraWriter: jsonata(`${members}.IsWriter = true`) },
    });
    task.addRetry(READ_RETRY);
    return task;
  }

  private auroraBranch(): sfn.IChainable {
    const { globalClusterIdentifier } = this.props;
    const wasWriter = sfn.Succeed.jsonata(this, 'AuroraWriterAlready', { outputs: { promoted: false } });
    const writer = sfn.Succeed.jsonata(this, 'AuroraWriterNow', { outputs: { promoted: true } });
    const failover = tasks.CallAwsService.jsonata(this, 'FailoverGlobalCluster', {
      comment: 'Unplanned failover: the other region may be gone, so replication lag is accepted as lost',
      service: 'rds',
      action: 'failoverGlobalCluster',
      iamResources: [this.globalClusterArn()],
      parameters: {
        GlobalClusterIdentifier: globalClusterIdentifier,
        // The ARN, so that Aurora finds the cluster in its region.
        TargetDbClusterIdentifier: this.clusterArn(),
        AllowDataLoss: true,
      },
      assign: { auroraDeadline: jsonata(`$millis() + ${this.timeoutMs}`) },
    });
    const wait = sfn.Wait.jsonata(this, 'WaitForAurora', { time: sfn.WaitTime.duration(this.pollInterval) });
    const timedOut = sfn.Fail.jsonata(this, 'AuroraPromotionTimedOut', {
      error: 'AuroraPromotionTimedOut',
      cause: `this region's cluster was not the writer of ${globalClusterIdentifier} ${this.timeoutMs / 60_000} minutes after the failover`,
    });
    const poll = this.describeGlobalCluster('DescribeGlobalClusterAgain').next(
      sfn.Choice.jsonata(this, 'AuroraPromoted?')
        .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), writer)
        .when(sfn.Condition.jsonata(jsonata('$millis() > $auroraDeadline')), timedOut)
        .otherwise(wait),
    );
    wait.next(poll);
    return this.describeGlobalCluster('DescribeGlobalCluster').next(
      sfn.Choice.jsonata(this, 'AuroraAlreadyWriter?')
        .when(sfn.Condition.jsonata(jsonata('$auroraWriter')), wasWriter)
        .otherwise(failover.next(wait)),
    );
  }

  /**
   * The full Global Datastore id carries a prefix ElastiCache chose, so it is read from this
   * region's replication group, which also says whether it already is the primary.
   */
  private cacheBranch(cache: RegionFailoverCache): sfn.IChainable {
    const region = Stack.of(this).region;
    const info = '$states.input.GlobalReplicationGroupInfo';
    const wasPrimary = sfn.Succeed.jsonata(this, 'CachePrimaryAlready', { outputs: { promoted: false } });
    const primary = sfn.Succeed.jsonata(this, 'CachePrimaryNow', { outputs: { promoted: true } });
    const describeGroup = tasks.CallAwsService.jsonata(this, 'DescribeReplicationGroup', {
      service: 'elasticache',
      action: 'describeReplicationGroups',
      iamResources: [this.replicationGroupArn(cache)],
      parameters: { ReplicationGroupId: cache.replicationGroupId },
      outputs: jsonata('$states.result.ReplicationGroups[0]'),
    });
    describeGroup.addRetry(READ_RETRY);
    const notMember = sfn.Fail.jsonata(this, 'CacheNotInGlobalDatastore', {
      error: 'CacheNotInGlobalDatastore',
      cause: `replication group ${cache.replicationGroupId} is not a member of a Global Datastore, so it cannot be promoted`,
    });
    const failover = tasks.CallAwsService.jsonata(this, 'FailoverGlobalReplicationGroup', {
      service: 'elasticache',
      action: 'failoverGlobalReplicationGroup',
      iamResources: [this.globalDatastoreArn(cache), this.replicationGroupArn(cache)],
      parameters: {
        GlobalReplicationGroupId: jsonata(`${info}.GlobalReplicationGroupId`),
        PrimaryRegion: region,
        PrimaryReplicationGroupId: cache.replicationGroupId,
      },
      assign: {
        cacheGlobalId: jsonata(`${info}.GlobalReplicationGroupId`),
        cacheDeadline: jsonata(`$millis() + ${this.timeoutMs}`),
      },
    });
    const wait = sfn.Wait.jsonata(this, 'WaitForCache', { time: sfn.WaitTime.duration(this.pollInterval) });
    const describeDatastore = tasks.CallAwsService.jsonata(this, 'DescribeGlobalDatastore', {
      service: 'elasticache',
      action: 'describeGlobalReplicationGroups',
      iamResources: [this.globalDatastoreArn(cache)],
      parameters: { GlobalReplicationGroupId: jsonata('$cacheGlobalId'), ShowMemberInfo: true },
      assign: {
        cachePrimary: jsonata(
          `$lowercase($states.result.GlobalReplicationGroups[0].Members[ReplicationGroupRegion = '${region}' and ReplicationGroupId = '${cache.replicationGroupId}'].Role) = 'primary'`,
        ),
      },
    });
    describeDatastore.addRetry(READ_RETRY);
    const timedOut = sfn.Fail.jsonata(this, 'CachePromotionTimedOut', {
      error: 'CachePromotionTimedOut',
      cause: `${cache.replicationGroupId} was not the primary of its Global Datastore ${this.timeoutMs / 60_000} minutes after the failover`,
    });
    wait.next(describeDatastore).next(
      sfn.Choice.jsonata(this, 'CachePromoted?')
        .when(sfn.Condition.jsonata(jsonata('$cachePrimary')), primary)
        .when(sfn.Condition.jsonata(jsonata('$millis() > $cacheDeadline')), timedOut)
        .otherwise(wait),
    );
    return describeGroup.next(
      sfn.Choice.jsonata(this, 'CacheAlreadyPrimary?')
        .when(sfn.Condition.jsonata(jsonata(`$not($exists(${info}.GlobalReplicationGroupId))`)), notMember)
        .when(
          sfn.Condition.jsonata(jsonata(`$lowercase(${info}.GlobalReplicationGroupMemberRole) = 'primary'`)),
          wasPrimary,
        )
        .otherwise(failover.next(wait)),
    );
  }

  // --- IAM ----------------------------------------------------------------------------------------

  private globalClusterArn(): string {
    // Global clusters have no region in their ARN.
    return Stack.of(this).formatArn({
      service: 'rds',
      region: '',
      resource: 'global-cluster',
      resourceName: this.props.globalClusterIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private memberClusterArns(): string[] {
    const stack = Stack.of(this);
    return [
      this.clusterArn(),
      stack.formatArn({
        service: 'rds',
        region: this.props.peerRegion,
        resource: 'cluster',
        resourceName: this.props.peerClusterIdentifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ];
  }

  private globalDatastoreArn(cache: RegionFailoverCache): string {
    // Global Datastores have no region in their ARN, and their id starts with a prefix AWS picks.
    return Stack.of(this).formatArn({
      service: 'elasticache',
      region: '',
      resource: 'globalreplicationgroup',
      resourceName: `*-${cache.globalDatastoreIdSuffix}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private replicationGroupArn(cache: RegionFailoverCache): string {
    return Stack.of(this).formatArn({
      service: 'elasticache',
      resource: 'replicationgroup',
      resourceName: cache.replicationGroupId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * Our own role with one managed policy, written out statement by statement: the role the state
   * machine would generate carries an inline policy, and its task statements cannot take the
   * namespace condition PutMetricData needs.
   */
  private createRole(): iam.Role {
    const { props } = this;
    const statements = [
      new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters'], resources: [this.globalClusterArn()] }),
      new iam.PolicyStatement({
        actions: ['rds:FailoverGlobalCluster'],
        resources: [this.globalClusterArn(), ...this.memberClusterArns()],
      }),
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
      }),
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
      // The alert topic is KMS-encrypted: publishing needs a data key from its key.
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.alertTopicKey.keyArn],
      }),
      // What Step Functions needs to deliver its logs and traces; none of these has a resource-level form.
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    ];
    if (props.cache) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['elasticache:DescribeReplicationGroups'],
          resources: [this.replicationGroupArn(props.cache)],
        }),
        new iam.PolicyStatement({
          actions: ['elasticache:DescribeGlobalReplicationGroups'],
          resources: [this.globalDatastoreArn(props.cache)],
        }),
        new iam.PolicyStatement({
          actions: ['elasticache:FailoverGlobalReplicationGroup'],
          resources: [this.globalDatastoreArn(props.cache), this.replicationGroupArn(props.cache)],
        }),
      );
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What the region failover of ${Stack.of(this).region} may do: promote, record, notify, log`,
      statements,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Runs ${props.stateMachineName}`,
      // Attached through the role, so the state machine, which reads the role, comes after the
      // policy: Step Functions checks its log delivery rights when it is created.
      managedPolicies: [policy],
    });
    const acknowledgements: Record<string, string> = {
      'Resource::*':
        'CloudWatch Logs delivery and X-Ray actions support no resource-level permissions, and PutMetricData is ' +
        'limited to the DR metric namespace by a condition.',
    };
    if (props.cache) {
      acknowledgements[`Resource::${arnFindingId(Stack.of(this).resolve(this.globalDatastoreArn(props.cache)))}`] =
        "ElastiCache prefixes the Global Datastore id with letters of its own choosing; the grant covers only the stage's suffix.";
    }
    for (const [finding, reason] of Object.entries(acknowledgements)) {
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    return role;
  }

  // --- trigger ------------------------------------------------------------------------------------

  private createTrigger(trigger: RegionFailoverTrigger): { rule: events.Rule; deadLetterQueue: sqs.Queue } {
    const stack = Stack.of(this);
    const retries = trigger.retryAttempts;
    if (!Token.isUnresolved(retries) && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
      throw new Error(`trigger.retryAttempts must be an integer from 0 to 185, got: ${retries}`);
    }
    const deadLetterQueue = new sqs.Queue(this, 'TriggerDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the failover trigger; a DLQ of its own would only move the question.',
    });
    const ruleName = `${this.props.stateMachineName}-trigger`;
    const rule = new events.Rule(this, 'Trigger', {
      ruleName,
      // Names only the state machine: the alarm's name would be one more reference to the alarm's stack.
      description: `Starts ${this.props.stateMachineName} when the alarm of its event pattern enters ALARM`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [trigger.alarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
    });
    // EventBridge writes to the encrypted DLQ itself, so the key must admit it, for this rule only.
    // The rule's ARN is spelled from its fixed name: a reference would make the key wait for the
    // rule, which waits for the state machine, whose log group waits for the key.
    const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
    const granted = this.props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );
    if (!granted.statementAdded) {
      throw new Error(`the encryption key given to ${this.node.path} is imported; pass a key created in this app`);
    }
    const startPolicy = new iam.ManagedPolicy(this, 'TriggerPolicy', {
      description: `What the failover trigger may do: start ${this.props.stateMachineName}`,
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
      ],
    });
    const role = new iam.Role(this, 'TriggerRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `EventBridge: starts ${this.props.stateMachineName} when its trigger alarm enters ALARM`,
      managedPolicies: [startPolicy],
    });
    rule.addTarget(
      new targets.SfnStateMachine(this.stateMachine, {
        role: role.withoutPolicyUpdates(),
        deadLetterQueue,
        retryAttempts: retries,
        maxEventAge: trigger.maxEventAge,
        // Kept in the execution's input, so its history says what started the run.
        input: events.RuleTargetInput.fromObject({
          requestedBy: 'alarm',
          alarm: events.EventField.fromPath('$.detail.alarmName'),
          reason: events.EventField.fromPath('$.detail.state.reason'),
        }),
      }),
    );
    return { rule, deadLetterQueue };
  }
}
