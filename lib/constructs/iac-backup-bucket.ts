// The bucket that keeps the other region's daily IaC backups: versioned, encrypted, access-logged, never deleted.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';
import { AccessLogBucket } from './access-log-bucket';

/** Props of {@link IacBackupBucket}. */
export interface IacBackupBucketProps {
  /** Fixed name, so the other region's function can write to it without a reference. */
  readonly bucketName: string;
  /** How long an overwritten (noncurrent) backup is kept. */
  readonly noncurrentRetention: Duration;
}

/**
 * The plan's "Infrastructure as Code: daily backups to S3 with versioning". Each region's function
 * writes into the other region's bucket, so the templates of a lost region survive it without
 * replication.
 */
export class IacBackupBucket extends Construct {
  public readonly bucket: s3.Bucket;

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
