// The primary record's health: a Route 53 CALCULATED health check of the endpoint's check AND a fence that reads a CloudWatch alarm in the secondary region.
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** A CloudWatch alarm named by name and region: Route 53 reads its state there, with no cross-region reference. */
export interface FenceAlarmIdentifier {
  /** Name of the alarm, for example `async-toolformer-prod-usw2-failover-dns-fence`. */
  readonly name: string;
  /** Region the alarm lives in: the secondary, which must answer while the primary is down. */
  readonly region: string;
}

/** Props of {@link FencedHealthCheck}. */
export interface FencedHealthCheckProps {
  /** The endpoint's own health check (HTTPS on the regional name). */
  readonly endpoint: route53.IHealthCheck;
  /**
   * The fence alarm: in ALARM, the fence check is unhealthy, so the calculated check is too. The
   * alarm must exist before this check is created, and it must be on a standard-resolution metric.
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html
   */
  readonly fenceAlarm: FenceAlarmIdentifier;
  /** What the checks are about, for their tags, for example `primary region (us-east-1)`. */
  readonly description: string;
}

/**
 * Route 53 health checks are data plane: the calculated check and the CloudWatch-alarm check keep
 * deciding while us-east-1's control plane is down, so the fence holds during the outage it is for.
 * With `InsufficientDataHealthStatus: LastKnownStatus`, a fence alarm without data keeps its last
 * state (a new check starts healthy); the alarm itself ignores missing data, so it holds between the
 * rare datapoints the region failover publishes.
 */
export class FencedHealthCheck extends Construct {
  /** The CALCULATED check the record reads: healthy only when both children are. */
  public readonly healthCheck: route53.IHealthCheck;
  /** The CLOUDWATCH_METRIC check of the fence alarm. */
  public readonly fence: route53.CfnHealthCheck;
  public readonly calculated: route53.CfnHealthCheck;

  constructor(scope: Construct, id: string, props: FencedHealthCheckProps) {
    super(scope, id);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.fenceAlarm.region)) {
      throw new Error(`fenceAlarm.region must be a region name such as us-west-2, got: ${props.fenceAlarm.region}`);
    }
    const tags = (what: string) => [{ key: 'Name', value: `${what}: ${props.description}`.slice(0, 256) }];
    this.fence = new route53.CfnHealthCheck(this, 'Fence', {
      healthCheckConfig: {
        type: 'CLOUDWATCH_METRIC',
        alarmIdentifier: { name: props.fenceAlarm.name, region: props.fenceAlarm.region },
        insufficientDataHealthStatus: 'LastKnownStatus',
      },
      healthCheckTags: tags('DNS fence'),
    });
    this.calculated = new route53.CfnHealthCheck(this, 'Resource', {
      healthCheckConfig: {
        type: 'CALCULATED',
        childHealthChecks: [props.endpoint.healthCheckId, this.fence.attrHealthCheckId],
        // Both children healthy: the endpoint serves, and no activation has fenced it off.
        healthThreshold: 2,
      },
      healthCheckTags: tags('endpoint AND fence'),
    });
    this.healthCheck = route53.HealthCheck.fromHealthCheckId(this, 'Imported', this.calculated.attrHealthCheckId);
  }
}
