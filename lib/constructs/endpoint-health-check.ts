// A Route 53 HTTPS health check of one regional endpoint, with the alarm that pages when it fails.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link EndpointHealthCheck}. */
export interface EndpointHealthCheckProps {
  /** Name the check connects to, with SNI, for example `api-use1.async-toolformer.example.com`. */
  readonly domainName: string;
  /** Path that must answer 2xx or 3xx. */
  readonly path: string;
  /**
   * Seconds between checks of one checker: 10 or 30.
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
   */
  readonly interval: Duration;
  /** Consecutive failures before the endpoint is unhealthy: 1 to 10. */
  readonly failureThreshold: number;
  /** What the alarm says failed, for example `primary region (us-east-1)`. */
  readonly description: string;
  /**
   * Topic the alarm pages. Route 53 publishes health check metrics only in us-east-1, so this
   * construct and the topic must be there.
   */
  readonly topic: sns.ITopic;
}

/**
 * Route 53 checks the endpoint from several of its own locations; the endpoint is unhealthy once
 * most of them see `failureThreshold` consecutive failures. The failover records read the check.
 */
export class EndpointHealthCheck extends Construct {
  public readonly healthCheck: route53.HealthCheck;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EndpointHealthCheckProps) {
    super(scope, id);
    const interval = props.interval.toSeconds();
    if (interval !== 10 && interval !== 30) {
      throw new Error(`interval must be 10 or 30 seconds, got: ${interval}`);
    }
    if (!Number.isInteger(props.failureThreshold) || props.failureThreshold < 1 || props.failureThreshold > 10) {
      throw new Error(`failureThreshold must be between 1 and 10 inclusive, got: ${props.failureThreshold}`);
    }
    this.healthCheck = new route53.HealthCheck(this, 'Resource', {
      type: route53.HealthCheckType.HTTPS,
      fqdn: props.domainName,
      port: 443,
      resourcePath: props.path,
      enableSNI: true,
      requestInterval: props.interval,
      failureThreshold: props.failureThreshold,
      // Latency graphs per checker region help tell a network problem from a dead endpoint.
      measureLatency: true,
    });

    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `Route 53 health check of https://${props.domainName}${props.path} is failing: ${props.description} is not serving`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: this.healthCheck.healthCheckId },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means Route 53 stopped reporting the check, which must not pass as healthy.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const action = new actions.SnsAction(props.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);
  }
}
