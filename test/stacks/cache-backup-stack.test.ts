// Cache backups: SSE-S3 buckets per region, the ElastiCache export policy, lifecycle, and replication with RTC.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import {
  ELASTICACHE_EXPORT_BUCKET_ACTIONS,
  ELASTICACHE_EXPORT_OBJECT_ACTIONS,
} from '../../lib/constructs/cache-backup-bucket';
import { WARM_UP_MANIFEST } from '../../lib/contract';
import { cacheExportKeyPrefix, cacheReplicationGroupId, regionCode } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const cases: [Stage, RegionRole][] = STAGES.flatMap((stage) =>
  (['primary', 'secondary'] as const).map((role): [Stage, RegionRole] => [stage, role]),
);

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stack(role, 'CacheBackup');
  const region = synthesized.config.regions.find((r) => r.role === role)!;
  const other = synthesized.config.regions.find((r) => r.role !== role)!;
  const bucketName = (r: typeof region) =>
    `async-toolformer-${stage}-cache-backups-${synthesized.config.account}-${regionCode(r.region)}`;
  return {
    config: synthesized.config,
    region,
    template: synthesized.template(stack.stackName),
    bucketName: bucketName(region),
    otherBucketName: bucketName(other),
  };
}

describe.each(cases)('%s %s cache backups', (stage, role) => {
  test('the backup bucket is versioned, SSE-S3, private, access-logged and retained', () => {
    const { template, bucketName } = setup(stage, role);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketName: bucketName,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^BackupsAccessLogs') },
          LogFilePrefix: 'backups/',
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ BucketName: Match.absent(), VersioningConfiguration: { Status: 'Enabled' } }),
      DeletionPolicy: 'Retain',
    });
  });

  test('every bucket refuses plain HTTP', () => {
    const { template } = setup(stage, role);
    template.resourcePropertiesCountIs(
      'AWS::S3::BucketPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      2,
    );
  });

  test('the regional ElastiCache snapshot service gets exactly the export actions, for this account only', () => {
    const { template, region, config, bucketName } = setup(stage, role);
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const exporter = statements.filter(
      (s) =>
        JSON.stringify(s.Principal) ===
        JSON.stringify({ Service: `${region.region}.elasticache-snapshot.amazonaws.com` }),
    );
    expect(exporter).toHaveLength(2);
    const actions = exporter.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual([...ELASTICACHE_EXPORT_BUCKET_ACTIONS, ...ELASTICACHE_EXPORT_OBJECT_ACTIONS].sort());
    expect(actions).toEqual(
      [
        's3:GetBucketAcl',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:ListMultipartUploadParts',
        's3:PutObject',
      ].sort(),
    );
    for (const statement of exporter) {
      expect(statement).toMatchObject({
        Effect: 'Allow',
        Condition: { StringEquals: { 'aws:SourceAccount': config.account } },
      });
    }
    // Both statements name the backup bucket itself (and its objects), not the access log bucket.
    const resources = template.toJSON().Resources as Record<string, { Properties: { BucketName?: string } }>;
    const targets = [...JSON.stringify(exporter.map((s) => s.Resource)).matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)];
    expect(targets).toHaveLength(2);
    for (const [, logicalId] of targets) expect(resources[logicalId!]!.Properties.BucketName).toBe(bucketName);
  });

  test('lifecycle: exports go to Standard-IA after the configured days and expire at the retention; warm-up manifests never expire, only the versions they replaced', () => {
    const { template, config, bucketName } = setup(stage, role);
    const { transitionAfter, retention, noncurrentVersionExpiry } = config.cache.backupBucket;
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName,
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Prefix: cacheExportKeyPrefix(config),
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: transitionAfter.toDays() }],
            ExpirationInDays: retention.toDays(),
            NoncurrentVersionExpiration: { NoncurrentDays: noncurrentVersionExpiry.toDays() },
          }),
          {
            Id: 'expire-replaced-warm-up-manifests',
            Status: 'Enabled',
            Prefix: WARM_UP_MANIFEST.prefix,
            NoncurrentVersionExpiration: { NoncurrentDays: noncurrentVersionExpiry.toDays() },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
  });

  test("the expiring prefix covers both regions' replication group ids (every export is `<group id>-…`) and no manifest", () => {
    const { config } = setup(stage, role);
    const prefix = cacheExportKeyPrefix(config);
    for (const region of config.regions) expect(cacheReplicationGroupId(config, region).startsWith(prefix)).toBe(true);
    expect(WARM_UP_MANIFEST.prefix.startsWith(prefix)).toBe(false);
  });

  test('the bucket name is handed over in a fixed-name parameter', () => {
    const { template, bucketName } = setup(stage, role);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/async-toolformer/${stage}/cache/backup-bucket`,
      Value: bucketName,
    });
  });
});

describe.each(STAGES)('%s backup replication', (stage) => {
  test("the primary's bucket replicates to the secondary's with Replication Time Control and metrics", () => {
    const { template, bucketName, otherBucketName } = setup(stage, 'primary');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName,
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsReplicationRole'), 'Arn'] },
        Rules: [
          Match.objectLike({
            Id: 'backups-to-secondary-region',
            Status: 'Enabled',
            DeleteMarkerReplication: { Status: 'Disabled' },
            Destination: {
              Bucket: Match.anyValue(),
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
            },
          }),
        ],
      },
    });
    const rules = Object.values(
      template.findResources('AWS::S3::Bucket', { Properties: { BucketName: bucketName } }),
    )[0]!.Properties.ReplicationConfiguration.Rules;
    expect(JSON.stringify(rules[0].Destination.Bucket)).toMatch(new RegExp(`:s3:::${otherBucketName}"`));
    setup(stage, 'secondary').template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: otherBucketName,
      ReplicationConfiguration: Match.absent(),
    });
  });

  test('the replication role may only read the source and replicate into the destination', () => {
    const { template, bucketName, otherBucketName } = setup(stage, 'primary');
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const byAction = (action: string) => statements.find((s) => [s.Action].flat().includes(action));
    expect(JSON.stringify(byAction('s3:ReplicateObject')?.Resource)).toMatch(new RegExp(`${otherBucketName}/\\*`));
    expect(JSON.stringify(byAction('s3:GetObjectVersionForReplication')?.Resource)).toMatch(
      new RegExp(`${bucketName}/\\*`),
    );
    expect(byAction('s3:ReplicateDelete')).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })],
      },
    });
  });

  test.each([
    ['failed-replication', 'OperationsFailedReplication', 0],
    ['replication-latency', 'ReplicationLatency', 12 * 60],
  ])('alarm %s on %s above %p notifies the high topic', (suffix, metricName, threshold) => {
    const { template, bucketName, otherBucketName, config } = setup(stage, 'primary');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(config.cache.alarms.s3ReplicationLatency.toSeconds()).toBe(12 * 60);
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp(`-cache-backups-${suffix}$`) },
      }),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: metricName,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: expect.arrayContaining([
        { Name: 'SourceBucket', Value: bucketName },
        { Name: 'DestinationBucket', Value: otherBucketName },
        { Name: 'RuleId', Value: 'backups-to-secondary-region' },
      ]),
    });
    expect(JSON.stringify(alarms[0]!.Properties.AlarmActions)).toMatch(/Alertshigh/);
    setup(stage, 'secondary').template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});
