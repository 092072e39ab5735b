// The bucket that keeps the other region's daily IaC backups: versioned, encrypted, access-logged, never deleted.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { lockBucket, type BucketObjectLock } from './object-lock';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';

/** Props of {@link IacBackupBucket}. */
export interface IacBackupBucketProps {
  /** Fixed name, so the other region's function can write to it without a reference. */
  readonly bucketName: string;
  /** How long an overwritten (noncurrent) backup is kept. */
  readonly noncurrentRetention: Duration;
  /**
   * S3 Object Lock of the backups, as the bucket's default retention: every version the IaC backup
   * function writes is locked from the moment it lands.
   */
  readonly objectLock: Omit<BucketObjectLock, 'placement'>;
}

/**
 * The plan's "Infrastructure as Code: daily backups to S3 with versioning". Each region's function
 * writes into the other region's bucket, so the templates of a lost region survive it without
 * replication.
 */
export class IacBackupBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /**
   * Object Lock of the backups, a default retention. Its one writer, the IaC backup function, puts
   * each object with the AWS SDK for JavaScript v3, which sends a CRC32 checksum on every PutObject
   * by default (`requestChecksumCalculation: WHEN_SUPPORTED`, since v3.729.0), and S3 asks an upload
   * into a bucket with a default retention for exactly that (or `Content-MD5`).
   */
  public readonly objectLock: BucketObjectLock;

  constructor(scope: Construct, id: string, props: IacBackupBucketProps) {
    super(scope, id);
    const accessLogs = new AccessLogBucket(this, 'AccessLogs', { retention: Duration.days(365) }).bucket;
    this.bucket = new s3.Bucket(this, 'Resource', {
      bucketName: props.bucketName,
      ...PRIVATE_BUCKET_PROPS,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'iac/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ noncurrentVersionExpiration: props.noncurrentRetention }],
    });
    this.objectLock = lockBucket(this.bucket, { ...props.objectLock, placement: 'bucket-default' });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          "Holds the other region's IaC backups, written there directly: the bucket is itself the cross-region copy.",
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason:
          'SSE-S3: templates and parameter names are no secrets (SecureString values are exported encrypted), and the writer sits in the other region.',
      },
    );
  }
}
