// A CloudWatch Synthetics canary that probes another region's endpoint (and the public name) from this region, with its alarms.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { AVAILABILITY_PUBLIC_ENDPOINT, METRICS_NAMESPACE } from '../contract';
import { serviceAvailability } from './dr-metrics';
import { EncryptionKey } from './encryption-key';
import { probeScript } from './probe-script';

/** Failed runs in a row before a probe alarm goes off. */
export const FAILED_RUNS_TO_ALARM = 2;

/** Runtime of every probe: the newest Node.js Puppeteer runtime of this aws-cdk-lib. */
export const PROBE_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;

/** Props of {@link EndpointProbe}. */
export interface EndpointProbeProps {
  /** Name of the canary: lower case, at most 21 characters. */
  readonly canaryName: string;
  /** Host name to probe over HTTPS, for example `api-use1.async-toolformer.example.com`. */
  readonly domainName: string;
  /** Path that must answer 200. */
  readonly path: string;
  /** How often the canary runs: 1 to 60 whole minutes. */
  readonly interval: Duration;
  /** What the alarm says is unreachable, for example `primary region (us-east-1)`. */
  readonly description: string;
  /** Topic of this region that the alarm pages. */
  readonly topic: sns.ITopic;
  /** Bucket that receives the artifact bucket's server access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** How long canary artifacts (screenshots, HAR files, logs) are kept. */
  readonly artifactRetention: Duration;
  /**
   * Fixed name of {@link EndpointProbe.failoverAlarm}: the failover decision re-reads it by name.
   * @default - a name CloudFormation generates
   */
  readonly failoverAlarmName?: string;
  /**
   * Failed runs in a row before {@link EndpointProbe.failoverAlarm} goes off. The failover decision
   * acts only when Route 53's view agrees, so one run is enough there; the paging alarm keeps
   * {@link FAILED_RUNS_TO_ALARM}.
   * @default FAILED_RUNS_TO_ALARM
   */
  readonly failoverRuns?: number;
  /**
   * Report `service_availability_percentage` of this endpoint and of the public name each run,
   * with an alarm on each.
   * @default - no availability datapoints and no availability alarms
   */
  readonly availability?: ProbeAvailability;
}

/** What {@link EndpointProbeProps.availability} reports and whom its alarms notify. */
export interface ProbeAvailability {
  /** The `stage` dimension. */
  readonly stage: string;
  /** The region `domainName` serves: the `endpoint` dimension of its datapoints. */
  readonly endpointRegion: string;
  /** The public name, `api.<zone>`, probed by a GET that never fails the run. */
  readonly publicDomainName: string;
  /**
   * Notified when the public name is unavailable: customers see the outage, and the Core API is
   * the plan's critical tier.
   */
  readonly publicTopic: sns.ITopic;
  /**
   * Notified when `domainName` is unavailable while the public name may still serve from the
   * other region: no customer need see it, but the warm standby (or the primary) is gone.
   */
  readonly endpointTopic: sns.ITopic;
}

/**
 * Route 53 health check metrics exist only in us-east-1, so an outage there would also blind the
 * alarms on them. A canary in the other region keeps watching: the us-west-2 canary probes the
 * primary, the us-east-1 canary probes the secondary that a failover would land on.
 */
export class EndpointProbe extends Construct {
  public readonly canary: synthetics.Canary;
  /** Pages when the endpoint stops serving, or when the canary itself stops reporting. */
  public readonly alarm: cloudwatch.Alarm;
  /**
   * Goes off only on failed runs, never on missing ones: the alarm an automated failover may start
   * on. A canary that stops running must page (`alarm`), not promote the other region with data loss.
   */
  public readonly failoverAlarm: cloudwatch.Alarm;
  /** On `service_availability_percentage`, when {@link EndpointProbeProps.availability} is given: of the public name, and of this endpoint. */
  public readonly availabilityAlarms?: { readonly public: cloudwatch.Alarm; readonly endpoint: cloudwatch.Alarm };

