// Compliance locks in the synthesized stages: the vault lock's mode, Object Lock on every backup bucket, and replication allowed to carry locks.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import { regionCode } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const roles: RegionRole[] = ['primary', 'secondary'];
const cases: [Stage, RegionRole][] = STAGES.flatMap((stage) => roles.map((role): [Stage, RegionRole] => [stage, role]));

type Resource = { Properties: Record<string, unknown> };

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const region = synthesized.config.regions.find((r) => r.role === role)!;
  const template = (purpose: 'Protection' | 'CacheBackup' | 'Automation') =>
    synthesized.template(synthesized.stack(role, purpose).stackName);
  const bucketName = (kind: string) =>
    `async-toolformer-${stage}-${kind}-${synthesized.config.account}-${regionCode(region.region)}`;
  return { config: synthesized.config, template, bucketName };
}

describe.each(cases)('%s %s', (stage, role) => {
  test(
    stage === 'prod'
      ? 'the vault lock is in compliance mode with its 3-day cooling-off'
      : 'the vault lock is in governance mode',
    () => {
      const { template, config } = setup(stage, role);
      const [vault] = Object.values(template('Protection').findResources('AWS::Backup::BackupVault')) as Resource[];
      const lock = config.data.vaultLock;
      expect(lock.mode).toBe(stage === 'prod' ? 'compliance' : 'governance');
      // AWS Backup tells the modes apart by ChangeableForDays alone: present means compliance.
      expect(vault!.Properties.LockConfiguration).toEqual({
        MinRetentionDays: lock.minRetention.toDays(),
        MaxRetentionDays: lock.maxRetention.toDays(),
        ...(stage === 'prod' ? { ChangeableForDays: 3 } : {}),
      });
    },
  );

  test('the cache backup bucket has Object Lock, with retention placed per object (no default)', () => {
    const { template, bucketName } = setup(stage, role);
    template('CacheBackup').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName('cache-backups'),
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: Match.absent() },
      ObjectLockEnabled: Match.absent(),
    });
  });

  test("the IaC backup bucket locks every version by default, in the stage's mode and retention", () => {
    const { template, bucketName, config } = setup(stage, role);
    template('Automation').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName('iac-backups'),
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: {
          DefaultRetention: {
            Mode: stage === 'prod' ? 'COMPLIANCE' : 'GOVERNANCE',
            Days: config.objectLock.iacBackupRetention.toDays(),
          },
        },
      },
      ObjectLockEnabled: Match.absent(),
    });
  });

  test('no bucket sets the top-level ObjectLockEnabled, which would replace it, and no locked bucket takes access logs', () => {
    const { template } = setup(stage, role);
    for (const purpose of ['Protection', 'CacheBackup', 'Automation'] as const) {
      const buckets = Object.values(template(purpose).findResources('AWS::S3::Bucket')) as Resource[];
      expect(buckets.filter((b) => 'ObjectLockEnabled' in b.Properties)).toEqual([]);
      const locked = new Set(
        buckets.filter((b) => b.Properties.ObjectLockConfiguration).map((b) => JSON.stringify(b.Properties.BucketName)),
      );
      const logTargets = buckets.flatMap((b) => {
        const logging = b.Properties.LoggingConfiguration as { DestinationBucketName?: unknown } | undefined;
        return logging?.DestinationBucketName ? [logging.DestinationBucketName] : [];
      });
      for (const target of logTargets) {
        // Targets are references to buckets of the same stack; none of them is locked.
        const ref = (target as { Ref?: string }).Ref;
        const resource = ref ? (template(purpose).toJSON().Resources[ref] as Resource | undefined) : undefined;
        expect(resource?.Properties.ObjectLockConfiguration).toBeUndefined();
        expect(locked.has(JSON.stringify(target))).toBe(false);
      }
    }
  });
});

describe.each(STAGES)('%s replication of locked cache backups', (stage) => {
  test("the primary's replication role reads each version's retention and legal hold; the secondary twin is locked too", () => {
    const { template, bucketName } = setup(stage, 'primary');
    const statements = (
      Object.values(template('CacheBackup').findResources('AWS::IAM::ManagedPolicy')) as Resource[]
    ).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: { Action: string[]; Resource: unknown }[] }).Statement,
    );
    const reads = statements.find((s) => [s.Action].flat().includes('s3:GetObjectRetention'));
    expect(reads?.Action).toEqual(expect.arrayContaining(['s3:GetObjectRetention', 's3:GetObjectLegalHold']));
    expect(JSON.stringify(reads?.Resource)).toContain(`${bucketName('cache-backups')}/*`);
    const secondary = setup(stage, 'secondary');
    secondary.template('CacheBackup').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: secondary.bucketName('cache-backups'),
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
  });
});
