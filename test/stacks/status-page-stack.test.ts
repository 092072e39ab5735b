// Status page: both regions' buckets, CloudFront origin group failover with short TTLs, status.<zone>, the publisher's triggers and permissions, and the encrypted notice topic.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { SITE_FAILOVER_STATUS_CODES } from '../../lib/constructs/static-site';
import {
  STATUS_PAGE_ENV,
  STATUS_PAGE_MAX_AGE_SECONDS,
  STATUS_PAGE_PUBLISHER,
  STATUS_PAGE_REFRESH_MINUTES,
} from '../../lib/contract/status-page';
import { failoverAlarmNames, regionCode, stackName, stateMachineName } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

describe.each(STAGES)('%s status page', (stage) => {
  const synthesized = synthStage(stage);
  const { config } = synthesized;
  const regionOf = (role: RegionRole) => synthesized.region(role);
  const bucketName = (role: RegionRole) =>
    `async-toolformer-${stage}-status-${config.account}-${regionCode(regionOf(role).region)}`;
  const templateOf = (role: RegionRole) => synthesized.template(stackName(config, regionOf(role), 'StatusPage'));
  const primary = templateOf('primary');
  const secondary = templateOf('secondary');
  const domain = `status.${config.traffic.hostedZone.zoneName}`;

  test.each(['primary', 'secondary'] as const)('the %s bucket is versioned, private, logged and retained', (role) => {
    templateOf(role).hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: bucketName(role),
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('CloudFront in us-east-1 fails over from the primary bucket to the secondary on 403, 404 and 5xx', () => {
    primary.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [domain],
        DefaultRootObject: 'index.html',
        OriginGroups: {
          Quantity: 1,
          Items: [
            Match.objectLike({
              FailoverCriteria: {
                StatusCodes: { Quantity: SITE_FAILOVER_STATUS_CODES.length, Items: SITE_FAILOVER_STATUS_CODES },
              },
              Members: { Quantity: 2, Items: [Match.anyValue(), Match.anyValue()] },
            }),
          ],
        },
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPageSiteBucket'), 'RegionalDomainName'] },
            OriginAccessControlId: Match.anyValue(),
          }),
          Match.objectLike({
            DomainName: `${bucketName('secondary')}.s3.us-west-2.amazonaws.com`,
            OriginAccessControlId: Match.anyValue(),
          }),
        ],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: { Ref: Match.stringLikeRegexp('^StatusPageCachePolicy') },
        }),
      }),
    });
    secondary.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  test('pages are cached for their max-age (30 s), at most a minute: short TTLs instead of invalidations', () => {
    primary.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ DefaultTTL: STATUS_PAGE_MAX_AGE_SECONDS, MinTTL: 0, MaxTTL: 60 }),
    });
  });

  test.each(['A', 'AAAA'])('status.<zone> %s record aliases the distribution, with a certificate for it', (type) => {
    primary.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${domain}.`,
      Type: type,
      HostedZoneId: config.traffic.hostedZone.hostedZoneId,
      AliasTarget: Match.objectLike({
        DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPageSiteDistribution'), 'DomainName'] },
      }),
    });
    primary.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: domain,
      ValidationMethod: 'DNS',
    });
  });

  test('the secondary bucket lets CloudFront distributions of this account read it through OAC', () => {
    secondary.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudFrontOriginAccessControlRead',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'AWS:SourceAccount': config.account } }),
          }),
        ]),
      },
    });
  });

  describe.each(['primary', 'secondary'] as const)('the %s publisher', (role) => {
    const template = templateOf(role);
    const region = regionOf(role);
    const peer = regionOf(role === 'primary' ? 'secondary' : 'primary');
    const alarms = failoverAlarmNames(config, region);
    const peerBucket = bucketName(role === 'primary' ? 'secondary' : 'primary');
    const arn = (service: string, resource: string) =>
      `arn:aws:${service}:${region.region}:${config.account}:${resource}`;

    test('is the TypeScript publisher with both buckets, the domain and the plan components in its environment', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: STATUS_PAGE_PUBLISHER.service,
            [STATUS_PAGE_ENV.bucket]: bucketName(role),
            [STATUS_PAGE_ENV.peerBucket]: bucketName(role === 'primary' ? 'secondary' : 'primary'),
            [STATUS_PAGE_ENV.peerRegion]: peer.region,
            [STATUS_PAGE_ENV.domainName]: domain,
            [STATUS_PAGE_ENV.components]: JSON.stringify(
              config.objectives.map(({ component, name }) => ({ id: component, name })),
            ),
          }),
        },
        Architectures: ['arm64'],
        ReservedConcurrentExecutions: 1,
      });
    });

    test('its errors, throttles and dead-lettered events alarm at high priority, OK too', () => {
      // The stack also holds the providers' probes and fallback (test/stacks/providers.test.ts): the publisher's alarms only.
      const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
        .filter(([id]) => id.startsWith('AlarmsStatusPagePublisher'))
        .map(([, alarm]) => alarm);
      const metrics = alarms.map((alarm) => (alarm.Properties as { MetricName: string }).MetricName).sort();
      expect(metrics).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors', 'Throttles']);
      for (const alarm of alarms) {
        const { AlarmActions, OKActions } = alarm.Properties as { AlarmActions: unknown[]; OKActions: unknown[] };
        expect(JSON.stringify(AlarmActions)).toMatch(/high/i);
        expect(OKActions).toEqual(AlarmActions);
      }
    });

    test('refreshes the page on a schedule, so a fresh deploy gets its first page and both buckets agree again', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${STATUS_PAGE_REFRESH_MINUTES} minutes)`,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPagePublisher'), 'Arn'] },
            Input: JSON.stringify({ kind: 'refresh' }),
          }),
        ],
      });
    });

    test('reacts to the failover decision alarms and the failover runs of its region', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          resources: [arn('cloudwatch', `alarm:${alarms.activate}`), arn('cloudwatch', `alarm:${alarms.disagreement}`)],
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPagePublisher'), 'Arn'] } })],
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: {
            stateMachineArn: [arn('states', `stateMachine:${stateMachineName(config, region, 'region-failover')}`)],
            status: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
          },
        },
      });
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Permission',
        {
          Principal: 'events.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPagePublisher'), 'Arn'] },
          SourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        },
        3,
      );
    });

    test('is subscribed to the critical alert topic of its region, which may invoke it', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: Match.objectLike({
          'Fn::GetStackOutput': Match.objectLike({ StackName: stackName(config, region, 'Alerting') }),
        }),
      });
      template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com' });
    });

    test('may read and write the page and feed of both buckets, and publish to its notice topic, nothing more', () => {
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'StatusPageObjects',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              // Its own bucket by reference, the other region's by its fixed name.
              Resource: Match.arrayWith([
                `arn:aws:s3:::${peerBucket}/incidents.json`,
                `arn:aws:s3:::${peerBucket}/index.html`,
              ]),
            },
            {
              Effect: 'Allow',
              Action: 'sns:Publish',
              Resource: { Ref: Match.stringLikeRegexp('^StatusPageNoticeTopic') },
            },
          ]),
        },
      });
    });

    test('sends notices to a customer topic encrypted with a rotating, retained key of its own, TLS only', () => {
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `async-toolformer-${stage}-customer-notices`,
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPageKey'), 'Arn'] },
      });
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });
});
