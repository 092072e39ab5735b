// S3 Object Lock for a backup bucket of this app: enabled in place on the bucket it already is, never by replacing it.
import { Token, type Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ObjectLockConfig } from '../config';

/** Retention mode: `governance` yields to `s3:BypassGovernanceRetention`, `compliance` to nobody. */
export type ObjectLockMode = ObjectLockConfig['mode'];

/**
 * Where a bucket's retention is applied.
 * - `bucket-default`: S3 gives every new object version the retention (the bucket's default
 *   retention). S3 then refuses any upload without `Content-MD5` or an `x-amz-checksum-*` header,
 *   so only for buckets whose every writer sends one.
 * - `per-object`: no default; the writer sets each version's retention with `PutObjectRetention`
 *   once the upload has landed. For buckets written by a service that AWS does not document as
 *   sending a checksum, such as ElastiCache's export.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-put-object
 */
export type RetentionPlacement = 'bucket-default' | 'per-object';

/** S3 Object Lock of one bucket. */
export interface BucketObjectLock {
  readonly mode: ObjectLockMode;
  /** How long each object version stays locked: whole days, at least 1. */
  readonly retention: Duration;
  readonly placement: RetentionPlacement;
}

/**
 * Enables S3 Object Lock on `bucket`, with a default retention when `lock.placement` is
 * `bucket-default`; returns the lock, for what the bucket tells its writers. One line adopts it for
 * a new backup bucket: `lockBucket(bucket, { mode, retention, placement })`.
 *
 * Only `ObjectLockConfiguration` is written, never the top-level `ObjectLockEnabled`, which CDK's
 * `objectLockEnabled` and `objectLockDefaultRetention` both set:
 * - CloudFormation updates `ObjectLockConfiguration` in place ("Update requires: No interruption"),
 *   and S3 has enabled Object Lock on existing versioned buckets since November 2023
 *   (`PutObjectLockConfiguration`: "You can enable Object Lock for new or existing buckets").
 * - The top-level `ObjectLockEnabled` replaces the bucket: the service spec the aws-cdk CLI diffs
 *   with (`node_modules/aws-cdk/db.json.gz`) marks it `causesReplacement: 'yes'`, and a change set
 *   that added it to an existing bucket showed `requiresRecreation: Always`
 *   (aws-cloudformation/cloudformation-coverage-roadmap#1929, open). Our buckets have fixed names,
 *   so that replacement would fail outright, and a stateful bucket is never replaced here
 *   (test/gates/stateful-resources.test.ts).
 *
 * S3 refuses Object Lock on an unversioned bucket, so the bucket must already be versioned (every
 * bucket spread with `PRIVATE_BUCKET_PROPS` is). Once enabled, Object Lock can never be disabled and
 * versioning never suspended; a locked bucket can no longer receive server access logs.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-objectlockconfiguration.html
 */
export function lockBucket(bucket: s3.Bucket, lock: BucketObjectLock): BucketObjectLock {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  const versioning = cfn.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined;
  if (versioning?.status !== 'Enabled') {
    throw new Error(
      `${bucket.node.path} is not versioned, and S3 enables Object Lock only on versioned buckets; give it versioned: true`,
    );
  }
  if (!lock.retention.isUnresolved()) {
    const days = lock.retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(
        `Object Lock retention of ${bucket.node.path} must be a whole number of days, at least 1, got: ${lock.retention.toHumanString()}`,
      );
    }
  }
  if (cfn.objectLockEnabled !== undefined && !Token.isUnresolved(cfn.objectLockEnabled)) {
    throw new Error(
      `${bucket.node.path} sets the top-level ObjectLockEnabled, which replaces an existing bucket; remove objectLockEnabled and objectLockDefaultRetention and lock it with lockBucket alone`,
    );
  }
  cfn.objectLockConfiguration = {
    objectLockEnabled: 'Enabled',
    ...(lock.placement === 'bucket-default'
      ? {
          rule: {
            defaultRetention: {
              mode: lock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
              days: lock.retention.toDays(),
            },
          },
        }
      : {}),
  };
  return lock;
}

/** Whether `bucket` has S3 Object Lock enabled by this app. */
export function isLocked(bucket: s3.IBucket): boolean {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) return false;
  const config = cfn.objectLockConfiguration as s3.CfnBucket.ObjectLockConfigurationProperty | undefined;
  return config?.objectLockEnabled === 'Enabled' || cfn.objectLockEnabled === true;
}
