// The six failure paths of the daily integrity check, through its handler: the failed check named in the report, backup_success_rate under 100, and only the report written.
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FUNCTIONS, METRIC } from '../../lib/contract';
import {
  awsError,
  capture,
  captureWithFakeTimers,
  environment,
  mutatingCalls,
  type Captured,
} from '../../test/helpers/failure-paths';
import { BUCKET, CLUSTER, CLUSTER_ARN, DAY, HOUR, PEER_BUCKET, PEER_VAULT, VAULT, objectBody } from './fixtures';
import type { CheckReport } from '../shared/check-report';
import type { IntegrityReport } from './follow-writer';
import type * as HandlerModule from './handler';

const GLOBAL = 'async-toolformer-prod-global';
// Both regions' key parameters answer the same key, so one mocked client class serves both regions.
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/database';
const scheduled = { schedule: 'daily-integrity-check' };
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
const backup = mockClient(BackupClient);
const elasticache = mockClient(ElastiCacheClient);
const rds = mockClient(RDSClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const stubs = [backup, elasticache, rds, s3, ssm];

/** A run that acted but did not pass: the failed checks are named, the report written once, the rate below 100. */
function expectFailedChecks(captured: Captured<IntegrityReport>, failed: Record<string, RegExp>): void {
  const { metrics } = captured;
  expect(captured.result).toMatchObject({ outcome: 'acted', passed: false });
  const result = captured.result as CheckReport;
  const failures = Object.fromEntries(result.results.filter((check) => !check.passed).map((c) => [c.check, c.detail]));
  expect(failures).toEqual(
    Object.fromEntries(Object.entries(failed).map(([check, detail]) => [check, expect.stringMatching(detail)])),
  );
  expect(result.successRate).toBeLessThan(100);
  expect(metrics[METRIC.backupSuccessRate]).toEqual([result.successRate]);
  expect(metrics[METRIC.backupCheckPassed]!.filter((value) => value === 0)).toHaveLength(Object.keys(failed).length);
  expect(mutatingCalls(...stubs)).toEqual(['PutParameter']);
  const report = JSON.parse(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!) as CheckReport;
  expect(report).toMatchObject({ passed: false, successRate: result.successRate });
}

let handler: typeof HandlerModule.handler;
beforeAll(() => {
  Object.assign(
    process.env,
    environment(FUNCTIONS.integrityCheck.environment, {
      PEER_REGION: 'us-west-2',
      GLOBAL_CLUSTER_IDENTIFIER: GLOBAL,
      CLUSTER_IDENTIFIER: CLUSTER,
      CLUSTER_ARN,
      REPLICATION_GROUP_ID: CLUSTER,
      STANDALONE_CACHE_FOLLOWS_WRITER: 'false',
      VAULT_NAME: VAULT,
      PEER_VAULT_NAME: PEER_VAULT,
      REDIS_BUCKET: BUCKET,
      PEER_REDIS_BUCKET: PEER_BUCKET,
      REDIS_PREFIX: 'exports/',
      DAILY_MAX_AGE_SECONDS: String(DAY + 2 * HOUR),
      WEEKLY_MAX_AGE_SECONDS: String(7 * DAY + 2 * HOUR),
      POINT_IN_TIME_MAX_LAG_SECONDS: '900',
    }),
  );
  ({ handler } = jest.requireActual<typeof HandlerModule>('./handler'));
});
beforeEach(() => {
  stubs.forEach((stub) => stub.reset());
  rds.on(DescribeGlobalClustersCommand).resolves({
    GlobalClusters: [
      { GlobalClusterIdentifier: GLOBAL, GlobalClusterMembers: [{ DBClusterArn: CLUSTER_ARN, IsWriter: true }] },
    ],
  });
  elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: CLUSTER }] });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: KEY } });
  ssm.on(PutParameterCommand).resolves({ Version: 7 });
  const point = { Status: 'COMPLETED' as const, EncryptionKeyArn: KEY, CreationDate: ago(2 * HOUR) };
  backup.on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT }).resolves({
    RecoveryPoints: [{ ...point, RecoveryPointArn: 'arn:aws:backup:us-east-1:1:recovery-point:continuous:c-1' }],
  });
  backup.on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: PEER_VAULT }).resolves({
    RecoveryPoints: [{ ...point, SourceBackupVaultArn: `arn:aws:backup:us-east-1:1:backup-vault:${VAULT}` }],
  });
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ LatestRestorableTime: ago(240) }] });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: 'weekly',
        Status: 'available',
        StorageEncrypted: true,
        KmsKeyId: KEY,
        SnapshotCreateTime: ago(3 * DAY),
      },
    ],
  });
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'exports/today.rdb', LastModified: ago(2 * HOUR) }] });
  s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ETag: '"abc"', ServerSideEncryption: 'AES256' });
  s3.on(GetObjectCommand).resolves({ Body: objectBody('REDIS0011') });
});
afterAll(() => stubs.forEach((stub) => stub.restore()));

