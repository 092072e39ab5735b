// What the decision, lock, fence and planned-move scenarios read: names from the machine's definition, the lock table, the fence metric, the active-region parameter and the requests.
import { LOCK_KEYS, METRIC } from '../../../lib/contract';
import type { LoggedRequest } from '../drill-server';
import { callArgument, callArguments } from '../machine';
import type { ScenarioContext } from '../scenario';
import type { FailoverDeployment } from './failover-facts';

/** Calls that move a writer or a primary. */
export const PROMOTIONS = [
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'FailoverGlobalReplicationGroup',
  'DisassociateGlobalReplicationGroup',
];

/** The lock table the machine's AcquireLock writes (its conditional putItem). */
export function lockTableName(deployment: FailoverDeployment): string {
  return callArgument(deployment.machine, 'dynamodb:putItem', 'TableName', (args) =>
    String(args.ConditionExpression ?? '').includes('attribute_not_exists'),
  );
}

/** An item of the lock table (`run` or `last-activation`), its attributes as strings. */
export async function lockItem(
  context: ScenarioContext,
  deployment: FailoverDeployment,
  key: keyof typeof LOCK_KEYS,
): Promise<Record<string, string> | undefined> {
  const { Item } = await context.client.call<{ Item?: Record<string, { S?: string; N?: string }> }>(
    'dynamodb',
    deployment.secondary,
    'GetItem',
    { TableName: lockTableName(deployment), Key: { pk: { S: LOCK_KEYS[key] } }, ConsistentRead: true },
  );
  if (!Item) return undefined;
  return Object.fromEntries(Object.entries(Item).map(([name, value]) => [name, value.S ?? value.N ?? '']));
}

/** The active-region parameter the machine's UpdateActiveRegion writes, and its value now. */
export async function activeRegion(
  context: ScenarioContext,
  deployment: FailoverDeployment,
): Promise<{ name: string; value: string }> {
  const name = callArgument(deployment.machine, 'ssm:putParameter', 'Name');
  const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>(
    'ssm',
    deployment.secondary,
    'GetParameter',
    { Name: name },
  );
  return { name, value: Parameter.Value };
}

interface MetricDatum {
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
}

/** What the DNS fence metric holds: its datapoints so far (how many, their sum, the smallest and the largest). */
export interface FenceStats {
  readonly count: number;
  readonly sum: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

/**
 * The datapoints of the fence metric the machine publishes (its putMetricData other than the
 * failover time), read with the namespace and dimensions of the definition. A scenario compares two
 * reads: one more datapoint and a sum one higher is a raise (1), one more and the same sum a lift (0).
 */
export async function fenceStats(context: ScenarioContext, deployment: FailoverDeployment): Promise<FenceStats> {
  const fence = callArguments(deployment.machine, 'cloudwatch:putMetricData', (args) =>
    (args.MetricData as MetricDatum[]).every((datum) => datum.MetricName !== METRIC.failoverTimeSeconds),
  )[0];
  if (!fence) throw new Error(`${deployment.machine.name} publishes no fence metric`);
  const datum = (fence.MetricData as MetricDatum[])[0]!;
  const now = Date.now();
  const { Datapoints = [] } = await context.client.call<{
    Datapoints?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number }[];
  }>('cloudwatch', deployment.secondary, 'GetMetricStatistics', {
    Namespace: fence.Namespace,
    MetricName: datum.MetricName,
    Dimensions: datum.Dimensions ?? [],
    // Datapoints carry moto's real clock: a window wide enough for any drill.
    StartTime: new Date(now - 86_400_000).toISOString(),
    EndTime: new Date(now + 86_400_000).toISOString(),
    Period: 86_400,
    Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum'],
  });
  let stats: FenceStats = { count: 0, sum: 0 };
  for (const point of Datapoints) {
    stats = {
      count: stats.count + point.SampleCount,
      sum: stats.sum + point.Sum,
      minimum: Math.min(stats.minimum ?? point.Minimum, point.Minimum),
      maximum: Math.max(stats.maximum ?? point.Maximum, point.Maximum),
    };
  }
  return stats;
}

/** The fence metric's name, for the checks' wording. */
export function fenceMetricName(deployment: FailoverDeployment): string {
  return callArguments(deployment.machine, 'cloudwatch:putMetricData')
    .flatMap((args) => (args.MetricData as MetricDatum[]).map((datum) => datum.MetricName))
    .find((name) => name !== METRIC.failoverTimeSeconds)!;
}

/** The promotion calls of `requests`, as `Action region`. */
export function promotionCalls(requests: readonly LoggedRequest[]): string[] {
  return requests.filter((call) => PROMOTIONS.includes(call.action)).map((call) => `${call.action} ${call.region}`);
}
