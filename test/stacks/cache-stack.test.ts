// Cache tier: Valkey replication groups, Global Datastore membership, degraded-mode switch and alarms, in both stages.
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import { cacheReplicationGroupId } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const cases: [Stage, RegionRole][] = STAGES.flatMap((stage) =>
  (['primary', 'secondary'] as const).map((role): [Stage, RegionRole] => [stage, role]),
);

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stack(role, 'Cache');
  const region = synthesized.region(role);
  const template = synthesized.template(stack.stackName);
  const config = synthesized.config;
  const joinsGlobal = config.cache.globalDatastore && role === 'secondary';
  // The group's fixed id, as the naming module builds it for the region.
  const replicationGroupId = cacheReplicationGroupId(config, region);
  return { synthesized, config, stack, region, template, joinsGlobal, replicationGroupId };
}

/** The one resource of `type` in `template`, asserting there is exactly one. */
function only(template: Template, type: string) {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0]!;
}

describe.each(cases)('%s %s cache', (stage, role) => {
  test('the replication group is Multi-AZ with automatic failover and at least one replica', () => {
    const { template, config, replicationGroupId } = setup(stage, role);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ReplicationGroupId: replicationGroupId,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: config.cache.replicasPerNodeGroup + 1,
    });
    expect(config.cache.replicasPerNodeGroup).toBeGreaterThanOrEqual(1);
  });

  test('it is encrypted at rest with our key, requires TLS and authenticates with the AUTH token secret', () => {
    const { template } = setup(stage, role);
    const group = only(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties).toMatchObject({
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
    expect(JSON.stringify(group.Properties.AuthToken)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:::\}\}/);
  });

  test('snapshots are kept as configured (at least 7 days in prod) and finish before 02:00 UTC', () => {
    const { template, config } = setup(stage, role);
    const { SnapshotRetentionLimit, SnapshotWindow } = only(template, 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(SnapshotRetentionLimit).toBe(config.cache.snapshotRetention.toDays());
    if (stage === 'prod') expect(SnapshotRetentionLimit).toBeGreaterThanOrEqual(7);
    const end = (SnapshotWindow as string).split('-')[1]!;
    expect(end <= '02:00').toBe(true);
  });

  test('deleting or replacing the group snapshots it first', () => {
    const { template } = setup(stage, role);
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('it runs Valkey on a non-default port in the isolated subnets of every AZ', () => {
    const { template, config, region, joinsGlobal } = setup(stage, role);
    const group = only(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties.Port).toBe(config.cache.port);
    expect(group.Properties.Port).not.toBe(6379);
    if (joinsGlobal) {
      // A Global Datastore secondary inherits engine, version, node type and parameters.
      expect(group.Properties.Engine).toBeUndefined();
    } else {
      expect(group.Properties).toMatchObject({
        Engine: 'valkey',
        EngineVersion: config.cache.engineVersion,
        CacheNodeType: config.cache.nodeType,
      });
      template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        CacheParameterGroupFamily: config.cache.parameterGroupFamily,
        Properties: { 'maxmemory-policy': 'volatile-ttl' },
      });
    }
    const subnets = only(template, 'AWS::ElastiCache::SubnetGroup').Properties.SubnetIds as unknown[];
    expect(subnets).toHaveLength(region.availabilityZones.length);
    expect(JSON.stringify(subnets)).toMatch(/isolatedSubnet/);
    expect(JSON.stringify(subnets)).not.toMatch(/(public|private)Subnet/);
  });

  test('its security group admits only the workload security groups, on the cache port, never a CIDR', () => {
    const { template, config } = setup(stage, role);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (r) => (r.Properties.SecurityGroupIngress as unknown[] | undefined) ?? [],
    );
    expect(inline).toEqual([]);
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: config.cache.port,
        ToPort: config.cache.port,
        SourceSecurityGroupId: expect.anything(),
      });
      expect(rule.CidrIp).toBeUndefined();
    }
    expect(JSON.stringify(ingress)).toMatch(/OrchestratorSecurityGroup/);
    expect(JSON.stringify(ingress)).toMatch(/AutomationSecurityGroup/);
  });

  test('ElastiCache events go to an unencrypted, TLS-only topic that this account alone may publish to', () => {
    const { template, config } = setup(stage, role);
    const topic = only(template, 'AWS::SNS::Topic');
    expect(topic.Properties).toMatchObject({ TopicName: `async-toolformer-${stage}-cache-events` });
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'AWS:SourceOwner': config.account } },
          }),
        ]),
      },
    });
    const group = only(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties.NotificationTopicArn).toEqual({ Ref: expect.stringMatching(/^DegradedModeEventsTopic/) });
  });

  test('the mode parameter starts on redis and accepts only redis or in-memory', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/async-toolformer/${stage}/rate-limiter/mode`,
      Value: 'redis',
      AllowedPattern: '^(redis|in-memory)$',
    });
  });

  test('the switch function runs Node.js 22 on ARM64, traced, one at a time, with a DLQ and its settings', () => {
    const { template, replicationGroupId } = setup(stage, role);
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Flips ') },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const fn = Object.values(functions)[0]!;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 1,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] } },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
      KmsKeyArn: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      Environment: {
        Variables: {
          STAGE: stage,
          NODE_OPTIONS: '--enable-source-maps',
          MODE_PARAMETER_NAME: `/async-toolformer/${stage}/rate-limiter/mode`,
          REPLICATION_GROUP_ID: replicationGroupId,
          ALERT_TOPIC_ARN: expect.anything(),
        },
      },
    });
    expect(JSON.stringify(fn.Properties.Environment.Variables.ALERT_TOPIC_ARN)).toMatch(/Alertshigh/);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^DegradedModeEventsTopic') },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  test('its DLQ is KMS-encrypted and TLS-only, its log group encrypted, kept a year and retained', () => {
    const { template } = setup(stage, role);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('the switch may read and write only its parameter and publish only to the high topic, from a managed policy', () => {
    const { template } = setup(stage, role);
    const policies = template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Description: Match.stringLikeRegexp('DegradedMode/Function') },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as unknown[]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['ssm:GetParameter', 'ssm:PutParameter'],
          Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }),
        }),
        expect.objectContaining({ Action: 'sns:Publish', Resource: expect.anything() }),
      ]),
    );
    expect(JSON.stringify(statements)).toMatch(/DegradedModeModeParameter/);
    const publish = statements.find((s) => (s as { Action: unknown }).Action === 'sns:Publish');
    expect(JSON.stringify(publish)).toMatch(/Alertshigh/);
    for (const statement of statements as { Action: string | string[] }[]) {
      expect([statement.Action].flat().some((action) => action.includes('*'))).toBe(false);
    }
  });

  test('the replication group id is handed over in a fixed-name parameter', () => {
    const { template, replicationGroupId } = setup(stage, role);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/async-toolformer/${stage}/cache/replication-group-id`,
      Value: replicationGroupId,
    });
  });

  test('the restore settings name the group, its network, key, secret and topic for the restore script', () => {
    const { template, config, replicationGroupId } = setup(stage, role);
    const parameters = template.findResources('AWS::SSM::Parameter', {
      Properties: { Name: `/async-toolformer/${stage}/cache/restore-settings` },
    });
    expect(Object.keys(parameters)).toHaveLength(1);
    const value = JSON.stringify(Object.values(parameters)[0]!.Properties.Value);
    for (const expected of [
      `\\"replicationGroupId\\":\\"${replicationGroupId}\\"`,
      `\\"authTokenSecretName\\":\\"async-toolformer/${stage}/cache/auth-token\\"`,
      `\\"port\\":${config.cache.port}`,
      `\\"numCacheClusters\\":${config.cache.replicasPerNodeGroup + 1}`,
    ]) {
      expect(value).toContain(expected);
    }
    for (const reference of [
      'ReplicationGroupSubnetGroup',
      'ReplicationGroupSecurityGroup',
      'ReplicationGroupParameterGroup',
      'DegradedModeEventsTopic',
      'Key',
    ]) {
      expect(value).toMatch(new RegExp(`"${reference}[0-9A-F]{8}"`));
    }
  });

  test('the key rotates and outlives the stack', () => {
    const { template } = setup(stage, role);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });
});

