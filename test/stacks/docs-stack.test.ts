// Documentation site: retained versioned buckets, replication with RTC, CloudFront origin group failover with OAC, TLS, logging, DNS, alarms.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { DOCS_FAILOVER_STATUS_CODES, DOCS_REPLICATION_RULE_ID } from '../../lib/constructs/docs-site';
import { regionCode } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

describe.each(STAGES)('%s docs', (stage) => {
  const synthesized = synthStage(stage);
  const { config, stack } = synthesized;
  const regionOf = (role: RegionRole) => config.regions.find((region) => region.role === role)!;
  const bucketName = (role: RegionRole) =>
    `async-toolformer-${stage}-docs-${config.account}-${regionCode(regionOf(role).region)}`;
  const primary = synthesized.template(stack('primary', 'Docs').stackName);
  const secondary = synthesized.template(stack('secondary', 'Docs').stackName);
  const domain = `docs.${config.traffic.hostedZone.zoneName}`;

  test.each(['primary', 'secondary'] as const)('the %s bucket is versioned, private, logged and retained', (role) => {
    const template = role === 'primary' ? primary : secondary;
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: bucketName(role),
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') },
        }),
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

  test('the primary bucket replicates into the secondary with Replication Time Control (15 min, under the 1 h RPO)', () => {
    primary.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName('primary'),
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BucketReplicationRole'), 'Arn'] },
        Rules: [
          Match.objectLike({
            Id: DOCS_REPLICATION_RULE_ID,
            Status: 'Enabled',
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: {
              Bucket: `arn:aws:s3:::${bucketName('secondary')}`,
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
            },
          }),
        ],
      },
    });
    expect(stack('secondary', 'Docs').region).toBe('us-west-2');
    expect(stack('primary', 'Docs').dependencies).toContain(stack('secondary', 'Docs').stackName);
  });

  test('CloudFront fails over from the primary bucket to the secondary on 403, 404 and 5xx', () => {
    primary.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        OriginGroups: {
          Quantity: 1,
          Items: [
            Match.objectLike({
              FailoverCriteria: {
                StatusCodes: { Quantity: DOCS_FAILOVER_STATUS_CODES.length, Items: DOCS_FAILOVER_STATUS_CODES },
              },
              Members: { Quantity: 2, Items: [Match.anyValue(), Match.anyValue()] },
            }),
          ],
        },
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'RegionalDomainName'] },
            OriginAccessControlId: Match.anyValue(),
          }),
          Match.objectLike({
            DomainName: `${bucketName('secondary')}.s3.us-west-2.amazonaws.com`,
            OriginAccessControlId: Match.anyValue(),
          }),
        ],
      }),
    });
    primary.resourcePropertiesCountIs(
      'AWS::CloudFront::OriginAccessControl',
      {
        OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
      },
      2,
    );
  });

  test('HTTPS with a us-east-1 certificate for docs.<zone>, TLS 1.2 minimum, and logging', () => {
    expect(stack('primary', 'Docs').region).toBe('us-east-1');
    primary.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: domain,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: domain, HostedZoneId: config.traffic.hostedZone.hostedZoneId }],
    });
    primary.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [domain],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({
          Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'RegionalDomainName'] },
        }),
      }),
    });
  });

  test.each(['A', 'AAAA'])('docs.<zone> %s record aliases the distribution', (type) => {
    primary.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${domain}.`,
      Type: type,
      AliasTarget: Match.objectLike({
        DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Distribution'), 'DomainName'] },
      }),
    });
  });

  test('the secondary bucket lets CloudFront distributions of this account read through OAC, nothing else', () => {
    secondary.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudFrontOriginAccessControlRead',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: { 'AWS:SourceAccount': config.account },
              ArnLike: { 'AWS:SourceArn': `arn:aws:cloudfront::${config.account}:distribution/*` },
            },
          }),
        ]),
      },
    });
  });

  test('two replication alarms in us-east-1, to its medium topic; none in us-west-2', () => {
    primary.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    secondary.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const topic = {
      'Fn::GetStackOutput': Match.objectLike({
        StackName: stack('primary', 'Alerting').stackName,
        Region: 'us-east-1',
        OutputName: Match.stringLikeRegexp('medium'),
      }),
    };
    const dimensions = [
      { Name: 'DestinationBucket', Value: bucketName('secondary') },
      { Name: 'RuleId', Value: DOCS_REPLICATION_RULE_ID },
      { Name: 'SourceBucket', Value: bucketName('primary') },
    ];
    for (const [metricName, threshold] of [
      ['OperationsFailedReplication', 0],
      ['ReplicationLatency', 900],
    ] as const) {
      primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/S3',
        MetricName: metricName,
        Dimensions: dimensions,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
        OKActions: [topic],
      });
    }
  });
});
