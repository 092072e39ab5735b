// ReplicatedBucket and its ReplicationAlarms: the bucket's guarantees, replication with RTC and its role, logging, logical ids, nag, and bad props.
import { Duration, Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { AccessLogBucket } from '../../lib/constructs/access-log-bucket';
import {
  ReplicatedBucket,
  type BucketReplication,
  type ReplicatedBucketProps,
} from '../../lib/constructs/replicated-bucket';
import { ReplicationAlarms, type ReplicationAlarmsProps } from '../../lib/constructs/replicated-bucket-alarms';
import { newApp } from '../helpers/synth';

const ACCOUNT = '123456789012';
const SOURCE = 'atf-test-backups-use1';
const TWIN = 'atf-test-backups-usw2';

interface Fixture {
  readonly stack: Stack;
  readonly logs: AccessLogBucket;
  readonly twin: s3.IBucket;
}

function fixture(): Fixture {
  const stack = new Stack(newApp(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const logs = new AccessLogBucket(stack, 'AccessLogs', { retention: Duration.days(90) });
  const twin = s3.Bucket.fromBucketAttributes(stack, 'Twin', { bucketName: TWIN, region: 'us-west-2' });
  return { stack, logs, twin };
}

function replication(f: Fixture, overrides: Partial<BucketReplication> = {}): BucketReplication {
  return { destination: f.twin, ruleId: 'to-twin', ...overrides };
}

function make(overrides: (f: Fixture) => Partial<ReplicatedBucketProps> = (f) => ({ replication: replication(f) })): {
  f: Fixture;
  bucket: ReplicatedBucket;
} {
  const f = fixture();
  const bucket = new ReplicatedBucket(f.stack, 'Bucket', {
    bucketName: SOURCE,
    encryptionReason: 'Only backups that ElastiCache restores from SSE-S3.',
    accessLogBucket: f.logs.bucket,
    accessLogPrefix: 'backups/',
    ...overrides(f),
  });
  return { f, bucket };
}

function build(overrides?: (f: Fixture) => Partial<ReplicatedBucketProps>) {
  const { f, bucket } = make(overrides);
  return { f, bucket, template: Template.fromStack(f.stack) };
}

describe('the bucket', () => {
  test('is private, TLS-only, versioned, SSE-S3, free of ACLs and retained', () => {
    const { template } = build();
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: SOURCE,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Bucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('takes the lifecycle it is given', () => {
    const { template } = build((f) => ({
      replication: replication(f),
      lifecycleRules: [{ id: 'expire', expiration: Duration.days(30) }],
    }));
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: SOURCE,
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire', ExpirationInDays: 30 })] },
    });
  });

  test('logs to the access log bucket under its prefix, admitted by a statement of that bucket, not by ACLs', () => {
    const { template, f } = build();
    const logs = f.stack.getLogicalId(f.logs.bucket.node.defaultChild as s3.CfnBucket);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: SOURCE,
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'backups/' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'S3ServerAccessLogs',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs, 'Arn'] }, '/backups/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
            },
          }),
        ]),
      },
    });
  });

  test("its id is 'Default': put where a bucket was, it keeps that bucket's logical id", () => {
    const { f, bucket } = make();
    const before = new Stack(newApp(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const plain = new s3.Bucket(before, 'Bucket', { enforceSSL: true });
    const logicalIds = (stack: Stack, bucket: s3.Bucket) => [
      stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket),
      stack.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy),
    ];
    // The bucket policy too: a policy under a new id would be deleted after its successor is created.
    expect(logicalIds(f.stack, bucket.bucket)).toEqual(logicalIds(before, plain));
  });

  test('nag finds nothing unacknowledged on it, replicating or not', () => {
    for (const overrides of [
      (f: Fixture) => ({ replication: replication(f) }),
      () => ({ replicaReason: 'The twin that the other region replicates into.' }),
    ]) {
      const { f } = make(overrides);
      const findings = [new AwsSolutionsChecks(f.stack), new NIST80053R5Checks(f.stack)].flatMap((pack) =>
        pack
          .validateScope(f.stack)
          .violations.flatMap((violation) =>
            violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
          ),
      );
      expect(findings).toEqual([]);
    }
  });
});

describe('replication', () => {
  test('every new version goes to the twin with Replication Time Control and metrics, 15 minutes', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: SOURCE,
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BucketReplicationRole'), 'Arn'] },
        Rules: [
          {
            Id: 'to-twin',
            Status: 'Enabled',
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Disabled' },
            Destination: {
              Bucket: `arn:aws:s3:::${TWIN}`,
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
            },
          },
        ],
      },
    });
  });

  test('the role is for S3 of this account only, with one managed policy that the bucket waits for', () => {
    const { template } = build();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const policy = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))[0]!;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          }),
        ],
      },
      // Attached through the role: the bucket reads the role, so it comes after the policy.
      ManagedPolicyArns: [{ Ref: policy }],
    });
  });

  test.each([
    [false, 'Disabled', ['s3:ReplicateObject', 's3:ReplicateTags']],
    [true, 'Enabled', ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags']],
  ])(
    'deleteMarkerReplication %p: delete markers %s, the twin may receive %p',
    (deleteMarkerReplication, status, writes) => {
      const { template } = build((f) => ({ replication: replication(f, { deleteMarkerReplication }) }));
      template.hasResourceProperties('AWS::S3::Bucket', {
        ReplicationConfiguration: {
          Rules: [Match.objectLike({ DeleteMarkerReplication: { Status: status } })],
        },
      });
      const statements = new Capture();
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: statements } });
      expect(statements.asArray().map((s: { Action: unknown; Resource: unknown }) => [s.Action, s.Resource])).toEqual([
        [['s3:GetReplicationConfiguration', 's3:ListBucket'], `arn:aws:s3:::${SOURCE}`],
        [
          ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
          `arn:aws:s3:::${SOURCE}/*`,
        ],
        [writes, `arn:aws:s3:::${TWIN}/*`],
      ]);
    },
  );

  test('the twin has no replication and no role', () => {
    const { template, bucket } = build(() => ({ replicaReason: 'The twin that the other region replicates into.' }));
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: SOURCE, ReplicationConfiguration: Match.absent() });
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(bucket.replication).toBeUndefined();
  });

  test('metrics: the worst latency and the sum of failed operations of the rule, over 5 minutes', () => {
    const { bucket } = make();
    const dimensions = { SourceBucket: SOURCE, DestinationBucket: TWIN, RuleId: 'to-twin' };
    expect(bucket.metricReplication('ReplicationLatency')).toMatchObject({
      namespace: 'AWS/S3',
      metricName: 'ReplicationLatency',
      dimensions,
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
    expect(bucket.metricReplication('OperationsFailedReplication')).toMatchObject({ dimensions, statistic: 'Sum' });
  });
});

