// The metrics of a job's embedded metric format (EMF) logs, published to the drill server as CloudWatch Logs would extract them.
import type { DrillClient } from './drill-server';

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions?: string[][];
  readonly Metrics: { readonly Name: string; readonly Unit?: string; readonly StorageResolution?: number }[];
}

interface MetricDatum {
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Values: number[];
  Unit?: string;
  StorageResolution?: number;
  Timestamp?: string;
}

/**
 * The PutMetricData requests one EMF object stands for: each metric of each directive, once per
 * dimension set (none: no dimensions), its values read from the object's members.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function emfMetricData(emf: Record<string, unknown>): { Namespace: string; MetricData: MetricDatum[] }[] {
  const metadata = emf._aws as { Timestamp?: number; CloudWatchMetrics?: EmfDirective[] } | undefined;
  return (metadata?.CloudWatchMetrics ?? []).map((directive) => {
    const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    const data = directive.Metrics.flatMap((metric) =>
      dimensionSets.map((set) => ({
        MetricName: metric.Name,
        Dimensions: set.map((name) => ({ Name: name, Value: String(emf[name]) })),
        Values: [emf[metric.Name]].flat().map(Number),
        ...(metric.Unit ? { Unit: metric.Unit } : {}),
        ...(metric.StorageResolution ? { StorageResolution: metric.StorageResolution } : {}),
        ...(metadata?.Timestamp ? { Timestamp: new Date(metadata.Timestamp).toISOString() } : {}),
      })),
    );
    return { Namespace: directive.Namespace, MetricData: data };
  });
}

/** Publishes the metrics of `emf` in `region`; returns how many datapoints. */
export async function publishEmf(
  client: DrillClient,
  region: string,
  emf: readonly Record<string, unknown>[],
): Promise<number> {
  let count = 0;
  for (const request of emf.flatMap(emfMetricData)) {
    await client.call('cloudwatch', region, 'PutMetricData', request);
    count += request.MetricData.reduce((sum, datum) => sum + datum.Values.length, 0);
  }
  return count;
}
