// Object Lock and vault lock as rendered: in place on existing buckets, replication allowed to read locks, and compliance never silently governance.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { VaultLockConfig } from '../../lib/config';
import { AccessLogBucket } from '../../lib/constructs/access-log-bucket';
import { CacheBackupBucket } from '../../lib/constructs/cache-backup-bucket';
import { IacBackupBucket } from '../../lib/constructs/iac-backup-bucket';
import { isLocked, lockBucket, type BucketObjectLock } from '../../lib/constructs/object-lock';
import { PRIVATE_BUCKET_PROPS } from '../../lib/constructs/private-bucket';
import { RecoveryVault } from '../../lib/constructs/recovery-vault';
import { ReplicatedBucket } from '../../lib/constructs/replicated-bucket';
import { newApp } from '../helpers/synth';

const ACCOUNT = '123456789012';

function stack(): Stack {
  return new Stack(newApp(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

const compliance35: BucketObjectLock = {
  mode: 'compliance',
  retention: Duration.days(35),
  placement: 'bucket-default',
};

describe('lockBucket', () => {
  test.each([
    ['compliance', 'COMPLIANCE'],
    ['governance', 'GOVERNANCE'],
  ] as const)('a %s default retention is written in ObjectLockConfiguration only', (mode, rendered) => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS });
    expect(lockBucket(bucket, { ...compliance35, mode })).toEqual({ ...compliance35, mode });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: rendered, Days: 35 } },
      },
      // The top-level property replaces an existing bucket; it is never written.
      ObjectLockEnabled: Match.absent(),
    });
    expect(isLocked(bucket)).toBe(true);
  });

  test('per-object placement enables Object Lock with no default retention', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS });
    lockBucket(bucket, { ...compliance35, placement: 'per-object' });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: Match.absent() },
      ObjectLockEnabled: Match.absent(),
    });
  });

  test('a bucket without a lock is not locked', () => {
    const s = stack();
    expect(isLocked(new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS }))).toBe(false);
    expect(isLocked(s3.Bucket.fromBucketName(s, 'Imported', 'other'))).toBe(false);
  });

  test('fails when the bucket is not versioned, naming the fix', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS, versioned: false });
    expect(() => lockBucket(bucket, compliance35)).toThrow(
      'Test/Bucket is not versioned, and S3 enables Object Lock only on versioned buckets; give it versioned: true',
    );
  });

  test.each([
    ['part of a day', Duration.hours(36), '1 day 12 hours'],
    ['zero', Duration.days(0), '0 days'],
  ])('fails when the retention is %s', (_, retention, shown) => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS });
    expect(() => lockBucket(bucket, { ...compliance35, retention })).toThrow(
      `Object Lock retention of Test/Bucket must be a whole number of days, at least 1, got: ${shown}`,
    );
  });

  test("fails when the bucket also sets CDK's objectLockEnabled, which would replace it", () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'Bucket', { ...PRIVATE_BUCKET_PROPS, objectLockEnabled: true });
    expect(() => lockBucket(bucket, compliance35)).toThrow(/sets the top-level ObjectLockEnabled, which replaces/);
  });
});

describe('ReplicatedBucket with Object Lock', () => {
  function replicated(objectLock?: BucketObjectLock) {
    const s = stack();
    const logs = new AccessLogBucket(s, 'AccessLogs', { retention: Duration.days(90) });
    const twin = s3.Bucket.fromBucketAttributes(s, 'Twin', { bucketName: 'twin-usw2', region: 'us-west-2' });
    new ReplicatedBucket(s, 'Bucket', {
      bucketName: 'source-use1',
      encryptionReason: 'Backups that ElastiCache restores only from SSE-S3.',
      accessLogBucket: logs.bucket,
      accessLogPrefix: 'backups/',
      replication: { destination: twin, ruleId: 'to-twin' },
      ...(objectLock ? { objectLock } : {}),
    });
    const template = Template.fromStack(s);
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    return { template, statements };
  }

  test('its role reads each source version’s retention and legal hold, on the source objects only', () => {
    const { template, statements } = replicated(compliance35);
    const reads = statements.find((st) => [st.Action].flat().includes('s3:GetObjectRetention'));
    expect(reads?.Action).toEqual(expect.arrayContaining(['s3:GetObjectRetention', 's3:GetObjectLegalHold']));
    expect(JSON.stringify(reads?.Resource)).toMatch(/source-use1\/\*/);
    // S3 asks nothing more of the destination for locked objects than s3:ReplicateObject.
    const writes = statements.find((st) => [st.Action].flat().includes('s3:ReplicateObject'));
    expect(writes?.Action).toEqual(['s3:ReplicateObject', 's3:ReplicateTags']);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'source-use1',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
  });

  test('without a lock its role reads no lock information', () => {
    const { statements, template } = replicated();
    expect(JSON.stringify(statements)).not.toMatch(/GetObjectRetention|GetObjectLegalHold/);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'source-use1',
      ObjectLockConfiguration: Match.absent(),
    });
  });
});