test('the healthy world these paths start from passes every check at 100%', async () => {
  const { result, metrics } = await capture(() => handler(scheduled));
  expect(result).toMatchObject({ outcome: 'acted', passed: true, successRate: 100 });
  expect(metrics[METRIC.backupSuccessRate]).toEqual([100]);
});

describe('failure path: throttling', () => {
  test('fails the check RDS throttles past the retries, after 3 attempts, and not the others', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    // Act
    const captured = await captureWithFakeTimers(() => handler(scheduled));
    // Assess
    expectFailedChecks(captured, {
      'aurora-point-in-time': /^could not run: ThrottlingException: Rate exceeded \(after 3 attempts\)$/,
    });
    expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(3);
  });

  test('fails the run when the writer lookup is throttled past the retries: no Aurora check runs on a guess', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const captured = await captureWithFakeTimers(() => handler(scheduled));
    expectFailedChecks(captured, {
      'aurora-writer-placement': /^could not run: Throttling: Rate exceeded \(after 3 attempts\)$/,
    });
    expect(backup.calls()).toHaveLength(0);
    expect((captured.result as CheckReport).results.map((check) => check.check)).toEqual([
      'aurora-writer-placement',
      'redis-export',
      'redis-replica',
    ]);
  });
});

describe('failure path: access denied', () => {
  test('fails the continuous-backup check when the vault cannot be listed', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT })
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    expectFailedChecks(await capture(() => handler(scheduled)), {
      'aurora-continuous-backup': /^could not run: AccessDeniedException: not authorized$/,
    });
  });
});

describe('failure path: missing resource', () => {
  test('fails the point-in-time check when the cluster does not exist: DBClusterNotFoundFault', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('DBClusterNotFoundFault', `DBCluster ${CLUSTER} not found.`));
    expectFailedChecks(await capture(() => handler(scheduled)), {
      'aurora-point-in-time': /^could not run: DBClusterNotFoundFault/,
    });
  });
});

describe('failure path: empty result', () => {
  test('fails both weekly snapshot checks when no snapshot is listed', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    expectFailedChecks(await capture(() => handler(scheduled)), {
      'aurora-weekly-snapshot': /^no available snapshot/,
      'aurora-weekly-snapshot-copy': /^no available snapshot/,
    });
  });
});

describe('failure path: malformed input', () => {
  test.each([null, { schedule: 'iac-backup' }, { schedule: 42 }])(
    'fails when the event is malformed (%p): MalformedEventError before any AWS call, no report',
    async (event) => {
      const { error, metrics } = await capture(() => handler(event));
      expect(error).toMatchObject({ name: 'MalformedEventError' });
      expect(metrics).toEqual({});
      expect([...backup.calls(), ...elasticache.calls(), ...rds.calls(), ...s3.calls(), ...ssm.calls()]).toHaveLength(
        0,
      );
    },
  );
});

describe('failure path: partial failure', () => {
  test('fails only the replica check when the copy in the other region differs, and the run does not pass', async () => {
    s3.on(HeadObjectCommand, { Bucket: PEER_BUCKET }).resolves({ ContentLength: 1024, ETag: '"abc"' });
    const captured = await capture(() => handler(scheduled));
    expectFailedChecks(captured, { 'redis-replica': /has 1024 bytes in / });
    expect((captured.result as CheckReport).results.filter((check) => check.passed)).toHaveLength(6);
  });
});
