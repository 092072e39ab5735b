// The status page in one region: its StaticSite bucket (served by CloudFront from us-east-1), the publisher that writes both regions' pages, and the customers' notice topic.
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  STATUS_PAGE_ENV,
  STATUS_PAGE_MAX_AGE_SECONDS,
  STATUS_PAGE_OBJECTS,
  STATUS_PAGE_PUBLISHER,
  STATUS_PAGE_REFRESH_MINUTES,
} from '../contract/status-page';
import { skipCheckov } from '../nag/checkov';
import type { ContactSubscription } from '../config/contact-types';
import { subscriptionFor } from './alert-topics';
import { DrFunction } from './dr-function';
import { EncryptionKey } from './encryption-key';
import { StaticSite } from './static-site';

/** A component of the plan, as the page names it. */
export interface StatusPageComponent {
  /** The plan's component id, for example `core-api`. */
  readonly id: string;
  /** The plan's name of it, for example `Core API Service`. */
  readonly name: string;
}

/** What the publisher reacts to besides the critical alarms. */
export interface StatusPageTriggers {
  /** Fixed name of the region failover state machine (the same in each region). */
  readonly failoverStateMachineName: string;
  /** Fixed names of the failover decision's composites: `act` (activate) and `page` (disagreement). */
  readonly activateAlarmName: string;
  readonly disagreementAlarmName: string;
  /**
   * The critical alert topic: every critical alarm of the app notifies it on ALARM and OK, and
   * only the topic knows which alarms are critical (an alarm's EventBridge event carries neither
   * its actions nor its priority).
   */
  readonly criticalTopic: sns.ITopic;
}

/** What only the serving region (us-east-1) has: the distribution and its name. */
export interface StatusPageDistributionProps {
  readonly hostedZone: route53.IHostedZone;
  /** Comment of the distribution, for example `<service> prod status page`. */
  readonly comment: string;
}

/** Props of {@link StatusPage}. */
export interface StatusPageProps {
  /** Stage, for the publisher's metrics. */
  readonly stage: string;
  /** The service the page is for (config `serviceName`); customers read it as the notices' sender. */
  readonly serviceName: string;
  /** Fixed name of this region's status bucket. */
  readonly bucketName: string;
  /** The other region's status bucket, imported by its fixed name and region. */
  readonly peerBucket: s3.IBucket;
  /** Region of {@link peerBucket}. */
  readonly peerRegion: string;
  /** The page's name, `status.<zone>`; the notices point to it. */
  readonly domainName: string;
  /** The plan's components, in the order the page lists them. */
  readonly components: readonly StatusPageComponent[];
  readonly triggers: StatusPageTriggers;
  /** Fixed name of the customers' notice topic. */
  readonly noticeTopicName: string;
  /**
   * Who the notices reach (config `contacts.customers`): email addresses, or an https relay.
   * @default - nobody
   */
  readonly customers?: readonly ContactSubscription[];
  /** How long access logs are kept. */
  readonly logRetention: Duration;
  /**
   * Serve the page from this region through CloudFront, with both regions' buckets as an origin group.
   * @default - this region's bucket is the fallback origin of the distribution in us-east-1
   */
  readonly distribution?: StatusPageDistributionProps;
}

/**
 * A status page that survives either region: a bucket in each region behind one CloudFront
 * distribution with origin failover, and in each region a publisher that writes the page to both
 * buckets itself (no replication, which the lost region would hold up), sends the plan's notices to
 * the customers' topic, and reacts to the failover decision, the failover runs and the critical
 * alarms of its region.
 */
