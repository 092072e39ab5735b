// The failover decision in the secondary region: signal S2 (dns-view and its alarm), the composite alarms built from the decision table, and the DNS fence alarm.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ALARM_STATE_OF_SIGNAL,
  DIMENSION,
  FENCE_PERIOD_SECONDS,
  FUNCTIONS,
  METRIC,
  METRICS_NAMESPACE,
  rowsWith,
  type DecisionOutcome,
} from '../contract';
import type { AutomationAlarms } from './automation-alarms';
import { DrFunction } from './dr-function';

/** Fixed names of the alarms of {@link FailoverSignals} (lib/naming `failoverAlarmNames`). */
export interface FailoverAlarmNames {
  readonly route53View: string;
  readonly route53ViewHeartbeat: string;
  readonly activate: string;
  readonly disagreement: string;
  readonly fence: string;
}

/** The names dns-view compares. */
export interface DnsViewNames {
  /** The hosted zone whose authoritative name servers are asked. */
  readonly zoneName: string;
  /** `api.<zone>`, the failover name. */
  readonly failoverName: string;
  /** The primary region's own name, `api-use1.<zone>`. */
  readonly primaryName: string;
  /** The secondary region's own name, `api-usw2.<zone>`. */
  readonly secondaryName: string;
}

/** Props of {@link FailoverSignals}. */
export interface FailoverSignalsProps {
  /** Stage: the `stage` dimension of dns-view's metric and of the fence metric. */
  readonly stage: string;
  /** S1: the out-of-region canary's failover alarm on the primary's endpoint, in this region. */
  readonly probeAlarm: cloudwatch.IAlarm;
  readonly names: FailoverAlarmNames;
  readonly dnsView: DnsViewNames;
  /** Topic that the disagreement, a blind S2 and the fence page. */
  readonly criticalTopic: sns.ITopic;
  /** Key of dns-view's logs, queue and environment; a key of this app. */
  readonly encryptionKey: kms.IKey;
  /** VPC of dns-view: it resolves through the VPC resolver and asks Route 53's name servers over the NAT. */
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Pages on dns-view's errors, throttles and dead letters. */
  readonly alarms: AutomationAlarms;
  /**
   * Seconds between two samples of dns-view, and the period of the S2 alarm: 10 or 30 (the periods
   * of a high-resolution alarm that divide a minute), so that S2 sees a change within seconds of Route 53.
   * @default Duration.seconds(10)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#high-resolution-alarms
   */
  readonly sampleInterval?: Duration;
  /**
   * Consecutive samples in which Route 53 answers the secondary before S2 says the primary is down.
   * @default 3
   */
  readonly samplesToAlarm?: number;
}

const DEFAULT_SAMPLE_INTERVAL = Duration.seconds(10);
const DEFAULT_SAMPLES_TO_ALARM = 3;
/** dns-view runs once a minute and samples through it; the EventBridge schedule cannot go faster. */
const RUN_INTERVAL = Duration.minutes(1);

/**
 * The decision of issue 12, seen from the secondary region and nothing else: S1 (the canary's
 * failover alarm) and S2 (Route 53's own answer for the failover name, sampled by dns-view) feed two
 * composite alarms built from `DECISION_TABLE`: `activate` (the `act` rows) starts the region
 * failover, `disagreement` (the `page` rows) pages. The fence alarm is here too: it must live in
 * the region that survives, because the primary record's health check reads it during an outage.
 */
export class FailoverSignals extends Construct {
  public readonly dnsView: DrFunction;
  /** S2: Route 53 has stopped answering the failover name with the primary. */
  public readonly route53ViewAlarm: cloudwatch.Alarm;
  /** dns-view stopped reporting: S2 is blind. */
  public readonly heartbeatAlarm: cloudwatch.Alarm;
  /** ALARM(S1) AND ALARM(S2): the rows of the table that act. */
  public readonly activateAlarm: cloudwatch.CompositeAlarm;
  /** The rows of the table that page. */
  public readonly disagreementAlarm: cloudwatch.CompositeAlarm;
  /** The DNS fence: in ALARM, the primary record's calculated health check is unhealthy. */
  public readonly fenceAlarm: cloudwatch.Alarm;
  /** Seconds from Route 53's switch to S2 in ALARM, at most: sample interval x (samples to alarm + 1). */
  public readonly route53ViewDetection: Duration;

