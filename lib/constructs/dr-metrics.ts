// The CloudWatch metrics of the app that alarms and dashboards both read: one definition of each, so a dashboard shows what its alarm watches.
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIMENSION, METRIC, METRICS_NAMESPACE } from '../contract';

/**
 * What a `service_availability_percentage` datapoint is about: `AVAILABILITY_PUBLIC_ENDPOINT`
 * (`public`) for the public name, or the region of a regional name.
 */
export type AvailabilityEndpoint = string;

/**
 * `service_availability_percentage` of `endpoint` in `stage`, averaged over `period`: the share of
 * probe runs that got a 200 (each run reports 100 or 0), as the probes publish it.
 */
export function serviceAvailability(
  stage: string,
  endpoint: AvailabilityEndpoint,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: METRIC.serviceAvailabilityPercentage,
    dimensionsMap: { [DIMENSION.stage]: stage, [DIMENSION.endpoint]: endpoint },
    period,
    statistic: cloudwatch.Stats.AVERAGE,
    // No label: a labelled metric makes its alarm a metric-math alarm; dashboards add theirs.
  });
}