describe('fails when', () => {
  test.each<[string, (f: Fixture) => Partial<ReplicatedBucketProps>, string]>([
    [
      'encryptionReason is empty',
      (f) => ({ replication: replication(f), encryptionReason: ' ' }),
      'encryptionReason of Test/Bucket is empty; say why SSE-S3 suits what the bucket holds',
    ],
    [
      'both replication and replicaReason are given',
      (f) => ({ replication: replication(f), replicaReason: 'twin' }),
      'Test/Bucket has replication and replicaReason; replicaReason is only for the twin that does not replicate, remove it',
    ],
    [
      'neither replication nor replicaReason is given',
      () => ({}),
      'Test/Bucket has neither replication nor replicaReason; give it replication, or say in replicaReason why',
    ],
    [
      'the destination is in the same region',
      (f) => ({
        replication: replication(f, {
          destination: s3.Bucket.fromBucketAttributes(f.stack, 'SameRegion', { bucketName: TWIN }),
        }),
      }),
      'replication.destination of Test/Bucket must be in another region than us-east-1, got: us-east-1; ' +
        "import the other region's bucket with s3.Bucket.fromBucketAttributes({ bucketName, region })",
    ],
    [
      'the access log bucket is imported',
      (f) => ({ replication: replication(f), accessLogBucket: s3.Bucket.fromBucketName(f.stack, 'Imported', 'logs') }),
      'accessLogBucket of Test/Bucket is imported, so its policy cannot admit S3 server access logging; pass a bucket created in this app',
    ],
  ])('%s', (_label, overrides, message) => {
    expect(() => make(overrides)).toThrow(message);
  });

  test('a metric is asked of the twin', () => {
    const { bucket } = make(() => ({ replicaReason: 'twin' }));
    expect(() => bucket.metricReplication('ReplicationLatency')).toThrow(
      'Test/Bucket does not replicate, so it has no ReplicationLatency; give it replication first',
    );
  });
});

describe('ReplicationAlarms', () => {
  function alarms(overrides: Partial<ReplicationAlarmsProps> = {}, twin = false) {
    const { f, bucket } = make(twin ? () => ({ replicaReason: 'twin' }) : undefined);
    const topic = new sns.Topic(f.stack, 'Topic');
    const construct = new ReplicationAlarms(f.stack, 'ReplicationAlarms', {
      bucket,
      topic,
      latencyThreshold: Duration.minutes(12),
      failureImpact: 'the other region cannot restore them',
      ...overrides,
    });
    return {
      construct,
      template: Template.fromStack(f.stack),
      topic: f.stack.getLogicalId(topic.node.defaultChild as never),
    };
  }

  test.each([
    ['OperationsFailedReplication', 'Sum', 0, 1, 'failed-replication'],
    ['ReplicationLatency', 'Maximum', 720, 3, 'replication-latency'],
  ])(
    '%s (%s) above %p for %p periods alerts the topic, and tells it of recovery',
    (metric, statistic, threshold, periods, suffix) => {
      const { template, topic } = alarms({ latencyEvaluationPeriods: 3, alarmNamePrefix: 'atf-test-backups' });
      template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `atf-test-backups-${suffix}`,
        Namespace: 'AWS/S3',
        MetricName: metric,
        Statistic: statistic,
        Period: 300,
        Threshold: threshold,
        EvaluationPeriods: periods,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [
          { Name: 'DestinationBucket', Value: TWIN },
          { Name: 'RuleId', Value: 'to-twin' },
          { Name: 'SourceBucket', Value: SOURCE },
        ],
        AlarmActions: [{ Ref: topic }],
        OKActions: [{ Ref: topic }],
      });
    },
  );

  test('CloudFormation names the alarms unless given a prefix', () => {
    const { template } = alarms();
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.absent() }, 2);
  });

  test.each<[string, Partial<ReplicationAlarmsProps>, boolean, string]>([
    [
      'the bucket does not replicate',
      {},
      true,
      'bucket Test/Bucket does not replicate, so there is nothing to alarm on; give it replication or drop Test/ReplicationAlarms',
    ],
    [
      'the latency threshold is 0',
      { latencyThreshold: Duration.seconds(0) },
      false,
      'latencyThreshold must be longer than 0 seconds, got: 0 seconds',
    ],
    [
      'the latency is judged over 0 periods',
      { latencyEvaluationPeriods: 0 },
      false,
      'latencyEvaluationPeriods must be a whole number of at least 1, got: 0',
    ],
  ])('fails when %s', (_label, overrides, twin, message) => {
    expect(() => alarms(overrides, twin)).toThrow(message);
  });
});