describe('backup buckets', () => {
  test('cache exports: Object Lock on, retention per object, the access log bucket never locked', () => {
    const s = stack();
    const backups = new CacheBackupBucket(s, 'Backups', {
      bucketName: 'cache-backups-use1',
      transitionAfter: Duration.days(30),
      retention: Duration.days(365),
      exportKeyPrefix: 'async-toolformer-prod-',
      noncurrentVersionExpiry: Duration.days(30),
      objectLock: { mode: 'compliance', retention: Duration.days(35) },
    });
    expect(backups.objectLock).toEqual({ mode: 'compliance', retention: Duration.days(35), placement: 'per-object' });
    expect(isLocked(backups.bucket)).toBe(true);
    // S3 refuses a bucket with Object Lock as the target of server access logs.
    expect(isLocked(backups.accessLogBucket)).toBe(false);
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'cache-backups-use1',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: Match.absent() },
    });
  });

  test('IaC backups: a default retention, so every version is locked as it lands', () => {
    const s = stack();
    const iac = new IacBackupBucket(s, 'IacBackups', {
      bucketName: 'iac-backups-use1',
      noncurrentRetention: Duration.days(90),
      objectLock: { mode: 'governance', retention: Duration.days(7) },
    });
    expect(iac.objectLock.placement).toBe('bucket-default');
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'iac-backups-use1',
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 7 } },
      },
    });
  });
});

describe('RecoveryVault lock', () => {
  function vault(lock: VaultLockConfig): Template {
    const s = stack();
    new RecoveryVault(s, 'Vault', { vaultName: 'vault', encryptionKey: new kms.Key(s, 'Key'), lock });
    return Template.fromStack(s);
  }
  const retention = { minRetention: Duration.days(7), maxRetention: Duration.days(365) };

  test('compliance mode renders its cooling-off as ChangeableForDays', () => {
    vault({ mode: 'compliance', ...retention, changeableFor: Duration.days(3) }).hasResourceProperties(
      'AWS::Backup::BackupVault',
      { LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 3 } },
    );
  });

  test('governance mode renders no ChangeableForDays, and none renders no lock', () => {
    vault({ mode: 'governance', ...retention }).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: Match.absent() },
    });
    vault({ mode: 'none', ...retention }).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: Match.absent(),
    });
  });

  test('fails when compliance mode has no cooling-off, which AWS Backup would read as governance', () => {
    expect(() => vault({ mode: 'compliance', ...retention })).toThrow(
      'the compliance lock of Test/Vault has no changeableFor, so AWS Backup would make it a governance lock; give changeableFor: Duration.days(3) or more',
    );
  });

  test('fails when the cooling-off is under 3 days', () => {
    expect(() => vault({ mode: 'compliance', ...retention, changeableFor: Duration.days(2) })).toThrow(
      "changeableFor of Test/Vault must be at least 3 days (AWS Backup's 72-hour cooling-off), got: 2 days",
    );
  });

  test('fails when governance mode has a cooling-off, which would make it irreversible', () => {
    expect(() => vault({ mode: 'governance', ...retention, changeableFor: Duration.days(3) })).toThrow(
      'the governance lock of Test/Vault has changeableFor, which would make it a compliance lock; remove it, or set mode "compliance"',
    );
  });
});
