// The documentation site in one region: its replicated bucket and access logs, and in the primary the CloudFront distribution that fails over between the regions.
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { AccessLogBucket } from './access-log-bucket';
import { ReplicatedBucket } from './replicated-bucket';
import { ReplicationAlarms } from './replicated-bucket-alarms';

/** Status codes from the primary bucket that make CloudFront retry the request on the secondary. */
export const DOCS_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504];

/** Id of the replication rule; S3 reports replication metrics per rule id. */
export const DOCS_REPLICATION_RULE_ID = 'replicate-to-secondary';

/** CloudFront takes certificates only from this region. */
const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

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
 * In both regions: a versioned, retained {@link ReplicatedBucket} with the site, and its access logs.
 * In the primary: replication into the secondary's bucket with Replication Time Control (well inside
 * the 1-hour RPO), the distribution with an origin group, its certificate, the alias records and the
 * replication alarms. Buckets are named by convention, so neither region references the other.
 */
export class DocsSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogs: AccessLogBucket;
  public readonly distribution?: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: DocsSiteProps) {
    super(scope, id);
    const serving = props.distribution;
    const region = Stack.of(this).region;
    if (serving && !Token.isUnresolved(region) && region !== CLOUDFRONT_CERTIFICATE_REGION) {
      throw new Error(
        `the docs distribution must be built in ${CLOUDFRONT_CERTIFICATE_REGION}, where CloudFront reads certificates, got: ${region}; ` +
          `make ${CLOUDFRONT_CERTIFICATE_REGION} the primary region, or leave out distribution here`,
      );
    }

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      retention: props.logRetention,
      allowCloudFrontLogging: serving !== undefined,
    });
    const site = new ReplicatedBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryptionReason:
        'Public documentation served through CloudFront origin access control from two regions; SSE-KMS would put the ' +
        'distribution ARN into a key policy in the other region, a cross-region reference, and protect nothing secret.',
      accessLogBucket: this.accessLogs.bucket,
      accessLogPrefix: 's3/',
      ...(serving
        ? {
            replication: {
              destination: props.peerBucket,
              ruleId: DOCS_REPLICATION_RULE_ID,
              // The replica serves when the primary cannot: a page removed here must go there too.
              deleteMarkerReplication: true,
            },
          }
        : {
            replicaReason:
              'This is the replica: the primary bucket in us-east-1 replicates into it. After a failover the site is ' +
              'published here and replication is set up the other way.',
          }),
    });
    this.bucket = site.bucket;

    if (!serving) {
      // The distribution lives in the primary region; its id is not known here without a
      // cross-region reference, so reads are allowed to distributions of this account only.
      const stack = Stack.of(this);
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudFrontOriginAccessControlRead',
          principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions: {
            StringEquals: { 'AWS:SourceAccount': stack.account },
            ArnLike: { 'AWS:SourceArn': `arn:${stack.partition}:cloudfront::${stack.account}:distribution/*` },
          },
        }),
      );
      return;
    }

    this.distribution = this.createDistribution(serving, props.peerBucket);
    new ReplicationAlarms(this, 'ReplicationAlarms', {
      bucket: site,
      latencyThreshold: Duration.minutes(15),
      latencyEvaluationPeriods: 3,
      failureImpact: 'the docs RPO is at risk',
      topic: serving.alarmTopic,
    });
  }

  /** The distribution over both buckets, its certificate, and `A` and `AAAA` alias records. */
  private createDistribution(serving: DocsSiteDistributionProps, peerBucket: s3.IBucket): cloudfront.Distribution {
    const { hostedZone: zone, domainName } = serving;
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: serving.comment,
      defaultBehavior: {
        origin: new origins.OriginGroup({
          primaryOrigin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
          fallbackOrigin: origins.S3BucketOrigin.withOriginAccessControl(peerBucket),
          fallbackStatusCodes: DOCS_FAILOVER_STATUS_CODES,
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      defaultRootObject: 'index.html',
      domainNames: [domainName],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.accessLogs.bucket,
      logFilePrefix: 'cloudfront/',
    });
    const acknowledgements: Record<string, string> = {
      'AwsSolutions-CFR1':
        'The documentation is public and read worldwide; there is no country it must be withheld from.',
      'AwsSolutions-CFR2':
        'Static, read-only documentation with GET and HEAD only; there is no form, login or API behind it for a WAF to protect.',
    };
    const distributionResource = distribution.node.defaultChild as cloudfront.CfnDistribution;
    for (const [id, reason] of Object.entries(acknowledgements)) {
      Validations.of(distributionResource).acknowledge({ id, reason });
    }
    skipCheckov(distributionResource, 'CKV_AWS_68', acknowledgements['AwsSolutions-CFR2']);
    Validations.of(distribution.node.findChild('Origin2')).acknowledge({
      id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason:
        'The fallback bucket is in the other region; its Docs stack grants CloudFront origin access control reads itself, ' +
        'so this stack never edits a bucket policy across regions.',
    });

    for (const [id, RecordClass] of [
      ['Record', route53.ARecord],
      ['RecordIpv6', route53.AaaaRecord],
    ] as const) {
      new RecordClass(this, id, {
        zone,
        recordName: domainName,
        target: route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution)),
      });
    }
    return distribution;
  }
}
