// Global DNS of the API, in us-east-1: health checks of both regional endpoints, the failover pair, and their alarms.
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { RegionConfig, RegionRole } from '../config';
import { EndpointHealthCheck } from '../constructs/endpoint-health-check';
import { FencedHealthCheck } from '../constructs/fenced-health-check';
import { HEALTH_PATH } from '../constructs/orchestrator-workload';
import { apiDomainName, failoverAlarmNames, regionalApiDomainName, stackDescription } from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link DnsStack}. */
export interface DnsStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  /** Alerting of the stack's own region, which must be us-east-1: Route 53 metrics exist only there. */
  readonly alerting: AlertingStack;
  /** Both regions; the primary's endpoint is the PRIMARY record. */
  readonly regions: Readonly<Record<RegionRole, RegionConfig>>;
}

/**
 * An alias to another record of the same zone. The failover records point at each region's own
 * name, which that region's stack aliases to its load balancer: this stack then needs no
 * cross-region reference to a load balancer, and evaluating target health follows the alias chain.
 */
class ZoneRecordTarget implements route53.IAliasRecordTarget {
  constructor(
    private readonly zone: route53.IHostedZone,
    private readonly recordName: string,
  ) {}

  public bind(): route53.AliasRecordTargetConfig {
    return { dnsName: this.recordName, hostedZoneId: this.zone.hostedZoneId, evaluateTargetHealth: true };
  }
}

/**
 * Route 53 answers `api.<zone>` with the primary while its health check passes, and with the
 * secondary once it fails. Health checks are data plane: failing over needs no record edit, and so
 * nothing from the Route 53 control plane in us-east-1 during an outage.
 */
export class DnsStack extends DrStack {
  public readonly healthChecks: Readonly<Record<RegionRole, EndpointHealthCheck>>;
  /**
   * The PRIMARY record's health: its endpoint check AND the DNS fence, an alarm in the secondary
   * region that an activation raises and only a failback lifts (docs/runbooks/failover-fence.md).
   */
  public readonly primaryFence: FencedHealthCheck;
  public readonly records: Readonly<Record<RegionRole, route53.ARecord>>;

  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, {
      ...props,
      purpose: 'Dns',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'global DNS failover of the API', false),
    });
    if (this.regionConfig.region !== 'us-east-1') {
      throw new Error(
        `the DNS stack must be in us-east-1, where Route 53 metrics are, got: ${this.regionConfig.region}`,
      );
    }
    const { config } = this;
    const { traffic } = config;

    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: traffic.hostedZone.hostedZoneId,
      zoneName: traffic.hostedZone.zoneName,
    });
    const topic = props.alerting.alerts.topic('critical');
    const failover: Record<RegionRole, route53.Failover> = {
      primary: route53.Failover.PRIMARY,
      secondary: route53.Failover.SECONDARY,
    };

    const healthChecks = {} as Record<RegionRole, EndpointHealthCheck>;
    let primaryFence: FencedHealthCheck | undefined;
    const records = {} as Record<RegionRole, route53.ARecord>;
    for (const role of ['primary', 'secondary'] as const) {
      const region = props.regions[role];
      const regionalName = regionalApiDomainName(config, region);
      const id = role === 'primary' ? 'Primary' : 'Secondary';
      healthChecks[role] = new EndpointHealthCheck(this, `${id}HealthCheck`, {
        domainName: regionalName,
        path: HEALTH_PATH,
        interval: traffic.healthCheck.interval,
        failureThreshold: traffic.healthCheck.failureThreshold,
        description: `the ${role} region (${region.region})`,
        topic,
      });
      if (role === 'primary') {
        const secondary = props.regions.secondary;
        primaryFence = new FencedHealthCheck(this, 'PrimaryFence', {
          endpoint: healthChecks.primary.healthCheck,
          // By name and region: the alarm is in the secondary's Automation stack, which deploys first.
          fenceAlarm: { name: failoverAlarmNames(config, secondary).fence, region: secondary.region },
          description: `the ${role} region (${region.region})`,
        });
      }
      records[role] = new route53.ARecord(this, `${id}Record`, {
        zone,
        recordName: apiDomainName(config),
        target: route53.RecordTarget.fromAlias(new ZoneRecordTarget(zone, regionalName)),
        failover: failover[role],
        setIdentifier: `${role}-${region.region}`,
        healthCheck: role === 'primary' ? primaryFence!.healthCheck : healthChecks[role].healthCheck,
        comment: `Orchestrator API: ${role} (${region.region})`,
      });
    }
    this.healthChecks = healthChecks;
    this.primaryFence = primaryFence!;
    this.records = records;
  }
}
