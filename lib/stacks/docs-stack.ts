// The documentation site (RTO 2 h, RPO 1 h): a bucket per region, replicated, behind one CloudFront distribution that fails over.
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { DocsSite } from '../constructs/docs-site';
import { docsBucketName, docsDomainName, stackDescription, stageLabel } from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link DocsStack}. */
export interface DocsStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly alerting: AlertingStack;
  /** The other region: the replica bucket (from the primary), or the distribution's home (from the secondary). */
  readonly peerRegion: RegionConfig;
}

/**
 * The region's {@link DocsSite}; the primary (us-east-1, where CloudFront certificates must be)
 * serves it. Buckets are named by convention, so neither region references the other.
 */
export class DocsStack extends DrStack {
  public readonly site: DocsSite;
  /** The region's docs bucket; the recovery evidence reads its replication. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, props: DocsStackProps) {
    super(scope, {
      ...props,
      purpose: 'Docs',
      priority: 'medium',
      description: stackDescription(props.config, props.regionConfig, 'documentation site'),
    });
    const { config, regionConfig } = this;
    const { traffic } = config;
    const peer = props.peerRegion;

    const peerBucket = s3.Bucket.fromBucketAttributes(this, 'ReplicaBucket', {
      bucketName: docsBucketName(config, peer),
      region: peer.region,
    });
    // 'Default': CDK leaves it out of logical ids, so the site's resources keep the ids they had as
    // children of this stack.
    this.site = new DocsSite(this, 'Default', {
      bucketName: docsBucketName(config, regionConfig),
      peerBucket,
      logRetention: traffic.logRetention,
      ...(regionConfig.role === 'primary'
        ? {
            distribution: {
              hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
                hostedZoneId: traffic.hostedZone.hostedZoneId,
                zoneName: traffic.hostedZone.zoneName,
              }),
              domainName: docsDomainName(config),
              comment: `${stageLabel(config)} documentation`,
              alarmTopic: props.alerting.alerts.topic('medium'),
            },
          }
        : {}),
    });
    this.bucket = this.site.bucket;
  }
}
