// dr status against moto (SSM, CloudWatch, Step Functions) with aws-sdk-client-mock for what moto lacks (Aurora global clusters, Global Datastores).
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeGlobalReplicationGroupsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { DIMENSION, FUNCTIONS, METRIC, METRICS_NAMESPACE, stageParameters } from '../../lib/contract';
import { main, type CliEnv } from '../../scripts/dr/cli';
import { capturingCli } from './cli-env';
import { startMoto, type MotoServer } from '../helpers/moto';

const PARAMS = stageParameters('prod');
const rds = mockClient(RDSClient);
const elasticache = mockClient(ElastiCacheClient);
let moto: MotoServer;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
  const ssm = (region: string) => new SSMClient(moto.clientConfig(region));
  const put = (region: string, Name: string, Value: string) =>
    ssm(region).send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
  await put('us-east-1', PARAMS.activeRegion, 'us-east-1');
  await put('us-west-2', PARAMS.activeRegion, 'us-east-1');
  await put('us-east-1', PARAMS.replicationGroupId, 'async-toolformer-prod-use1');
  await put('us-east-1', PARAMS.auroraLatest, 'async-toolformer-prod-weekly-2026-11-22');
  await put('us-east-1', PARAMS.integrityReport, '{"passed":true}');

  const east = new CloudWatchClient(moto.clientConfig('us-east-1'));
  const west = new CloudWatchClient(moto.clientConfig('us-west-2'));
  const alarm = (AlarmName: string) => ({
    AlarmName,
    Namespace: METRICS_NAMESPACE,
    MetricName: METRIC.failoverFence,
    Statistic: 'Maximum' as const,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
  });
  await east.send(new PutMetricAlarmCommand(alarm('async-toolformer-prod-use1-database-global-lag')));
  await east.send(
    new SetAlarmStateCommand({
      AlarmName: 'async-toolformer-prod-use1-database-global-lag',
      StateValue: 'ALARM',
      StateReason: 'test',
    }),
  );
  await east.send(new PutMetricAlarmCommand(alarm('someone-else-alarm')));
  await east.send(
    new SetAlarmStateCommand({ AlarmName: 'someone-else-alarm', StateValue: 'ALARM', StateReason: 'test' }),
  );
  await west.send(new PutMetricAlarmCommand(alarm('async-toolformer-prod-usw2-failover-dns-fence')));
  await west.send(
    new SetAlarmStateCommand({
      AlarmName: 'async-toolformer-prod-usw2-failover-dns-fence',
      StateValue: 'OK',
      StateReason: 'test',
    }),
  );
  await west.send(
    new PutMetricDataCommand({
      Namespace: METRICS_NAMESPACE,
      MetricData: [
        {
          MetricName: METRIC.route53PrimaryAnswered,
          Value: 1,
          Timestamp: new Date(Date.now() - 60_000),
          Dimensions: [
            { Name: DIMENSION.service, Value: FUNCTIONS.dnsView.service },
            { Name: DIMENSION.stage, Value: 'prod' },
            { Name: DIMENSION.region, Value: 'us-west-2' },
          ],
        },
      ],
    }),
  );
  await west.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'AuroraGlobalDBRPOLag',
          Value: 120,
          Timestamp: new Date(Date.now() - 60_000),
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'async-toolformer-prod-usw2' }],
        },
      ],
    }),
  );
  await west.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ElastiCache',
      MetricData: [
        {
          MetricName: 'GlobalDatastoreReplicationLag',
          Value: 0.4,
          Timestamp: new Date(Date.now() - 60_000),
          Dimensions: [{ Name: 'CacheClusterId', Value: 'async-toolformer-prod-usw2-001' }],
        },
      ],
    }),
  );

  const sfn = new SFNClient(moto.clientConfig('us-east-1'));
  const definition = JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 600, End: true } } });
  const roleArn = 'arn:aws:iam::123456789012:role/test';
  for (const name of ['async-toolformer-prod-use1-weekly-aurora-backup', 'other-machine']) {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1' }));
  }
}, 60_000);

afterAll(async () => {
  process.env = saved;
  rds.restore();
  elasticache.restore();
  await moto.stop();
});

beforeEach(() => {
  rds.reset();
  elasticache.reset();
});

function env(): CliEnv & { out: () => string; err: () => string } {
  const { env: cli, out, err } = capturingCli({ pollMs: 0 });
  return { ...cli, out, err };
}

