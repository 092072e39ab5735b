// The recovery budget of the traffic tier as typed values, computed from config, for the readiness model to read.
import { Duration } from 'aws-cdk-lib';
import type { DrConfig, RegionRole, WarmCapacityConfig } from './config';

/**
 * TTL of an alias record to a load balancer: Route 53 fixes it at 60 s and it cannot be changed.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
 */
export const ALIAS_RECORD_TTL = Duration.seconds(60);

/** How long Route 53 takes to propagate a change of answer to its name servers: under a minute. */
export const DNS_PROPAGATION = Duration.seconds(60);

/** The time and capacity figures of a DNS failover between the two regions. */
export interface TrafficBudget {
  /** Seconds between two health checks of one Route 53 checker. */
  readonly healthCheckInterval: Duration;
  /** Consecutive failures before Route 53 marks an endpoint unhealthy. */
  readonly failureThreshold: number;
  /** How long an outage goes undetected at most: interval x threshold. */
  readonly detectionTime: Duration;
  /** TTL of the `api` records: how long resolvers may keep the old answer. */
  readonly dnsTtl: Duration;
  /** How long Route 53 takes to serve the new answer everywhere. */
  readonly dnsPropagation: Duration;
  /** Detection, then propagation, then the TTL running out in resolvers: traffic is on the secondary after this. */
  readonly dnsFailoverTime: Duration;
  /** Replicas that serve (or stand by) in each region before any scaling. */
  readonly warmCapacity: Readonly<Record<RegionRole, WarmCapacityConfig>>;
}

/** The traffic budget of `config`. */
export function trafficBudget(config: DrConfig): TrafficBudget {
  const { interval, failureThreshold } = config.traffic.healthCheck;
  const detectionTime = Duration.seconds(interval.toSeconds() * failureThreshold);
  return {
    healthCheckInterval: interval,
    failureThreshold,
    detectionTime,
    dnsTtl: ALIAS_RECORD_TTL,
    dnsPropagation: DNS_PROPAGATION,
    dnsFailoverTime: Duration.seconds(
      detectionTime.toSeconds() + DNS_PROPAGATION.toSeconds() + ALIAS_RECORD_TTL.toSeconds(),
    ),
    warmCapacity: config.traffic.warmCapacity,
  };
}
