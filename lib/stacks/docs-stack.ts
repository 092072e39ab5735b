// The documentation site (RTO 2 h, RPO 1 h): a bucket per region, replicated, behind one CloudFront distribution that fails over.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { docsBucketName, docsDomainName, stackDescription, stageLabel } from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';

/** Status codes from the primary bucket that make CloudFront retry the request on the secondary. */
export const DOCS_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504];

/** Id of the replication rule; S3 reports replication metrics per rule id. */
export const DOCS_REPLICATION_RULE_ID = 'replicate-to-secondary';

/** Props of {@link DocsStack}. */
export interface DocsStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly alerting: AlertingStack;
  /** The other region: the replica bucket (from the primary), or the distribution's home (from the secondary). */
  readonly peerRegion: RegionConfig;
}

/**
 * In both regions: a versioned, retained bucket with the site. In the primary (us-east-1, where
 * CloudFront certificates must be): replication into the secondary's bucket with Replication Time
 * Control, the distribution with an origin group, its certificate, `docs.<zone>` and the
 * replication alarms. Buckets are named by convention, so neither region references the other.
 */
export class DocsStack extends DrStack {
  public readonly bucket: s3.Bucket;
  public readonly accessLogs: AccessLogBucket;
  public readonly distribution?: cloudfront.Distribution;

  constructor(scope: Construct, props: DocsStackProps) {
    super(scope, {
      ...props,
      purpose: 'Docs',
      priority: 'medium',
      description: stackDescription(props.config, props.regionConfig, 'documentation site'),
    });
    const { config, regionConfig } = this;
    const { traffic } = config;
    const isPrimary = regionConfig.role === 'primary';
    const peer = props.peerRegion;

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      retention: traffic.logRetention,
      allowCloudFrontLogging: isPrimary,
    });

    const replica = s3.Bucket.fromBucketAttributes(this, 'ReplicaBucket', {
      bucketName: docsBucketName(config, peer),
      region: peer.region,
    });
    const bucketName = docsBucketName(config, regionConfig);
    const replicationRole = isPrimary ? this.replicationRole(bucketName, replica.bucketName) : undefined;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName,
      // SSE-S3: CloudFront reads both buckets through origin access control, and replication needs
      // no key grants across regions. The content is the public documentation.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.accessLogs.bucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
      ...(isPrimary
        ? {
            replicationRole,
            replicationRules: [
              {
                id: DOCS_REPLICATION_RULE_ID,
                destination: replica,
                priority: 0,
                // Prefix filter of everything: delete-marker replication needs a V2 (filtered) rule.
                filter: { prefix: '' },
                // RTC replicates 99.99 % of objects within 15 minutes, well inside the 1-hour RPO.
                replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
                metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
                deleteMarkerReplication: true,
              },
            ],
          }
        : {}),
    });
    // Acknowledged on the CfnBucket itself, where the findings are reported.
    const bucketResource = this.bucket.node.defaultChild as s3.CfnBucket;
    Validations.of(bucketResource).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        'Public documentation served through CloudFront origin access control from two regions; SSE-KMS would put the ' +
        'distribution ARN into a key policy in the other region, a cross-region reference, and protect nothing secret.',
    });
    if (!isPrimary) {
      Validations.of(bucketResource).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'This is the replica: the primary bucket in us-east-1 replicates into it. After a failover the site is ' +
          'published here and replication is set up the other way.',
      });
      // The distribution lives in the primary region; its id is not known here without a
      // cross-region reference, so reads are allowed to distributions of this account only.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudFrontOriginAccessControlRead',
          principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions: {
            StringEquals: { 'AWS:SourceAccount': this.account },
            ArnLike: { 'AWS:SourceArn': `arn:${this.partition}:cloudfront::${this.account}:distribution/*` },
          },
        }),
      );
      return;
    }

    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: traffic.hostedZone.hostedZoneId,
      zoneName: traffic.hostedZone.zoneName,
    });
    const domainName = docsDomainName(config);
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${stageLabel(config)} documentation`,
      defaultBehavior: {
        origin: new origins.OriginGroup({
          primaryOrigin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
          fallbackOrigin: origins.S3BucketOrigin.withOriginAccessControl(replica),
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
    Validations.of(distribution.node.findChild('Origin2')).acknowledge({
      id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason:
        'The fallback bucket is in the other region; its Docs stack grants CloudFront origin access control reads itself, ' +
        'so this stack never edits a bucket policy across regions.',
    });
    this.distribution = distribution;

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

    const topic = props.alerting.alerts.topic('medium');
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/S3',
        metricName,
        dimensionsMap: {
          SourceBucket: this.bucket.bucketName,
          DestinationBucket: replica.bucketName,
          RuleId: DOCS_REPLICATION_RULE_ID,
        },
        statistic,
        period: Duration.minutes(5),
      });
    const alarms = [
      new cloudwatch.Alarm(this, 'ReplicationFailed', {
        alarmDescription: `Objects of ${this.bucket.bucketName} failed to replicate to ${peer.region}: the docs RPO is at risk`,
        metric: metric('OperationsFailedReplication', 'Maximum'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ReplicationLate', {
        alarmDescription: `Replication of ${this.bucket.bucketName} to ${peer.region} is over 15 minutes behind (RTC threshold)`,
        metric: metric('ReplicationLatency', 'Maximum'),
        threshold: Duration.minutes(15).toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
    }
  }

  /**
   * The role S3 replicates with, with one managed policy: the role the bucket would generate
   * carries an inline policy. Buckets are named by their fixed names, so nothing here refers back
   * to the bucket resource.
   */
  private replicationRole(source: string, destination: string): iam.IRole {
    const arn = (name: string) => `arn:${this.partition}:s3:::${name}`;
    const policy = new iam.ManagedPolicy(this, 'ReplicationPolicy', {
      description: `Replicate ${source} into ${destination}`,
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          resources: [arn(source)],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          resources: [`${arn(source)}/*`],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
          resources: [`${arn(destination)}/*`],
        }),
      ],
    });
    for (const bucket of [source, destination]) {
      Validations.of(policy.node.defaultChild as iam.CfnManagedPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn(bucket)}/*]`,
        reason:
          'Replication reads and writes every object version of the documentation bucket; the grant is limited to the ' +
          'objects of the one source and the one destination bucket.',
      });
    }
    const role = new iam.Role(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replication of ${source} into ${destination}`,
      managedPolicies: [policy],
    });
    return role.withoutPolicyUpdates();
  }
}
