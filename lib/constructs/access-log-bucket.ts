// A bucket that receives access logs (load balancer, S3 server access, CloudFront), kept for a set time and never deleted with its stack.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { PRIVATE_BUCKET_PROPS } from './private-bucket';

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /** How long log objects are kept. */
  readonly retention: Duration;
  /**
   * Let CloudFront standard logging write here. CloudFront writes through bucket ACLs, so the
   * bucket must allow them for its own account.
   * @default false
   */
  readonly allowCloudFrontLogging?: boolean;
}

/**
 * Access logs of a region. SSE-S3, because load balancer access logs cannot be delivered to a
 * KMS-encrypted bucket; versioned and retained, because logs are evidence after an incident.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...PRIVATE_BUCKET_PROPS,
      objectOwnership: props.allowCloudFrontLogging
        ? s3.ObjectOwnership.BUCKET_OWNER_PREFERRED
        : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: props.retention,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    const acknowledgements: Record<string, string> = {
      'AwsSolutions-S1':
        'This is the access log bucket itself; logging it into itself would loop and logging it elsewhere only moves the question.',
      'NIST.800.53.R5-S3BucketLoggingEnabled':
        'This is the access log bucket itself; logging it into itself would loop and logging it elsewhere only moves the question.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS':
        'Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3, never SSE-KMS, so this bucket uses S3-managed keys.',
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Access logs describe the region they come from and expire after the configured retention; the other region keeps its own.',
    };
    for (const [id, reason] of Object.entries(acknowledgements)) {
      Validations.of(this.bucket).acknowledge({ id, reason });
    }
    skipCheckov(this.bucket, 'CKV_AWS_18', acknowledgements['AwsSolutions-S1']);
  }
}
