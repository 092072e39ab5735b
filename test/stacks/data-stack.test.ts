// Data tier: the Aurora global database, its members, credentials, backups, alarms and handover, in both stages.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import { synthStage } from '../helpers/synth';

const roles: RegionRole[] = ['primary', 'secondary'];
const cases: [Stage, RegionRole][] = STAGES.flatMap((stage) => roles.map((role): [Stage, RegionRole] => [stage, role]));
const code = (role: RegionRole) => (role === 'primary' ? 'use1' : 'usw2');
const peer = (role: RegionRole): RegionRole => (role === 'primary' ? 'secondary' : 'primary');

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stack(role, 'Data');
  return { synthesized, config: synthesized.config, stack, template: synthesized.template(stack.stackName) };
}

/** The only resource of `type` in `template`. */
function only(template: Template, type: string) {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0]!;
}

describe.each(cases)('%s %s data tier', (stage, role) => {
  test('the cluster joins the global cluster, encrypted with our key, in isolated subnets', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterIdentifier: `async-toolformer-${stage}-${code(role)}`,
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      GlobalClusterIdentifier: `async-toolformer-${stage}-global`,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      PerformanceInsightsEnabled: true,
      DatabaseInsightsMode: 'standard',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      Tags: Match.arrayWith([{ Key: 'dr-backup-selection', Value: `async-toolformer-${stage}-aurora` }]),
    });
    const subnetGroup = only(template, 'AWS::RDS::DBSubnetGroup');
    expect(JSON.stringify(subnetGroup.Properties.SubnetIds)).toMatch(/isolatedSubnet/);
  });

  test('the Data API is enabled, on the secondary too, for the sentinel job once a failover makes it the writer', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableHttpEndpoint: true });
  });

  test('retention, backup window and deletion policies keep the data', () => {
    const { template, config } = setup(stage, role);
    const cluster = only(template, 'AWS::RDS::DBCluster');
    expect(cluster.Properties.BackupRetentionPeriod).toBe(stage === 'prod' ? 35 : 7);
    expect(cluster.Properties.BackupRetentionPeriod).toBe(config.data.backupRetention.toDays());
    // Ends before the Sunday 01:00 full backup and the daily 02:00 backup.
    expect(cluster.Properties.PreferredBackupWindow).toBe('00:00-01:00');
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot');
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: `/aws/rds/cluster/async-toolformer-${stage}-${code(role)}/postgresql`,
        KmsKeyId: Match.anyValue(),
        RetentionInDays: stage === 'prod' ? 365 : 30,
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('a writer plus the configured readers, spread over AZs, none public', () => {
    const { template, config } = setup(stage, role);
    const readers = role === 'primary' ? config.data.primaryReaders : config.data.secondaryReaders;
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(1 + readers);
    const region = config.regions.find((r) => r.role === role)!;
    const azs = instances.map((instance) => instance.Properties.AvailabilityZone as string);
    expect(azs).toEqual(region.availabilityZones.slice(0, 1 + readers));
    for (const instance of instances) {
      expect(instance.Properties).toMatchObject({
        PubliclyAccessible: false,
        DBInstanceClass: 'db.r7g.large',
        MonitoringInterval: 60,
        EnablePerformanceInsights: true,
      });
    }
    if (stage === 'prod') expect(readers).toBeGreaterThanOrEqual(1);
  });

  test('the cluster admits PostgreSQL from the two workload groups only, never a CIDR', () => {
    const { template } = setup(stage, role);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 });
      expect(rule.Properties.SourceSecurityGroupId).toBeDefined();
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
    const group = only(template, 'AWS::EC2::SecurityGroup');
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(JSON.stringify(group.Properties.SecurityGroupEgress)).toMatch(/255\.255\.255\.255\/32/);
  });

  test('a backup plan copies the daily and weekly-full rules to the other region', () => {
    const { template, config } = setup(stage, role);
    const peerVault = `arn:aws:backup:${config.regions.find((r) => r.role === peer(role))!.region}:${config.account}:backup-vault:async-toolformer-${stage}-${code(peer(role))}`;
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'daily',
            ScheduleExpression: 'cron(0 2 * * ? *)',
            EnableContinuousBackup: true,
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [{ DestinationBackupVaultArn: peerVault, Lifecycle: { DeleteAfterDays: 35 } }],
          }),
          Match.objectLike({
            RuleName: 'weekly-full',
            ScheduleExpression: 'cron(0 1 ? * SUN *)',
            EnableContinuousBackup: false,
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [{ DestinationBackupVaultArn: peerVault, Lifecycle: { DeleteAfterDays: 90 } }],
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        ListOfTags: [
          {
            ConditionType: 'STRINGEQUALS',
            ConditionKey: 'dr-backup-selection',
            ConditionValue: `async-toolformer-${stage}-aurora`,
          },
        ],
      }),
    });
  });

  test('the global lag alarm pages critical; health alarms page high', () => {
    const { template, config } = setup(stage, role);
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const byMetric = new Map(
      Object.values(alarms).map((alarm) => [alarm.Properties.MetricName as string, alarm.Properties]),
    );
    expect([...byMetric.keys()].sort()).toEqual(
      [
        'AuroraGlobalDBRPOLag',
        'AuroraReplicaLagMaximum',
        'CPUUtilization',
        'DatabaseConnections',
        'FreeableMemory',
      ].sort(),
    );
    const lag = byMetric.get('AuroraGlobalDBRPOLag')!;
    expect(lag).toMatchObject({
      Namespace: 'AWS/RDS',
      Threshold: config.data.globalLagAlarmThreshold.toMilliseconds(),
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 60,
      TreatMissingData: role === 'secondary' ? 'breaching' : 'notBreaching',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: expect.anything() }],
    });
    expect(lag.Threshold).toBeLessThan(config.objectives.find((o) => o.component === 'core-api')!.rpo.toMilliseconds());
    expect(JSON.stringify(lag.AlarmActions)).toMatch(/Alertscritical/);
    expect(JSON.stringify(lag.OKActions)).toMatch(/Alertscritical/);
    for (const metric of ['AuroraReplicaLagMaximum', 'CPUUtilization', 'DatabaseConnections', 'FreeableMemory']) {
      expect(JSON.stringify(byMetric.get(metric)!.AlarmActions)).toMatch(/Alertshigh/);
    }
    expect(byMetric.get('CPUUtilization')!.Threshold).toBe(80);
  });

  test('handover parameters have fixed names', () => {
    const { template } = setup(stage, role);
    for (const name of [
      'global-cluster-id',
      'cluster-identifier',
      'cluster-arn',
      'secret-arn',
      'backup-plan-id',
      'backup-role-arn',
    ]) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/async-toolformer/${stage}/data/${name}` });
    }
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/async-toolformer/${stage}/data/global-cluster-id`,
      Value: `async-toolformer-${stage}-global`,
    });
  });
});

