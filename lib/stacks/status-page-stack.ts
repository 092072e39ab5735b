// The status page (issue 16): a bucket and publisher per region, served by one CloudFront distribution in us-east-1 that fails over between the buckets.
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config';
import { AutomationAlarms } from '../constructs/automation-alarms';
import { ProviderFailover } from '../constructs/providers';
import { providerCanaryName } from '../contract/providers';
import { StatusPage } from '../constructs/status-page';
import {
  customerNoticeTopicName,
  failoverAlarmNames,
  stackDescription,
  alarmNamePrefix,
  stageLabel,
  stateMachineName,
  statusBucketName,
  statusDomainName,
} from '../naming';
import type { AlertingStack } from './alerting-stack';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link StatusPageStack}. */
export interface StatusPageStackProps extends Omit<DrStackProps, 'purpose' | 'priority'> {
  readonly alerting: AlertingStack;
  /** The other region, whose bucket the publisher writes too and CloudFront falls back to. */
  readonly peerRegion: RegionConfig;
}

/**
 * The region's {@link StatusPage}; the primary (us-east-1, where CloudFront certificates must be)
 * serves it. Buckets, alarms and state machines are named by convention, so neither region
 * references the other, and this stack references only its region's critical topic.
 */
export class StatusPageStack extends DrStack {
  public readonly statusPage: StatusPage;
  /** Scenario 4: the providers' AppConfig profile, their probes and the fallback, which posts through this page. */
  public readonly providers: ProviderFailover;

  constructor(scope: Construct, props: StatusPageStackProps) {
    super(scope, {
      ...props,
      purpose: 'StatusPage',
      // It tells customers about critical incidents, so it is as urgent as they are.
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'status page'),
    });
    const { config, regionConfig } = this;
    const peer = props.peerRegion;
    const decision = failoverAlarmNames(config, regionConfig);
    this.statusPage = new StatusPage(this, 'StatusPage', {
      stage: config.stage,
      serviceName: config.serviceName,
      bucketName: statusBucketName(config, regionConfig),
      peerBucket: s3.Bucket.fromBucketAttributes(this, 'PeerBucket', {
        bucketName: statusBucketName(config, peer),
        region: peer.region,
      }),
      peerRegion: peer.region,
      domainName: statusDomainName(config),
      components: config.objectives.map(({ component, name }) => ({ id: component, name })),
      triggers: {
        failoverStateMachineName: stateMachineName(config, regionConfig, 'region-failover'),
        activateAlarmName: decision.activate,
        disagreementAlarmName: decision.disagreement,
        criticalTopic: props.alerting.alerts.topic('critical'),
      },
      noticeTopicName: customerNoticeTopicName(config),
      ...(config.contacts.customers ? { customers: config.contacts.customers } : {}),
      logRetention: config.traffic.logRetention,
      ...(regionConfig.role === 'primary'
        ? {
            distribution: {
              hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
                hostedZoneId: config.traffic.hostedZone.hostedZoneId,
                zoneName: config.traffic.hostedZone.zoneName,
              }),
              comment: `${stageLabel(config)} status page`,
            },
          }
        : {}),
    });
    // A publisher that fails, is throttled or dead-letters an event left a notice unposted: high, not
    // critical, since the critical topic is one of its own triggers. The operator's command posts by hand.
    const alarms = new AutomationAlarms(this, 'Alarms', {
      criticalTopic: props.alerting.alerts.topic('critical'),
      highTopic: props.alerting.alerts.topic('high'),
    });
    alarms.functionHealth('StatusPagePublisher', this.statusPage.publisher);
    // Here, beside the publisher its notice goes through: no cross-stack reference, no stack of its own.
    this.providers = new ProviderFailover(this, 'Providers', {
      stage: config.stage,
      providers: config.providers,
      canaryName: (provider) => providerCanaryName(config.stage, provider),
      alarmName: (provider) => `${alarmNamePrefix(config, regionConfig, 'provider')}-${provider}-down`,
      highTopic: props.alerting.alerts.topic('high'),
      mediumTopic: props.alerting.alerts.topic('medium'),
      alertTopicKey: props.alerting.alerts.key,
      publisher: this.statusPage.publisher.function,
      accessLogBucket: this.statusPage.site.accessLogs.bucket,
      artifactRetention: config.traffic.logRetention,
    });
    alarms.functionHealth('ProviderFallback', this.providers.fallback.function);
  }
}
