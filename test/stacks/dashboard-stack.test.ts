// The DR dashboard of each region: the plan's four metrics, replication lag, both regions' health, the scheduled checks' last results and the failover runs, every metric one the contract or AWS defines.
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { STAGES, type Stage } from '../../lib/config';
import { METRIC, METRICS_NAMESPACE } from '../../lib/contract';
import { synthStage } from '../helpers/synth';

interface Widget {
  readonly type: string;
  readonly properties: { readonly title?: string; readonly metrics?: unknown[][]; readonly region?: string };
}

/** One dashboard's widgets, its body's references standing in as "REF". */
function dashboardsOf(stage: Stage): { stack: string; region: string; name: string; widgets: Widget[] }[] {
  return synthStage(stage)
    .assembly.stacks.filter((artifact) => artifact instanceof CloudFormationStackArtifact)
    .flatMap((artifact) =>
      Object.values(
        (artifact.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> })
          .Resources,
      )
        .filter((resource) => resource.Type === 'AWS::CloudWatch::Dashboard')
        .map((resource) => {
          const body = resource.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
          const text =
            typeof body === 'string'
              ? body
              : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
          return {
            stack: artifact.stackName,
            region: artifact.environment.region,
            name: String(resource.Properties.DashboardName),
            widgets: (JSON.parse(text) as { widgets: Widget[] }).widgets,
          };
        }),
    );
}

/** `[namespace, name, region]` of every metric of a dashboard (math expressions left out: they read these). */
function metricsOf(widgets: readonly Widget[]): { namespace: string; name: string; region: string; title: string }[] {
  return widgets.flatMap((widget) =>
    (widget.properties.metrics ?? [])
      .filter((entry) => typeof entry[0] === 'string')
      .map((entry) => {
        const options = entry.find((item) => typeof item === 'object') as { region?: string } | undefined;
        return {
          namespace: String(entry[0]),
          name: String(entry[1]),
          // A widget's own region is the stack's (AWS::Region, "REF" here): empty means the dashboard's.
          region: options?.region ?? '',
          title: widget.properties.title ?? '',
        };
      }),
  );
}

const PLAN = [
  METRIC.serviceAvailabilityPercentage,
  METRIC.failoverTimeSeconds,
  METRIC.backupSuccessRate,
  METRIC.recoveryTestResults,
];

describe.each(STAGES)('%s', (stage) => {
  const dashboards = dashboardsOf(stage);
  const regions = synthStage(stage).config.regions.map((region) => region.region);

  test('each region has its own dashboard, in a stack of that region', () => {
    expect(dashboards.map((dashboard) => dashboard.region).sort()).toEqual([...regions].sort());
    for (const dashboard of dashboards)
      expect(dashboard.name).toMatch(new RegExp(`^async-toolformer-${stage}-(use1|usw2)-dr$`));
  });

  test('every widget metric is one the metric contract names, or a metric of an AWS namespace', () => {
    const unknown = dashboards.flatMap((dashboard) =>
      metricsOf(dashboard.widgets)
        .filter(({ namespace, name }) =>
          namespace === METRICS_NAMESPACE
            ? !(Object.values(METRIC) as string[]).includes(name)
            : !namespace.startsWith('AWS/') && namespace !== 'CloudWatchSynthetics',
        )
        .map(({ namespace, name }) => `${dashboard.name}: ${namespace} ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  test.each([
    ["the plan's four DR metrics", PLAN],
    ['Aurora and S3 replication lag', ['AuroraGlobalDBRPOLag', 'ReplicationLatency']],
    [
      'both regions’ health: the canaries and the availability metric',
      ['SuccessPercent', METRIC.serviceAvailabilityPercentage],
    ],
    ['the failover runs', ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']],
  ])('both regions show %s', (_what, names) => {
    for (const dashboard of dashboards) {
      const shown = new Set(metricsOf(dashboard.widgets).map((metric) => metric.name));
      expect({ dashboard: dashboard.name, missing: names.filter((name) => !shown.has(name)) }).toEqual({
        dashboard: dashboard.name,
        missing: [],
      });
    }
  });

  test('each dashboard shows the availability and the failover runs of both regions', () => {
    for (const dashboard of dashboards) {
      const metrics = metricsOf(dashboard.widgets);
      const regionsOf = (name: string) =>
        new Set(metrics.filter((metric) => metric.name === name).map((metric) => metric.region || dashboard.region));
      expect([...regionsOf(METRIC.serviceAvailabilityPercentage)].sort()).toEqual([...regions].sort());
      expect([...regionsOf('ExecutionsStarted')].sort()).toEqual([...regions].sort());
    }
  });

  test('the Global Datastore lag is on both dashboards when the stage has one', () => {
    const shownIn = dashboards.filter((dashboard) =>
      metricsOf(dashboard.widgets).some((metric) => metric.name === 'GlobalDatastoreReplicationLag'),
    );
    expect([0, dashboards.length]).toContain(shownIn.length);
    if (synthStage(stage).config.cache.globalDatastore) expect(shownIn).toHaveLength(dashboards.length);
  });

  test('the scheduled checks show their last result', () => {
    for (const dashboard of dashboards) {
      const single = dashboard.widgets.find(
        (widget) => widget.type === 'metric' && /Last result/.test(widget.properties.title ?? ''),
      );
      expect(metricsOf(single ? [single] : []).map((metric) => metric.name)).toEqual(
        expect.arrayContaining([METRIC.backupSuccessRate, METRIC.recoveryTestResults]),
      );
    }
  });
});