  constructor(scope: Construct, id: string, props: FailoverSignalsProps) {
    super(scope, id);
    const interval = (props.sampleInterval ?? DEFAULT_SAMPLE_INTERVAL).toSeconds();
    if (![10, 30].includes(interval)) {
      throw new Error(`sampleInterval must be 10 or 30 seconds (a high-resolution alarm period), got: ${interval}`);
    }
    const samplesToAlarm = props.samplesToAlarm ?? DEFAULT_SAMPLES_TO_ALARM;
    if (!Number.isInteger(samplesToAlarm) || samplesToAlarm < 1 || samplesToAlarm > 30) {
      throw new Error(`samplesToAlarm must be an integer from 1 to 30, got: ${samplesToAlarm}`);
    }
    this.route53ViewDetection = Duration.seconds(interval * (samplesToAlarm + 1));
    const page = new actions.SnsAction(props.criticalTopic);

    this.dnsView = new DrFunction(this, 'DnsView', {
      contract: FUNCTIONS.dnsView,
      description: 'Signal S2 of the failover decision: what Route 53 answers for the failover name, every 10 s',
      stage: props.stage,
      encryptionKey: props.encryptionKey,
      environment: {
        ZONE_NAME: props.dnsView.zoneName,
        FAILOVER_NAME: props.dnsView.failoverName,
        PRIMARY_NAME: props.dnsView.primaryName,
        SECONDARY_NAME: props.dnsView.secondaryName,
        SAMPLES_PER_RUN: String(RUN_INTERVAL.toSeconds() / interval),
        SAMPLE_INTERVAL_SECONDS: String(interval),
      },
      // Samples through the minute: the last one starts about one interval before the next run.
      timeout: Duration.seconds(RUN_INTERVAL.toSeconds() + 15),
      memorySize: 128,
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: 'private' },
      securityGroups: [props.securityGroup],
      // A run lasts most of a minute: two, so a run that ends late never throttles the next one.
      reservedConcurrentExecutions: 2,
      retryAttempts: 0,
    });
    props.alarms.functionHealth('DnsView', this.dnsView);
    new events.Rule(this, 'Schedule', {
      description: 'Runs dns-view every minute; it samples Route 53 through the minute',
      schedule: events.Schedule.rate(RUN_INTERVAL),
      targets: [new targets.LambdaFunction(this.dnsView.function, { retryAttempts: 0 })],
    });

    const answered = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.route53PrimaryAnswered,
      dimensionsMap: {
        [DIMENSION.service]: FUNCTIONS.dnsView.service,
        [DIMENSION.stage]: props.stage,
        [DIMENSION.region]: this.dnsView.function.env.region,
      },
    });
    this.route53ViewAlarm = new cloudwatch.Alarm(this, 'Route53View', {
      alarmName: props.names.route53View,
      alarmDescription:
        `S2: Route 53's name servers answered ${props.dnsView.failoverName} with something other than ` +
        `${props.dnsView.primaryName} in ${samplesToAlarm} samples in a row: Route 53 sees the primary down`,
      // Maximum: one sample of the period that still saw the primary keeps S2 at OK.
      metric: answered.with({ statistic: 'Maximum', period: Duration.seconds(interval) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: samplesToAlarm,
      datapointsToAlarm: samplesToAlarm,
      // A blind view must never count as "primary down": the heartbeat pages instead.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Like S1's alarm: on-call hears that Route 53 has moved traffic off the primary, whatever S1 says.
    this.route53ViewAlarm.addAlarmAction(page);
    this.heartbeatAlarm = new cloudwatch.Alarm(this, 'Route53ViewHeartbeat', {
      alarmName: props.names.route53ViewHeartbeat,
      alarmDescription: `dns-view reported no conclusive answer for ${props.dnsView.failoverName} for 3 minutes: S2 is blind and automatic failover cannot act`,
      metric: answered.with({ statistic: 'SampleCount', period: RUN_INTERVAL }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.heartbeatAlarm.addAlarmAction(page);
    this.heartbeatAlarm.addOkAction(page);

    const rule = (outcome: DecisionOutcome) =>
      cloudwatch.AlarmRule.anyOf(
        ...rowsWith(outcome).map((row) =>
          cloudwatch.AlarmRule.allOf(
            cloudwatch.AlarmRule.fromAlarm(props.probeAlarm, ALARM_STATE_OF_SIGNAL[row.probe] as cloudwatch.AlarmState),
            cloudwatch.AlarmRule.fromAlarm(
              this.route53ViewAlarm,
              ALARM_STATE_OF_SIGNAL[row.route53] as cloudwatch.AlarmState,
            ),
          ),
        ),
      );
    this.activateAlarm = new cloudwatch.CompositeAlarm(this, 'Activate', {
      compositeAlarmName: props.names.activate,
      alarmDescription:
        'Both signals say the primary is down (S1 probe and S2 Route 53 view): the region failover activates this region',
      alarmRule: rule('act'),
    });
    // On-call hears at once that an activation is starting, not only when it ends.
    this.activateAlarm.addAlarmAction(page);
    this.disagreementAlarm = new cloudwatch.CompositeAlarm(this, 'Disagreement', {
      compositeAlarmName: props.names.disagreement,
      alarmDescription:
        'The failover signals disagree or one is blind (docs/runbooks/failover-decision.md): nothing is promoted; a human decides',
      alarmRule: rule('page'),
      // In a real outage S1 and S2 go to ALARM some seconds apart: the page waits for them to agree.
      actionsSuppressor: this.activateAlarm,
      actionsSuppressorWaitPeriod: Duration.minutes(2),
      actionsSuppressorExtensionPeriod: Duration.minutes(1),
    });
    this.disagreementAlarm.addAlarmAction(page);

    this.fenceAlarm = new cloudwatch.Alarm(this, 'Fence', {
      alarmName: props.names.fence,
      alarmDescription:
        'DNS fence: in ALARM, Route 53 treats the primary record as unhealthy and answers the secondary. ' +
        'Raised by an activation of this region, lifted only by a planned failback (docs/runbooks/failover-fence.md)',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.failoverFence,
        dimensionsMap: { [DIMENSION.stage]: props.stage },
        statistic: 'Maximum',
        period: Duration.seconds(FENCE_PERIOD_SECONDS),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // The state machine publishes once; the alarm must hold that state until the next value.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    this.fenceAlarm.addAlarmAction(page);
    this.fenceAlarm.addOkAction(page);
  }
}