  constructor(scope: Construct, id: string, props: EndpointProbeProps) {
    super(scope, id);
    if (!/^[0-9a-z_-]{1,21}$/.test(props.canaryName)) {
      throw new Error(`canaryName must be 1 to 21 lower-case letters, digits, - or _, got: ${props.canaryName}`);
    }
    const key = new EncryptionKey(this, 'ArtifactsKey', { purpose: `canary artifacts of ${props.canaryName}` }).key;
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: `canary/${props.canaryName}/`,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: props.artifactRetention, noncurrentVersionExpiration: Duration.days(1) }],
    });
    Validations.of(artifacts).acknowledge({
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'Canary artifacts (screenshots, HAR files) describe probes run from this region and expire after the ' +
        'configured retention; a copy in the other region would serve no recovery.',
    });

    const stack = Stack.of(this);
    // Our own role with one managed policy: the role the canary would generate carries inline
    // policies, and its grants would add more. This is everything a canary run needs.
    const logGroups = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-${props.canaryName}-*`;
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What canary ${props.canaryName} may do: write its artifacts, logs and metrics`,
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [artifacts.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [artifacts.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          // Synthetics' own metrics, and the availability datapoints of the script.
          conditions: {
            StringEquals: {
              'cloudwatch:namespace': props.availability
                ? ['CloudWatchSynthetics', METRICS_NAMESPACE]
                : 'CloudWatchSynthetics',
            },
          },
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroups],
        }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs canary ${props.canaryName}`,
      managedPolicies: [policy],
    });
    const wildcards: Record<string, string> = {
      [`Resource::<${stack.getLogicalId(artifacts.node.defaultChild as s3.CfnBucket)}.Arn>/*`]:
        'The canary writes one object per run under keys it generates, all inside its own artifact bucket.',
      'Resource::*':
        'ListAllMyBuckets has no resource-level form, and PutMetricData is limited to the CloudWatchSynthetics namespace by a condition.',
      [`Resource::${logGroups}`]:
        'Lambda names the log group of the canary function cwsyn-<canary>-<random id>; the grant is limited to this canary prefix.',
    };
    for (const [finding, reason] of Object.entries(wildcards)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${reason} Synthetics documents these permissions.`,
      });
    }

    this.canary = new synthetics.Canary(this, 'Resource', {
      role: role.withoutPolicyUpdates(),
      canaryName: props.canaryName,
      runtime: PROBE_RUNTIME,
      test: synthetics.Test.custom({
        code: synthetics.Code.fromInline(
          probeScript({
            domainName: props.domainName,
            path: props.path,
            ...(props.availability
              ? {
                  availability: {
                    stage: props.availability.stage,
                    endpointRegion: props.availability.endpointRegion,
                    publicDomainName: props.availability.publicDomainName,
                  },
                }
              : {}),
          }),
        ),
        handler: 'index.handler',
      }),
      schedule: synthetics.Schedule.rate(props.interval),
      timeout: Duration.seconds(30),
      artifactsBucketLocation: { bucket: artifacts },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
      artifactS3KmsKey: key,
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(31),
      provisionedResourceCleanup: true,
    });

    const failedRuns = {
      metric: this.canary.metricSuccessPercent({ period: props.interval, statistic: 'Average' }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // Two failed runs in a row: one lost probe is noise, two is an outage.
      evaluationPeriods: FAILED_RUNS_TO_ALARM,
      datapointsToAlarm: FAILED_RUNS_TO_ALARM,
    };
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      ...failedRuns,
      alarmDescription: `Canary ${props.canaryName} cannot reach https://${props.domainName}${props.path}: the ${props.description} is not serving, seen from outside its region`,
      // A canary that stopped running watches nothing.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const failoverRuns = props.failoverRuns ?? FAILED_RUNS_TO_ALARM;
    if (!Number.isInteger(failoverRuns) || failoverRuns < 1 || failoverRuns > FAILED_RUNS_TO_ALARM) {
      throw new Error(`failoverRuns must be an integer from 1 to ${FAILED_RUNS_TO_ALARM}, got: ${failoverRuns}`);
    }
    this.failoverAlarm = new cloudwatch.Alarm(this, 'FailoverAlarm', {
      ...failedRuns,
      evaluationPeriods: failoverRuns,
      datapointsToAlarm: failoverRuns,
      ...(props.failoverAlarmName ? { alarmName: props.failoverAlarmName } : {}),
      alarmDescription: `Canary ${props.canaryName} failed ${failoverRuns} run(s) in a row against https://${props.domainName}${props.path}: the ${props.description} is down (signal S1 of the failover decision; it acts only with S2)`,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(props.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);
    // On-call hears at once that an automated failover may be starting, not only when it ends.
    this.failoverAlarm.addAlarmAction(action);
    if (props.availability) this.availabilityAlarms = this.availabilityAlarmsOf(props, props.availability);
  }

  /** Two unavailable minutes in a row, or two without a datapoint: the same rule as {@link EndpointProbe.alarm}. */
  private availabilityAlarmsOf(props: EndpointProbeProps, availability: ProbeAvailability) {
    const alarm = (id: string, endpoint: string, what: string, topic: sns.ITopic) => {
      const created = serviceAvailability(availability.stage, endpoint, props.interval).createAlarm(this, id, {
        threshold: 100,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: FAILED_RUNS_TO_ALARM,
        datapointsToAlarm: FAILED_RUNS_TO_ALARM,
        // A probe that stopped reporting proves nothing available.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `service_availability_percentage of ${what} below 100% for ${FAILED_RUNS_TO_ALARM} probe runs in a row, seen by canary ${props.canaryName} from outside it`,
      });
      const notify = new actions.SnsAction(topic);
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };
    return {
      public: alarm(
        'PublicAvailabilityAlarm',
        AVAILABILITY_PUBLIC_ENDPOINT,
        `https://${availability.publicDomainName}${props.path}`,
        availability.publicTopic,
      ),
      endpoint: alarm(
        'AvailabilityAlarm',
        availability.endpointRegion,
        `https://${props.domainName}${props.path}`,
        availability.endpointTopic,
      ),
    };
  }
}
