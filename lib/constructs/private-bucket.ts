// The settings every bucket of the app shares: private, TLS only, versioned, SSE-S3, ACLs off.
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Spread into every `s3.Bucket` of the app. SSE-S3 rather than KMS: ElastiCache restores only from
 * SSE-S3 objects, S3 server access logs can only be delivered to SSE-S3 buckets, and the writers of
 * the replicated buckets sit in the other region, where a key of this one would need a grant.
 */
export const PRIVATE_BUCKET_PROPS = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  versioned: true,
} as const satisfies s3.BucketProps;
