// The documentation site in one region: a StaticSite whose primary bucket replicates into the secondary's, with its replication alarms.
import { Duration } from 'aws-cdk-lib';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ReplicationAlarms } from './replicated-bucket-alarms';
import { SITE_FAILOVER_STATUS_CODES, StaticSite } from './static-site';

/** Status codes from the primary bucket that make CloudFront retry the request on the secondary. */
export const DOCS_FAILOVER_STATUS_CODES = SITE_FAILOVER_STATUS_CODES;

/** Id of the replication rule; S3 reports replication metrics per rule id. */
export const DOCS_REPLICATION_RULE_ID = 'replicate-to-secondary';

/** What only the primary region's site has: the distribution, its name and certificate, and the replication alarms. */
export interface DocsSiteDistributionProps {
  /** Zone that validates the certificate and holds the site's alias records. */
  readonly hostedZone: route53.IHostedZone;
  /** The site's name, for example `docs.<zone>`. */
  readonly domainName: string;
  /** Comment of the distribution, for example `async-toolformer prod documentation`. */
  readonly comment: string;
  /** Topic of the replication alarms. */
  readonly alarmTopic: sns.ITopic;
}

/** Props of {@link DocsSite}. */
export interface DocsSiteProps {
  /** Fixed name of this region's bucket. */
  readonly bucketName: string;
  /**
   * The other region's docs bucket, imported by its fixed name and region: from the primary, the
   * replica and CloudFront's fallback origin.
   */
  readonly peerBucket: s3.IBucket;
  /** How long access logs (S3 and CloudFront) are kept. */
  readonly logRetention: Duration;
  /**
   * Serve the site from this region: replicate into {@link peerBucket} and put a distribution with an
   * origin group in front of both buckets. Only in us-east-1, where CloudFront reads certificates.
   * @default - this region holds the replica; its bucket lets CloudFront distributions of this account read it
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html
   */
  readonly distribution?: DocsSiteDistributionProps;
}

/**
 * A {@link StaticSite} whose primary bucket replicates into the secondary's with Replication Time
 * Control (well inside the 1-hour RPO), and in the primary the replication alarms. The docs are
 * published to the primary only; replication carries them to the replica. A subclass rather than a
 * child, so the site's resources keep their construct paths and logical ids (retained buckets).
 */
export class DocsSite extends StaticSite {
  constructor(scope: Construct, id: string, props: DocsSiteProps) {
    const serving = props.distribution;
    super(scope, id, {
      siteName: 'docs',
      bucketName: props.bucketName,
      peerBucket: props.peerBucket,
      logRetention: props.logRetention,
      encryptionReason:
        'Public documentation served through CloudFront origin access control from two regions; SSE-KMS would put the ' +
        'distribution ARN into a key policy in the other region, a cross-region reference, and protect nothing secret.',
      ...(serving
        ? {
            replication: {
              destination: props.peerBucket,
              ruleId: DOCS_REPLICATION_RULE_ID,
              // The replica serves when the primary cannot: a page removed here must go there too.
              deleteMarkerReplication: true,
            },
            distribution: {
              hostedZone: serving.hostedZone,
              domainName: serving.domainName,
              comment: serving.comment,
              reasons: {
                noGeoRestriction:
                  'The documentation is public and read worldwide; there is no country it must be withheld from.',
                noWaf:
                  'Static, read-only documentation with GET and HEAD only; there is no form, login or API behind it for a WAF to protect.',
                fallbackBucketPolicy:
                  'The fallback bucket is in the other region; its Docs stack grants CloudFront origin access control reads itself, ' +
                  'so this stack never edits a bucket policy across regions.',
              },
            },
          }
        : {
            replicaReason:
              'This is the replica: the primary bucket in us-east-1 replicates into it. After a failover the site is ' +
              'published here and replication is set up the other way.',
          }),
    });
    if (serving) {
      new ReplicationAlarms(this, 'ReplicationAlarms', {
        bucket: this.replicatedBucket,
        latencyThreshold: Duration.minutes(15),
        latencyEvaluationPeriods: 3,
        failureImpact: 'the docs RPO is at risk',
        topic: serving.alarmTopic,
      });
    }
  }
}