describe.each(STAGES)('%s primary region only', (stage) => {
  test('creates the encrypted, deletion-protected, retained global cluster', () => {
    const { template } = setup(stage, 'primary');
    template.hasResource('AWS::RDS::GlobalCluster', {
      Properties: {
        GlobalClusterIdentifier: `async-toolformer-${stage}-global`,
        Engine: 'aurora-postgresql',
        EngineVersion: '17.9',
        StorageEncrypted: true,
        DeletionProtection: true,
      },
      DeletionPolicy: 'Retain',
    });
    setup(stage, 'secondary').template.resourceCountIs('AWS::RDS::GlobalCluster', 0);
  });

  test('holds the master secret: our key, replicated to us-west-2 under its key, rotated, retained', () => {
    const { template, config } = setup(stage, 'primary');
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: `async-toolformer/${stage}/aurora/master`,
        KmsKeyId: Match.anyValue(),
        ReplicaRegions: [
          {
            Region: 'us-west-2',
            KmsKeyId: `arn:aws:kms:us-west-2:${config.account}:alias/async-toolformer/${stage}/secrets`,
          },
        ],
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLSingleUser',
        VpcSecurityGroupIds: Match.anyValue(),
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    const cluster = only(template, 'AWS::RDS::DBCluster');
    expect(JSON.stringify(cluster.Properties.MasterUsername)).toMatch(/resolve:secretsmanager/);
  });

  test('the secondary has no secret of its own and no master credentials', () => {
    const { template } = setup(stage, 'secondary');
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const cluster = only(template, 'AWS::RDS::DBCluster');
    expect(cluster.Properties.MasterUsername).toBeUndefined();
    expect(cluster.Properties.MasterUserPassword).toBeUndefined();
  });

  test('deploy order: secondary protection, then primary data, then secondary data', () => {
    const { stack } = synthStage(stage);
    const primaryData = stack('primary', 'Data');
    expect(primaryData.dependencies).toEqual(expect.arrayContaining([stack('secondary', 'Protection').stackName]));
    expect(stack('secondary', 'Data').dependencies).toEqual(expect.arrayContaining([primaryData.stackName]));
    expect(primaryData.terminationProtection).toBe(stage === 'prod');
  });
});
