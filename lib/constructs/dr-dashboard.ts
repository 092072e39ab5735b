// A CloudWatch dashboard of one region's DR state, built from the metric objects of the alarms themselves, with the other region's where CloudWatch can show them from here.
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, type IConstruct } from 'constructs';
import { METRIC } from '../contract';

/** The alarms of one region and where they are. */
export interface RegionAlarms {
  readonly region: string;
  /** Every alarm of the region's stacks. */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** Fixed name of the region's failover state machine. */
  readonly failoverStateMachineName: string;
}

/** Props of {@link DrDashboard}. */
export interface DrDashboardProps {
  /** Fixed name of the dashboard. */
  readonly dashboardName: string;
  /** This region's alarms. */
  readonly local: RegionAlarms;
  /**
   * The other region's alarms: each metric whose dimensions are literal is shown from this region
   * too (CloudWatch reads another region's metric for a widget), so a dashboard of either region
   * shows both; one that names a resource by reference stays on its own region's dashboard.
   */
  readonly peer: RegionAlarms;
}

/** Every alarm under `scope` (a stack, or the app), for {@link RegionAlarms.alarms}. */
export function alarmsUnder(scope: IConstruct): cloudwatch.Alarm[] {
  return scope.node.findAll().filter((child): child is cloudwatch.Alarm => child instanceof cloudwatch.Alarm);
}

/** The plan's four Key Metrics to Monitor. */
const PLAN_METRICS: readonly string[] = [
  METRIC.serviceAvailabilityPercentage,
  METRIC.failoverTimeSeconds,
  METRIC.backupSuccessRate,
  METRIC.recoveryTestResults,
];
/** Replication lag: Aurora Global Database, ElastiCache Global Datastore, S3 replication. */
const REPLICATION_LAG: readonly string[] = [
  'AuroraGlobalDBRPOLag',
  'GlobalDatastoreReplicationLag',
  'ReplicationLatency',
];
/** What says a region serves: the canaries, the Route 53 health checks, the availability metric. */
const REGION_HEALTH: readonly string[] = ['SuccessPercent', 'HealthCheckStatus', METRIC.serviceAvailabilityPercentage];
/** The result metrics of the scheduled checks and backups. */
const CHECK_RESULTS: readonly string[] = [METRIC.backupSuccessRate, METRIC.recoveryTestResults];

/** The plain metrics an alarm watches: its metric, or those of its math expression. */
function metricsOf(alarm: cloudwatch.Alarm): cloudwatch.Metric[] {
  const metric = alarm.metric;
  if (metric instanceof cloudwatch.Metric) return [metric];
  if (metric instanceof cloudwatch.MathExpression) {
    return Object.values(metric.usingMetrics).filter(
      (used): used is cloudwatch.Metric => used instanceof cloudwatch.Metric,
    );
  }
  return [];
}

const literal = (metric: cloudwatch.Metric) =>
  !Token.isUnresolved(metric.namespace) &&
  Object.values(metric.dimensions ?? {}).every((value) => !Token.isUnresolved(value));

/** A short label: the metric's dimension values and the region. */
function label(metric: cloudwatch.Metric, region: string): string {
  const values = Object.entries(metric.dimensions ?? {})
    .filter(([name]) => name !== 'stage' && name !== 'region')
    .map(([, value]) => (Token.isUnresolved(value) ? '' : String(value)))
    .filter((value) => value !== '');
  return [metric.metricName, ...values, `(${region})`].join(' ');
}

/**
 * The dashboard `<dashboardName>` of one region. Each region has its own, so either survives the
 * other's loss; its widgets read the same metric objects the alarms watch (an alarm's `metric`), so
 * a dashboard cannot show something else than what pages.
 */
export class DrDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DrDashboardProps) {
    super(scope, id);
    const here = Stack.of(this).region;
    const shown = new Set<string>();
    /** The metrics named `names`, of this region's alarms and the literal ones of the peer's, each once. */
    const metrics = (names: readonly string[]): cloudwatch.IMetric[] => {
      const found: cloudwatch.IMetric[] = [];
      const take = (region: string, alarms: readonly cloudwatch.Alarm[], mirror: boolean) => {
        for (const metric of alarms.flatMap(metricsOf)) {
          if (!names.includes(metric.metricName) || (mirror && !literal(metric))) continue;
          const key = `${region} ${metric.namespace} ${metric.metricName} ${JSON.stringify(Stack.of(this).resolve(metric.dimensions ?? {}))}`;
          if (shown.has(`${names.join()} ${key}`)) continue;
          shown.add(`${names.join()} ${key}`);
          found.push(metric.with({ label: label(metric, region), ...(mirror ? { region } : {}) }));
        }
      };
      take(here, props.local.alarms, false);
      take(props.peer.region, props.peer.alarms, true);
      return found;
    };
    const graph = (title: string, names: readonly string[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left: metrics(names), width, height: 6 });

    const failoverRuns = [props.local, props.peer].flatMap((region) => {
      const arn = Stack.of(this).formatArn({
        service: 'states',
        region: region.region,
        resource: 'stateMachine',
        resourceName: region.failoverStateMachineName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map(
        (metricName) =>
          new cloudwatch.Metric({
            namespace: 'AWS/States',
            metricName,
            dimensionsMap: { StateMachineArn: arn },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(5),
            region: region.region,
            label: `${metricName} (${region.region})`,
          }),
      );
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# ${props.dashboardName}\nDR state as seen from ${here}; the other region (${props.peer.region}) has the same dashboard. Metrics are those the alarms watch (docs/alerting.md).`,
            width: 24,
            height: 2,
          }),
        ],
        [...PLAN_METRICS.map((name) => graph(`Plan metric: ${name}`, [name], 6))],
        [...REPLICATION_LAG.map((name) => graph(`Replication lag: ${name}`, [name]))],
        [
          new cloudwatch.GraphWidget({
            title: 'Health of both regions',
            // This region's availability as the other region's probe sees it is among the peer's (literal) alarms.
            left: metrics(REGION_HEALTH),
            width: 12,
            height: 6,
          }),
          new cloudwatch.GraphWidget({
            title: 'Failover runs (both regions)',
            left: failoverRuns,
            width: 12,
            height: 6,
          }),
        ],
        [
          new cloudwatch.SingleValueWidget({
            title: 'Last result of each scheduled check (100 or 1 passed, 0 failed)',
            metrics: metrics(CHECK_RESULTS),
            width: 24,
            height: 6,
            setPeriodToTimeRange: false,
          }),
        ],
      ],
    });
  }
}