export class StatusPage extends Construct {
  public readonly site: StaticSite;
  public readonly publisher: DrFunction;
  /** The enterprise customers' notices, to the subscribers of config `contacts.customers`. */
  public readonly noticeTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: StatusPageProps) {
    super(scope, id);
    if (props.components.length === 0) {
      throw new Error('components must name the plan components the page shows, got none; pass config.objectives');
    }
    const stack = Stack.of(this);
    this.site = new StaticSite(this, 'Site', {
      siteName: 'status page',
      bucketName: props.bucketName,
      peerBucket: props.peerBucket,
      logRetention: props.logRetention,
      encryptionReason:
        'The public status page, served through CloudFront origin access control from two regions; SSE-KMS would ' +
        'put the distribution ARN into a key policy in the other region and protect nothing secret.',
      replicaReason:
        'The publisher of each region writes every page to both regions itself, so each copy is current without ' +
        'replication and a lost region never holds up the other.',
      ...(props.distribution
        ? {
            distribution: {
              hostedZone: props.distribution.hostedZone,
              domainName: props.domainName,
              comment: props.distribution.comment,
              cachePolicy: new cloudfront.CachePolicy(this, 'CachePolicy', {
                comment: `Status page: honours the objects' max-age of ${STATUS_PAGE_MAX_AGE_SECONDS} s, at most a minute`,
                // Short TTLs instead of invalidations: CreateInvalidation is a call to us-east-1,
                // which fails exactly when that region is lost.
                defaultTtl: Duration.seconds(STATUS_PAGE_MAX_AGE_SECONDS),
                minTtl: Duration.seconds(0),
                maxTtl: Duration.seconds(60),
                enableAcceptEncodingGzip: true,
                enableAcceptEncodingBrotli: true,
              }),
              reasons: {
                noGeoRestriction:
                  'The status page is public and must be readable worldwide, above all during an incident.',
                noWaf:
                  'A static, read-only status page with GET and HEAD only; there is no form, login or API behind it for a WAF to protect.',
                fallbackBucketPolicy:
                  'The fallback bucket is in the other region; its StatusPage stack grants CloudFront origin access control ' +
                  'reads itself, so this stack never edits a bucket policy across regions.',
              },
            },
          }
        : {}),
    });

    const key = new EncryptionKey(this, 'Key', {
      purpose: `status page publisher and customer notices in ${stack.region}`,
    }).key;
    this.noticeTopic = new sns.Topic(this, 'NoticeTopic', {
      topicName: props.noticeTopicName,
      displayName: `${props.serviceName} service notices`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const customer of props.customers ?? []) this.noticeTopic.addSubscription(subscriptionFor(customer));

    this.publisher = new DrFunction(this, 'Publisher', {
      contract: STATUS_PAGE_PUBLISHER,
      description: 'Publishes the status page to both regions and the plan notices to the customers topic',
      stage: props.stage,
      encryptionKey: key,
      // Writes to the lost region time out after about 10 s each while the other region's go on.
      timeout: Duration.seconds(60),
      // One at a time in the region: each publication reads the feed, applies its change and writes it back.
      reservedConcurrentExecutions: 1,
      environment: {
        [STATUS_PAGE_ENV.bucket]: props.bucketName,
        [STATUS_PAGE_ENV.peerBucket]: props.peerBucket.bucketName,
        [STATUS_PAGE_ENV.peerRegion]: props.peerRegion,
        [STATUS_PAGE_ENV.domainName]: props.domainName,
        [STATUS_PAGE_ENV.noticeTopicArn]: this.noticeTopic.topicArn,
        [STATUS_PAGE_ENV.components]: JSON.stringify(props.components.map(({ id: c, name }) => ({ id: c, name }))),
        [STATUS_PAGE_ENV.failoverStateMachineName]: props.triggers.failoverStateMachineName,
        [STATUS_PAGE_ENV.activateAlarmName]: props.triggers.activateAlarmName,
        [STATUS_PAGE_ENV.disagreementAlarmName]: props.triggers.disagreementAlarmName,
      },
    });
    const outsideVpc =
      'The publisher calls only the S3 APIs of both regions and SNS. Outside a VPC it needs no NAT gateway in either ' +
      'region, so the region loss it reports cannot also cut off its path to the surviving region.';
    Validations.of(this.publisher.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: outsideVpc });
    skipCheckov(this.publisher.function, 'CKV_AWS_117', outsideVpc);
    const objects = Object.values(STATUS_PAGE_OBJECTS);
    this.publisher.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StatusPageObjects',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.site.bucket, props.peerBucket].flatMap((bucket) =>
          objects.map((key_) => bucket.arnForObjects(key_)),
        ),
      }),
    );
    this.publisher.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.noticeTopic.topicArn] }),
    );
    this.subscribe(props.triggers);
  }

  /** The rules on the failover decision and runs, and the subscription to the critical topic. */
  private subscribe(triggers: StatusPageTriggers): void {
    const stack = Stack.of(this);
    const target = new targets.LambdaFunction(this.publisher.function, {
      // The function's own retries and DLQ cover failed runs; these cover delivery.
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
    });
    new events.Rule(this, 'DecisionRule', {
      description: 'The failover decision changed state: the status page says so',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [triggers.activateAlarmName, triggers.disagreementAlarmName].map((alarmName) =>
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: alarmName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      },
      targets: [target],
    });
    new events.Rule(this, 'FailoverRunRule', {
      description: 'A region failover run started or ended: the status page says so',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [
            stack.formatArn({
              service: 'states',
              resource: 'stateMachine',
              resourceName: triggers.failoverStateMachineName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
          status: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      targets: [target],
    });
    triggers.criticalTopic.addSubscription(new subscriptions.LambdaSubscription(this.publisher.function));
    // No change, only a render and write of the merged feed to both buckets: the first page after a
    // deploy (CloudFront answers 403 until one exists), and both buckets in step again after a loss.
    new events.Rule(this, 'RefreshRule', {
      description: "Renders the status page again from both regions' feeds, so it exists and both buckets agree",
      schedule: events.Schedule.rate(Duration.minutes(STATUS_PAGE_REFRESH_MINUTES)),
      targets: [
        new targets.LambdaFunction(this.publisher.function, {
          event: events.RuleTargetInput.fromObject({ kind: 'refresh' }),
          retryAttempts: 0,
        }),
      ],
    });
  }
}
