// One Synthetics canary per third-party API provider, GETting its health URL, with the outage alarm the fallback and AppConfig's rollback watch.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { EncryptionKey } from '../encryption-key';
import { FAILED_RUNS_TO_ALARM, PROBE_RUNTIME } from '../endpoint-probe';
import { probeScript } from '../probe-script';

/** What one provider's probe watches. */
export interface ProviderProbeTarget {
  readonly provider: string;
  /** The health URL from config: `https://host/path?query`. */
  readonly healthUrl: string;
  /** Name of its canary: lower case, at most 21 characters. */
  readonly canaryName: string;
  /** Fixed name of its outage alarm: the fallback's rule and AppConfig's monitors name it. */
  readonly alarmName: string;
}

/** Props of {@link ProviderProbes}. */
export interface ProviderProbesProps {
  readonly targets: readonly ProviderProbeTarget[];
  /** How often each canary runs: 1 to 60 whole minutes. */
  readonly interval: Duration;
  /** Pages on an outage (and its end): the high topic, since calls fall back but capacity shrinks. */
  readonly topic: sns.ITopic;
  /** Notified when a canary stops reporting: the medium topic, since the provider may be fine. */
  readonly silenceTopic: sns.ITopic;
  /** Receives the artifact bucket's server access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** How long canary artifacts are kept. */
  readonly artifactRetention: Duration;
}

/** A provider's canary and its two alarms. */
export interface ProviderProbe {
  readonly provider: string;
  readonly canary: synthetics.Canary;
  /** Failed runs only, {@link FAILED_RUNS_TO_ALARM} in a row: the provider is down. Missing runs never set it. */
  readonly outageAlarm: cloudwatch.Alarm;
  /** No run reported for {@link FAILED_RUNS_TO_ALARM} periods: the probe itself is broken. */
  readonly silenceAlarm: cloudwatch.Alarm;
}

/**
 * The probes of every provider in one region. Not `EndpointProbe`: that one builds a key and a bucket
 * per canary and words its alarms for the region failover; here the canaries share one artifact
 * bucket and one role, and reuse its probe script and runtime. The outage alarm treats a missing run
 * as not breaching, so a canary that has not run yet (a fresh deploy) or stopped never takes a
 * healthy provider out of the routing; the silence alarm reports those instead.
 */
export class ProviderProbes extends Construct {
  public readonly probes: readonly ProviderProbe[];

  constructor(scope: Construct, id: string, props: ProviderProbesProps) {
    super(scope, id);
    for (const target of props.targets) {
      if (!/^[0-9a-z_-]{1,21}$/.test(target.canaryName)) {
        throw new Error(`canaryName must be 1 to 21 lower-case letters, digits, - or _, got: ${target.canaryName}`);
      }
    }
    const stack = Stack.of(this);
    const key = new EncryptionKey(this, 'ArtifactsKey', { purpose: 'provider probe canary artifacts' }).key;
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'canary/providers/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: props.artifactRetention, noncurrentVersionExpiration: Duration.days(1) }],
    });
    Validations.of(artifacts).acknowledge({
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        "Provider probe artifacts (HAR files, logs) describe probes run from this region and expire after the log retention; the other region's probes keep their own.",
    });
    const logGroups = props.targets.map(
      (target) =>
        `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-${target.canaryName}-*`,
    );
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'What the provider probe canaries may do: write their artifacts, logs and metrics',
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [artifacts.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [artifacts.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: logGroups,
        }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the provider probe canaries',
      managedPolicies: [policy],
    });
    const wildcards: Record<string, string> = {
      [`Resource::<${stack.getLogicalId(artifacts.node.defaultChild as s3.CfnBucket)}.Arn>/*`]:
        'The canaries write one object per run under keys they generate, all inside their own artifact bucket.',
      'Resource::*':
        'ListAllMyBuckets has no resource-level form, and PutMetricData is limited to the CloudWatchSynthetics namespace by a condition.',
      ...Object.fromEntries(
        logGroups.map((group) => [
          `Resource::${group}`,
          'Lambda names the log group of a canary function cwsyn-<canary>-<random id>; the grant is limited to that canary prefix.',
        ]),
      ),
    };
    for (const [finding, reason] of Object.entries(wildcards)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${reason} Synthetics documents these permissions.`,
      });
    }

    const page = new actions.SnsAction(props.topic);
    const notify = new actions.SnsAction(props.silenceTopic);
    this.probes = props.targets.map((target) => {
      const url = new URL(target.healthUrl);
      const canary = new synthetics.Canary(this, `${pascal(target.provider)}Canary`, {
        role: role.withoutPolicyUpdates(),
        canaryName: target.canaryName,
        runtime: PROBE_RUNTIME,
        test: synthetics.Test.custom({
          code: synthetics.Code.fromInline(probeScript({ domainName: url.hostname, path: url.pathname + url.search })),
          handler: 'index.handler',
        }),
        schedule: synthetics.Schedule.rate(props.interval),
        timeout: Duration.seconds(30),
        artifactsBucketLocation: { bucket: artifacts, prefix: target.provider },
        artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
        artifactS3KmsKey: key,
        successRetentionPeriod: Duration.days(7),
        failureRetentionPeriod: Duration.days(31),
        provisionedResourceCleanup: true,
      });
      const failedRuns = canary.metricSuccessPercent({ period: props.interval, statistic: 'Average' });
      const outageAlarm = new cloudwatch.Alarm(this, `${pascal(target.provider)}OutageAlarm`, {
        alarmName: target.alarmName,
        alarmDescription: `Provider ${target.provider} is down: canary ${target.canaryName} failed ${FAILED_RUNS_TO_ALARM} runs in a row against ${target.healthUrl}. The provider fallback takes it out of the routing order and posts the degraded-service notice (docs/runbooks/provider-outage.md).`,
        metric: failedRuns,
        threshold: 100,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: FAILED_RUNS_TO_ALARM,
        datapointsToAlarm: FAILED_RUNS_TO_ALARM,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      outageAlarm.addAlarmAction(page);
      outageAlarm.addOkAction(page);
      const silenceAlarm = new cloudwatch.Alarm(this, `${pascal(target.provider)}SilenceAlarm`, {
        alarmDescription: `Canary ${target.canaryName} reported no run for ${FAILED_RUNS_TO_ALARM} periods: provider ${target.provider} is not being watched, so an outage of it would not be detected`,
        metric: canary.metricSuccessPercent({ period: props.interval, statistic: 'SampleCount' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: FAILED_RUNS_TO_ALARM,
        datapointsToAlarm: FAILED_RUNS_TO_ALARM,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      silenceAlarm.addAlarmAction(notify);
      return { provider: target.provider, canary, outageAlarm, silenceAlarm };
    });
  }
}

/** `openai` as `Openai`, for construct ids. */
function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
