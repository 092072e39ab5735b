// The S3 bucket that holds exported Valkey backups (.rdb) of one region, with lifecycle and optional cross-region replication.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WARM_UP_MANIFEST } from '../contract';
import { skipCheckov } from '../nag/checkov';
import type { BucketObjectLock } from './object-lock';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';
import { ReplicatedBucket } from './replicated-bucket';

/**
 * Exactly what ElastiCache's export (`CopySnapshot` with `TargetBucket`) needs on a bucket with ACLs
 * disabled, split by the resource each action applies to.
 * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-exporting.html
 */
export const ELASTICACHE_EXPORT_BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketAcl', 's3:ListBucketMultipartUploads'];
export const ELASTICACHE_EXPORT_OBJECT_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts'];

/** Where a backup bucket replicates to. */
export interface BackupReplicationTarget {
  /**
   * The bucket in the other region. It must exist, be versioned and have Object Lock enabled before
   * the source is deployed: S3 replicates objects of a locked bucket only into a locked one.
   */
  readonly bucket: s3.IBucket;
}

/** Props of {@link CacheBackupBucket}. */
export interface CacheBackupBucketProps {
  /** Bucket name, fixed so the other region and the backup Lambdas can name it without a lookup. */
  readonly bucketName: string;
  /** Age after which backups move to Standard-IA. */
  readonly transitionAfter: Duration;
  /** Age after which backups expire. */
  readonly retention: Duration;
  /**
   * Key prefix of the exports (and their sidecars), the only keys that tier and expire: the warm-up
   * manifests under `warm-up/` stay until a person replaces or deletes them.
   */
  readonly exportKeyPrefix: string;
  /** How long overwritten or deleted versions are kept. */
  readonly noncurrentVersionExpiry: Duration;
  /**
   * S3 Object Lock of the backups. It is enabled on the bucket, but with no default retention: each
   * export gets its retention per object, with `PutObjectRetention`, once it has landed (see
   * {@link CacheBackupBucket.objectLock}). The replica bucket in the other region gets the same.
   */
  readonly objectLock: Omit<BucketObjectLock, 'placement'>;
  /**
   * Replicate every new backup there, with Replication Time Control (15 minutes) and metrics.
   * @default - no replication (the bucket is itself a replication destination)
   */
  readonly replicateTo?: BackupReplicationTarget;
}

const ACCESS_LOG_PREFIX = 'backups/';

/** Replication rule id, the `RuleId` dimension of the S3 replication metrics. */
export const BACKUP_REPLICATION_RULE_ID = 'backups-to-secondary-region';

/**
 * A {@link ReplicatedBucket} for exported backups: SSE-S3 (ElastiCache cannot restore from a
 * KMS-encrypted .rdb), tiered then expired, open to this region's ElastiCache export, with server
 * access logging into a sibling bucket. Both are retained when the stack goes: they hold the second
 * line of defence.
 */
export class CacheBackupBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  /** The bucket with its replication: what the replication alarms watch. */
  public readonly replicated: ReplicatedBucket;
  /**
   * Object Lock of the backups, retention placed per object. Not a bucket default, because a default
   * retention makes S3 refuse every upload that carries neither `Content-MD5` nor an
   * `x-amz-checksum-*` header, and AWS documents neither for ElastiCache's export (`CopySnapshot`
   * with `TargetBucket`): its export page names the bucket's region, policy and encryption, and says
   * nothing of Object Lock or checksums. A backup that fails to land is worse than one that lands
   * unlocked, so the export writes into an Object Lock bucket without a default, and whoever
   * verifies the export locks each .rdb version with `PutObjectRetention` (mode and retention from
   * here, `s3:PutObjectRetention` on the bucket's objects). The twin in the other region is locked
   * the same way; a replica carries the retention its source version had when it replicated, and AWS
   * does not document that a retention placed later follows, so the replica is locked there too.
   * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-exporting.html
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
   */
  public readonly objectLock: BucketObjectLock;

  constructor(scope: Construct, id: string, props: CacheBackupBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      ...PRIVATE_BUCKET_PROPS,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: props.retention, noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
    skipCheckov(
      this.accessLogBucket,
      'CKV_AWS_18',
      'This is the access log bucket of the backup bucket; logging it into itself would loop and another log bucket would only move the question.',
    );
    Validations.of(this.accessLogBucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access log bucket of the backup bucket; logging it into itself would loop and another log bucket would only move the question.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
        reason:
          'This is the access log bucket of the backup bucket; logging it into itself would loop and another log bucket would only move the question.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'Access logs are evidence for this region only; the backups they describe are the objects that replicate across regions.',
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: 'S3 server access logging delivers only to buckets with SSE-S3 default encryption, not SSE-KMS.',
      },
    );

    // The main child; its bucket's own id is 'Default', so the bucket keeps the logical id it had as
    // this construct's 'Resource'.
    this.replicated = new ReplicatedBucket(this, 'Resource', {
      bucketName: props.bucketName,
      encryptionReason:
        'ElastiCache restores only from .rdb objects encrypted with SSE-S3; a KMS-encrypted backup could not be restored.',
      lifecycleRules: [
        {
          id: 'tier-then-expire-backups',
          prefix: props.exportKeyPrefix,
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: props.transitionAfter }],
          expiration: props.retention,
          noncurrentVersionExpiration: props.noncurrentVersionExpiry,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // A manifest must be there when an incident or a game day needs it, however long ago it
          // was uploaded; only the versions it replaced go.
          id: 'expire-replaced-warm-up-manifests',
          prefix: WARM_UP_MANIFEST.prefix,
          noncurrentVersionExpiration: props.noncurrentVersionExpiry,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      accessLogBucket: this.accessLogBucket,
      accessLogPrefix: ACCESS_LOG_PREFIX,
      objectLock: { ...props.objectLock, placement: 'per-object' },
      ...(props.replicateTo
        ? {
            replication: {
              destination: props.replicateTo.bucket,
              ruleId: BACKUP_REPLICATION_RULE_ID,
              // A delete in the primary region must not reach the copy: that copy is what survives a mistake.
              deleteMarkerReplication: false,
            },
          }
        : {
            replicaReason:
              "This is the secondary region's bucket: it is the destination of the primary's replication, and its own exports stay in-region.",
          }),
    });
    this.bucket = this.replicated.bucket;
    this.objectLock = this.replicated.objectLock!;

    const exporter = new iam.ServicePrincipal(`${stack.region}.elasticache-snapshot.amazonaws.com`);
    const sameAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElastiCacheExportBucket',
        principals: [exporter],
        actions: ELASTICACHE_EXPORT_BUCKET_ACTIONS,
        resources: [this.bucket.bucketArn],
        conditions: sameAccount,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElastiCacheExportObjects',
        principals: [exporter],
        actions: ELASTICACHE_EXPORT_OBJECT_ACTIONS,
        resources: [this.bucket.arnForObjects('*')],
        conditions: sameAccount,
      }),
    );
  }
}