function healthyTiers(): void {
  rds.on(DescribeGlobalClustersCommand).resolves({
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'async-toolformer-prod-global',
        GlobalClusterMembers: [
          { DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:async-toolformer-prod-use1', IsWriter: true },
          { DBClusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:async-toolformer-prod-usw2', IsWriter: false },
        ],
      },
    ],
  });
  elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves({
    GlobalReplicationGroups: [
      {
        GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
        Members: [
          { ReplicationGroupId: 'async-toolformer-prod-use1', ReplicationGroupRegion: 'us-east-1', Role: 'PRIMARY' },
          { ReplicationGroupId: 'async-toolformer-prod-usw2', ReplicationGroupRegion: 'us-west-2', Role: 'SECONDARY' },
        ],
      },
    ],
  });
  elasticache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [
      { ReplicationGroupId: 'async-toolformer-prod-usw2', MemberClusters: ['async-toolformer-prod-usw2-001'] },
    ],
  });
}

test('status reads every tier from the region that is up and exits 0 when every section is known', async () => {
  // Prepare
  healthyTiers();
  const io = env();
  // Act
  const status = await main(['status', '--json'], io);
  // Assess
  const report = JSON.parse(io.out());
  expect({ status, unknown: report.unknown, region: report.region }).toEqual({
    status: 0,
    unknown: [],
    region: 'us-east-1',
  });
  expect(report.regionSource).toBe('/async-toolformer/prod/failover/active-region as us-east-1 reads it');
  const summary = (name: string) => report.sections[name].summary;
  expect(summary('writer')).toBe('us-east-1 (us-west-2 reader)');
  expect(summary('cachePrimary')).toBe('us-east-1 (us-west-2 secondary)');
  expect(summary('fence')).toMatch(/^lifted/);
  expect(summary('dnsAnswer')).toMatch(/^us-east-1 \(primary\)/);
  expect(report.sections.auroraLag.detail).toEqual({ lags: { 'us-west-2': 120 } });
  expect(report.sections.cacheLag.detail).toEqual({ lags: { 'us-west-2': 0.4 } });
  expect(report.sections.alarms.detail).toEqual({ names: ['async-toolformer-prod-use1-database-global-lag'] });
  expect(report.sections.recoveries.detail.runs).toEqual([
    expect.objectContaining({ stateMachine: 'async-toolformer-prod-use1-weekly-aurora-backup' }),
  ]);
  expect(report.sections.backups.detail.records.aurora.value).toBe('async-toolformer-prod-weekly-2026-11-22');
  expect(report.sections.backups.detail.records.redis).toBeNull();
}, 30_000);

test('fails when a tier cannot be read: that section is UNKNOWN with the failed call, the others still show, exit 1', async () => {
  // Prepare
  healthyTiers();
  rds.on(DescribeGlobalClustersCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
  const io = env();
  // Act
  const status = await main(['status', '--region', 'us-east-1'], io);
  // Assess
  expect(status).toBe(1);
  const text = io.out();
  expect(text).toMatch(
    /writer \(Aurora\)\s+UNKNOWN: rds:DescribeGlobalClusters async-toolformer-prod-global in us-east-1 failed \(Throttling: Rate exceeded\)/,
  );
  expect(text).toMatch(/Aurora lag\s+UNKNOWN: the writer is UNKNOWN/);
  expect(text).toMatch(/cache primary\s+us-east-1 \(us-west-2 secondary\)/);
  expect(text).toContain('2 section(s) UNKNOWN: exit status 1');
}, 30_000);

test('a region whose group left the Global Datastore (an activation detached it) is its own cache primary, with nothing replicating', async () => {
  // Prepare: the datastore still lists the lost primary only.
  healthyTiers();
  elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves({
    GlobalReplicationGroups: [
      {
        GlobalReplicationGroupId: 'ldgnf-async-toolformer-prod',
        Members: [
          { ReplicationGroupId: 'async-toolformer-prod-usw2', ReplicationGroupRegion: 'us-west-2', Role: 'PRIMARY' },
        ],
      },
    ],
  });
  const io = env();
  // Act
  await main(['status', '--region', 'us-east-1', '--json'], io);
  // Assess
  const report = JSON.parse(io.out());
  expect(report.sections.cachePrimary.summary).toBe(
    'us-east-1 (detached: async-toolformer-prod-use1 stands alone; ldgnf-async-toolformer-prod still lists us-west-2 primary)',
  );
  expect(report.sections.cacheLag).toEqual({
    state: 'ok',
    summary: 'no secondary: nothing replicates',
    detail: { lags: {} },
  });
}, 30_000);