describe.each(STAGES)('%s Global Datastore', (stage) => {
  test('the primary region creates the AUTH token, encrypted, replicated to the secondary and retained', () => {
    const { template, config } = setup(stage, 'primary');
    const secondary = config.regions.find((r) => r.role === 'secondary')!;
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: `async-toolformer/${stage}/cache/auth-token`,
        KmsKeyId: Match.anyValue(),
        ReplicaRegions: [{ Region: secondary.region }],
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      },
      DeletionPolicy: 'Retain',
    });
    setup(stage, 'secondary').template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const secondaryGroup = only(setup(stage, 'secondary').template, 'AWS::ElastiCache::ReplicationGroup');
    expect(secondaryGroup.Properties.AuthToken).toBe(
      `{{resolve:secretsmanager:async-toolformer/${stage}/cache/auth-token:SecretString:::}}`,
    );
  });

  test('membership follows config: prod joins both regions, staging runs two standalone groups', () => {
    const primary = setup(stage, 'primary');
    const secondary = setup(stage, 'secondary');
    if (!primary.config.cache.globalDatastore) {
      expect(stage).toBe('staging');
      primary.template.resourceCountIs('AWS::ElastiCache::GlobalReplicationGroup', 0);
      secondary.template.resourceCountIs('Custom::AWS', 0);
      expect(only(secondary.template, 'AWS::ElastiCache::ReplicationGroup').Properties.GlobalReplicationGroupId).toBe(
        undefined,
      );
      return;
    }
    const groupId = new Capture();
    primary.template.hasResource('AWS::ElastiCache::GlobalReplicationGroup', {
      Properties: {
        GlobalReplicationGroupIdSuffix: `async-toolformer-${stage}`,
        AutomaticFailoverEnabled: true,
        Members: [
          { ReplicationGroupId: { Ref: groupId }, ReplicationGroupRegion: primary.region.region, Role: 'PRIMARY' },
        ],
      },
      DeletionPolicy: 'Retain',
    });
    expect(primary.template.toJSON().Resources[groupId.asString()].Type).toBe('AWS::ElastiCache::ReplicationGroup');
    primary.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/async-toolformer/${stage}/cache/global-replication-group-id`,
      Value: { Ref: Match.stringLikeRegexp('^GlobalDatastore') },
    });
    const lookup = Object.entries(secondary.template.findResources('Custom::AWS'));
    expect(lookup).toHaveLength(1);
    const [lookupId, resource] = lookup[0]!;
    expect(JSON.parse(resource.Properties.Create as string)).toMatchObject({
      service: 'SSM',
      action: 'getParameter',
      parameters: { Name: `/async-toolformer/${stage}/cache/global-replication-group-id` },
      region: primary.region.region,
    });
    expect(only(secondary.template, 'AWS::ElastiCache::ReplicationGroup').Properties.GlobalReplicationGroupId).toEqual({
      'Fn::GetAtt': [lookupId, 'Parameter.Value'],
    });
  });

  test('the secondary cache stack deploys after the primary, the primary backup stack after the secondary', () => {
    const { stack } = synthStage(stage);
    expect(stack('secondary', 'Cache').dependencies).toContain(stack('primary', 'Cache').stackName);
    expect(stack('primary', 'Cache').dependencies).not.toContain(stack('secondary', 'Cache').stackName);
    expect(stack('primary', 'CacheBackup').dependencies).toContain(stack('secondary', 'CacheBackup').stackName);
  });
});

describe.each(cases)('%s %s cache alarms', (stage, role) => {
  test('alarm count: CPU, memory and replica lag everywhere; Global Datastore lag in a global secondary', () => {
    const { template, joinsGlobal } = setup(stage, role);
    // The AUTH token rotation's function health alarms are its own (test/constructs/cache-auth-token.test.ts).
    const cacheAlarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (id) => !id.startsWith('AuthTokenRotation'),
    );
    expect(cacheAlarms).toHaveLength(joinsGlobal ? 4 : 3);
  });

  test.each([
    ['replication-lag', 'ReplicationLag', 'critical'],
    ['engine-cpu', 'EngineCPUUtilization', 'high'],
    ['memory', 'DatabaseMemoryUsagePercentage', 'high'],
  ])('%s watches the worst node of %s and notifies the %s topic', (suffix, metricName, severity) => {
    const { template, config, replicationGroupId } = setup(stage, role);
    const alarm = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp(`-cache-${suffix}$`) },
      }),
    );
    expect(alarm).toHaveLength(1);
    const props = alarm[0]!.Properties;
    const thresholds: Record<string, number> = {
      'replication-lag': config.cache.alarms.replicationLag.toSeconds(),
      'engine-cpu': config.cache.alarms.engineCpuPercent,
      memory: config.cache.alarms.memoryPercent,
    };
    expect(props.Threshold).toBe(thresholds[suffix]);
    expect(props.ComparisonOperator).toBe('GreaterThanThreshold');
    const metrics = props.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toMatch(/^MAX\(\[n0,n1(,n\d)*\]\)$/);
    const nodes = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat!.Metric);
    // ElastiCache names the node clusters of a group <group id>-001, -002 ..., one per node (NumCacheClusters).
    const { NumCacheClusters } = only(template, 'AWS::ElastiCache::ReplicationGroup').Properties;
    const node = (index: number) => `${replicationGroupId}-${String(index + 1).padStart(3, '0')}`;
    expect(nodes).toEqual(
      Array.from({ length: NumCacheClusters as number }, (_, index) => node(index)).map((id) =>
        expect.objectContaining({
          Namespace: 'AWS/ElastiCache',
          MetricName: metricName,
          Dimensions: [{ Name: 'CacheClusterId', Value: id }],
        }),
      ),
    );
    expect(JSON.stringify(props.AlarmActions)).toMatch(new RegExp(`Alerts${severity}`));
    expect(JSON.stringify(props.OKActions)).toMatch(new RegExp(`Alerts${severity}`));
  });

  test('Global Datastore lag pages critical at a threshold well under the RPO, and missing data breaches', () => {
    const { template, config, joinsGlobal } = setup(stage, role);
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: Match.stringLikeRegexp('-cache-global-replication-lag$') },
    });
    if (!joinsGlobal) {
      expect(Object.keys(alarms)).toHaveLength(0);
      return;
    }
    const props = Object.values(alarms)[0]!.Properties;
    const rpo = config.objectives.find((o) => o.component === 'rate-limiting')!.rpo.toSeconds();
    expect(props.Threshold).toBe(config.cache.alarms.globalReplicationLag.toSeconds());
    expect(props.Threshold).toBeLessThanOrEqual(rpo / 2);
    expect(props.TreatMissingData).toBe('breaching');
    expect(JSON.stringify(props.Metrics)).toMatch(/GlobalDatastoreReplicationLag/);
    expect(JSON.stringify(props.AlarmActions)).toMatch(/Alertscritical/);
  });
});
