// A static site served from two regions: a bucket and access logs in each, and in us-east-1 the CloudFront distribution that fails over between them.
import { type Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { AccessLogBucket } from './access-log-bucket';
import { ReplicatedBucket, type BucketReplication } from './replicated-bucket';

/** Status codes from the primary bucket that make CloudFront retry the request on the secondary. */
export const SITE_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504];

/** CloudFront takes certificates only from this region. */
const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

/** Why the distribution has no geo restriction and no WAF, recorded as its nag acknowledgements. */
export interface DistributionReasons {
  /** Acknowledgement of `AwsSolutions-CFR1` (geo restrictions). */
  readonly noGeoRestriction: string;
  /** Acknowledgement of `AwsSolutions-CFR2` (WAF). */
  readonly noWaf: string;
  /** Why the fallback bucket's policy is not edited from here, acknowledging CDK's `updateImportedBucketPolicyOac` warning. */
  readonly fallbackBucketPolicy: string;
}

/** What only the serving region's site has: the distribution, its name and certificate. */
export interface StaticSiteDistributionProps {
  /** Zone that validates the certificate and holds the site's alias records. */
  readonly hostedZone: route53.IHostedZone;
  /** The site's name, for example `docs.<zone>`. */
  readonly domainName: string;
  /** Comment of the distribution, for example `async-toolformer prod documentation`. */
  readonly comment: string;
  /**
   * How CloudFront caches the site.
   * @default cloudfront.CachePolicy.CACHING_OPTIMIZED
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
   */
  readonly cachePolicy?: cloudfront.ICachePolicy;
  readonly reasons: DistributionReasons;
}

/** Props of {@link StaticSite}. */
export interface StaticSiteProps {
  /** What the site is, for messages: `docs`, `status page`. */
  readonly siteName: string;
  /** Fixed name of this region's bucket. */
  readonly bucketName: string;
  /**
   * The other region's bucket of the site, imported by its fixed name and region: from the
   * serving region, CloudFront's fallback origin (and the replica, with {@link replication}).
   */
  readonly peerBucket: s3.IBucket;
  /** How long access logs (S3 and CloudFront) are kept. */
  readonly logRetention: Duration;
  /** Why SSE-S3 is right for the site's objects (see {@link ReplicatedBucket}). */
  readonly encryptionReason: string;
  /**
   * Replicate this bucket into {@link peerBucket}.
   * @default - no replication; {@link replicaReason} says why
   */
  readonly replication?: BucketReplication;
  /**
   * Why this bucket does not replicate; required exactly when {@link replication} is absent.
   * @default - none: the bucket replicates
   */
  readonly replicaReason?: string;
  /**
   * Serve the site from this region: a distribution with an origin group in front of both buckets.
   * Only in us-east-1, where CloudFront reads certificates.
   * @default - this region's bucket lets CloudFront distributions of this account read it
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html
   */
  readonly distribution?: StaticSiteDistributionProps;
}

/**
 * In both regions: a versioned, retained {@link ReplicatedBucket} with the site, and its access logs.
 * In the serving region (us-east-1): the distribution with an origin group over both buckets, its
 * certificate and the `A` and `AAAA` alias records. Buckets are named by convention, so neither
 * region references the other.
 */
export class StaticSite extends Construct {
  public readonly bucket: s3.Bucket;
  /** The bucket with its replication, for alarms on it. */
  public readonly replicatedBucket: ReplicatedBucket;
  public readonly accessLogs: AccessLogBucket;
  public readonly distribution?: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const serving = props.distribution;
    const region = Stack.of(this).region;
    if (serving && !Token.isUnresolved(region) && region !== CLOUDFRONT_CERTIFICATE_REGION) {
      throw new Error(
        `the ${props.siteName} distribution must be built in ${CLOUDFRONT_CERTIFICATE_REGION}, where CloudFront reads certificates, got: ${region}; ` +
          `make ${CLOUDFRONT_CERTIFICATE_REGION} the primary region, or leave out distribution here`,
      );
    }

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      retention: props.logRetention,
      allowCloudFrontLogging: serving !== undefined,
    });
    this.replicatedBucket = new ReplicatedBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryptionReason: props.encryptionReason,
      accessLogBucket: this.accessLogs.bucket,
      accessLogPrefix: 's3/',
      ...(props.replication ? { replication: props.replication } : {}),
      ...(props.replicaReason ? { replicaReason: props.replicaReason } : {}),
    });
    this.bucket = this.replicatedBucket.bucket;

    if (!serving) {
      // The distribution lives in the serving region; its id is not known here without a
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
  }

  /** The distribution over both buckets, its certificate, and `A` and `AAAA` alias records. */
  private createDistribution(serving: StaticSiteDistributionProps, peerBucket: s3.IBucket): cloudfront.Distribution {
    const { hostedZone: zone, domainName, reasons } = serving;
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
          fallbackStatusCodes: SITE_FAILOVER_STATUS_CODES,
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: serving.cachePolicy ?? cloudfront.CachePolicy.CACHING_OPTIMIZED,
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
    const distributionResource = distribution.node.defaultChild as cloudfront.CfnDistribution;
    Validations.of(distributionResource).acknowledge({ id: 'AwsSolutions-CFR1', reason: reasons.noGeoRestriction });
    Validations.of(distributionResource).acknowledge({ id: 'AwsSolutions-CFR2', reason: reasons.noWaf });
    skipCheckov(distributionResource, 'CKV_AWS_68', reasons.noWaf);
    Validations.of(distribution.node.findChild('Origin2')).acknowledge({
      id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason: reasons.fallbackBucketPolicy,
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
