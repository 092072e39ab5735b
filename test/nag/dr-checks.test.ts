// The DR nag pack: each rule fires on a resource that breaks it and stays quiet on one that keeps it.
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { DrChecks, DR_RULES } from '../../lib/nag';
import type { DrRuleContext } from '../../lib/nag/rule';

const PROD: DrRuleContext = { stage: 'prod', minBackupRetentionDays: 35 };

/** The DR rule ids that fire anywhere under a fresh stack built by `build`. */
function findings(build: (stack: Stack) => void, context: DrRuleContext = PROD): string[] {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const report = new DrChecks(app, { context }).validateScope(app);
  return report.violations.map((violation) => violation.ruleName).sort();
}

const cluster = (stack: Stack, props: Partial<rds.CfnDBClusterProps> = {}) =>
  new rds.CfnDBCluster(stack, 'Cluster', {
    engine: 'aurora-postgresql',
    deletionProtection: true,
    backupRetentionPeriod: 35,
    storageEncrypted: true,
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1',
    globalClusterIdentifier: 'global',
    ...props,
  }).applyRemovalPolicy(RemovalPolicy.SNAPSHOT);

function group(
  stack: Stack,
  props: Partial<elasticache.CfnReplicationGroupProps> = {},
): elasticache.CfnReplicationGroup {
  const replicationGroup = new elasticache.CfnReplicationGroup(stack, 'Group', {
    replicationGroupDescription: 'rate limiting',
    multiAzEnabled: true,
    automaticFailoverEnabled: true,
    snapshotRetentionLimit: 7,
    globalReplicationGroupId: 'ldgnf-global',
    ...props,
  });
  replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  return replicationGroup;
}

test('the pack has one rule per file, each named', () => {
  expect(DR_RULES.map((rule) => rule.id)).toEqual([...new Set(DR_RULES.map((rule) => rule.id))]);
  expect(DR_RULES).toHaveLength(14);
});

test('a compliant cluster and replication group raise nothing', () => {
  expect(findings((stack) => (cluster(stack), group(stack)))).toEqual([]);
});

test.each([
  ['without deletion protection', { deletionProtection: false }, 'DR-RdsClusterDeletionProtection'],
  ['with 7 days of backups where config asks 35', { backupRetentionPeriod: 7 }, 'DR-RdsClusterBackupRetention'],
  ['unencrypted', { storageEncrypted: false }, 'DR-RdsClusterEncrypted'],
  ['outside a global cluster in prod', { globalClusterIdentifier: undefined }, 'DR-RdsClusterGlobalMembership'],
])('fails an Aurora cluster %s', (_name, props, rule) => {
  expect(findings((stack) => cluster(stack, props))).toEqual([rule]);
});

test('a standalone cluster is fine outside prod', () => {
  expect(
    findings((stack) => cluster(stack, { globalClusterIdentifier: undefined }), {
      stage: 'staging',
      minBackupRetentionDays: 7,
    }),
  ).toEqual([]);
});

test.each([
  ['without Multi-AZ', { multiAzEnabled: false }, ['DR-CacheMultiAzFailover']],
  ['without automatic failover', { automaticFailoverEnabled: false }, ['DR-CacheMultiAzFailover']],
  [
    'keeping no snapshots',
    { snapshotRetentionLimit: 0, globalReplicationGroupId: undefined },
    ['DR-CacheGlobalDatastore', 'DR-CacheSnapshotRetention'],
  ],
])('fails a replication group %s', (_name, props, rules) => {
  expect(findings((stack) => group(stack, props))).toEqual(rules);
});

test('a primary replication group counts as a Global Datastore member when the datastore names it', () => {
  expect(
    findings((stack) => {
      const primary = group(stack, { globalReplicationGroupId: undefined });
      new elasticache.CfnGlobalReplicationGroup(stack, 'Datastore', {
        members: [{ replicationGroupId: primary.ref, role: 'PRIMARY', replicationGroupRegion: 'us-east-1' }],
      }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }),
  ).toEqual([]);
});

test('fails an unversioned backup bucket, and one of the primary that does not replicate', () => {
  const rules = findings((stack) => {
    stack.tags.setTag('region-role', 'primary');
    new s3.Bucket(stack, 'Backups', {
      bucketName: 'async-toolformer-prod-cache-backups-123456789012-use1',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  });
  expect(rules).toEqual(['DR-BackupBucketReplicated', 'DR-BackupBucketVersioned']);
});

test('fails a failover record without a health check', () => {
  const rules = findings((stack) => {
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z1',
      zoneName: 'example.com',
    });
    new route53.CfnRecordSet(stack, 'Primary', {
      hostedZoneId: zone.hostedZoneId,
      name: 'api.example.com',
      type: 'CNAME',
      ttl: '60',
      resourceRecords: ['api-use1.example.com'],
      setIdentifier: 'primary',
      failover: 'PRIMARY',
    });
  });
  expect(rules).toEqual(['DR-FailoverRecordHealthCheck']);
});

test('fails a schedule without retries or a dead-letter queue', () => {
  const rules = findings((stack) => {
    new scheduler.CfnSchedule(stack, 'Schedule', {
      scheduleExpression: 'cron(0 2 * * ? *)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        roleArn: 'arn:aws:iam::123456789012:role/r',
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
  });
  expect(rules).toEqual(['DR-ScheduleRetriesAndDlq']);
});

test.each([
  [
    'a key deleted with its stack',
    (stack: Stack) => new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY }),
  ],
  [
    'a bucket deleted with its stack',
    (stack: Stack) => new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY }),
  ],
])('fails %s', (_name, build) => {
  expect(findings(build)).toEqual(['DR-StatefulResourceRetained']);
});

test('a retained key and a VPC raise nothing', () => {
  expect(
    findings((stack) => {
      new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.RETAIN });
      new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    }),
  ).toEqual([]);
});
