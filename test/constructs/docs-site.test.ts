// DocsSite: the primary serves through a failing-over distribution and replicates, the replica admits CloudFront; ids, nag and bad props.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { AccessLogBucket } from '../../lib/constructs/access-log-bucket';
import { DOCS_FAILOVER_STATUS_CODES, DOCS_REPLICATION_RULE_ID, DocsSite } from '../../lib/constructs/docs-site';
import { newApp } from '../helpers/synth';

const ACCOUNT = '123456789012';
const DOMAIN = 'docs.example.com';
const BUCKETS = { 'us-east-1': 'atf-test-docs-use1', 'us-west-2': 'atf-test-docs-usw2' } as const;
type Region = keyof typeof BUCKETS;

/** A site in `region`, serving when `serving`; the stack id is 'Docs' and the site is its 'Default'. */
function make(region: Region | 'eu-west-1', serving: boolean) {
  const stack = new Stack(newApp(), 'Docs', { env: { account: ACCOUNT, region } });
  const peerRegion: Region = region === 'us-west-2' ? 'us-east-1' : 'us-west-2';
  const site = new DocsSite(stack, 'Default', {
    bucketName: region === 'eu-west-1' ? 'atf-test-docs-euw1' : BUCKETS[region],
    peerBucket: s3.Bucket.fromBucketAttributes(stack, 'Peer', { bucketName: BUCKETS[peerRegion], region: peerRegion }),
    logRetention: Duration.days(365),
    ...(serving
      ? {
          distribution: {
            hostedZone: route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
              hostedZoneId: 'Z0TEST',
              zoneName: 'example.com',
            }),
            domainName: DOMAIN,
            comment: 'test documentation',
            alarmTopic: new sns.Topic(stack, 'Topic'),
          },
        }
      : {}),
  });
  return { stack, site };
}

const primary = (() => {
  const { stack, site } = make('us-east-1', true);
  return { stack, site, template: Template.fromStack(stack) };
})();
const replica = (() => {
  const { stack, site } = make('us-west-2', false);
  return { stack, site, template: Template.fromStack(stack) };
})();

describe('the primary', () => {
  test('replicates into the replica with Replication Time Control, delete markers included', () => {
    primary.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKETS['us-east-1'],
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [
          Match.objectLike({
            Id: DOCS_REPLICATION_RULE_ID,
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: Match.objectLike({
              Bucket: `arn:aws:s3:::${BUCKETS['us-west-2']}`,
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            }),
          }),
        ],
      },
    });
  });

  test('one distribution: HTTPS only on docs.<zone>, an origin group over both buckets through OAC, logged', () => {
    primary.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    primary.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [DOMAIN],
        DefaultRootObject: 'index.html',
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
        }),
        OriginGroups: {
          Quantity: 1,
          Items: [
            Match.objectLike({
              FailoverCriteria: {
                StatusCodes: { Quantity: DOCS_FAILOVER_STATUS_CODES.length, Items: DOCS_FAILOVER_STATUS_CODES },
              },
            }),
          ],
        },
        Origins: [
          Match.objectLike({ DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'RegionalDomainName'] } }),
          Match.objectLike({ DomainName: `${BUCKETS['us-west-2']}.s3.us-west-2.amazonaws.com` }),
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    primary.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2);
    primary.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: DOMAIN,
      ValidationMethod: 'DNS',
    });
  });

  test.each(['A', 'AAAA'])('an %s alias record points docs.<zone> at the distribution', (type) => {
    primary.template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${DOMAIN}.`,
      Type: type,
      AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] } }),
    });
  });

  test('its access log bucket takes CloudFront logs; two replication alarms watch the rule', () => {
    primary.template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    });
    primary.template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    primary.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Dimensions: Match.arrayWith([{ Name: 'RuleId', Value: DOCS_REPLICATION_RULE_ID }]) },
      2,
    );
    expect(primary.site.distribution).toBeDefined();
  });
});

describe('the replica', () => {
  test('serves nothing itself and replicates nothing', () => {
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::CloudWatch::Alarm', 'AWS::IAM::Role']) {
      replica.template.resourceCountIs(type, 0);
    }
    replica.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKETS['us-west-2'],
      ReplicationConfiguration: Match.absent(),
    });
    expect(replica.site.distribution).toBeUndefined();
  });

  test("lets CloudFront distributions of this account read it: the primary's distribution id is not known here", () => {
    replica.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudFrontOriginAccessControlRead',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: { 'AWS:SourceAccount': ACCOUNT },
              ArnLike: { 'AWS:SourceArn': `arn:aws:cloudfront::${ACCOUNT}:distribution/*` },
            },
          }),
        ]),
      },
    });
  });
});

test.each([
  ['primary', primary],
  ['replica', replica],
])(
  "as a stack's 'Default' child, the %s's buckets keep the ids they had as the stack's own children",
  (_role, built) => {
    const before = new Stack(newApp(), 'Docs', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const plain = (bucket: s3.Bucket) => [
      before.getLogicalId(bucket.node.defaultChild as s3.CfnBucket),
      before.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy),
    ];
    const now = (bucket: s3.Bucket) => [
      built.stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket),
      built.stack.getLogicalId(bucket.policy!.node.defaultChild as s3.CfnBucketPolicy),
    ];
    expect(now(built.site.bucket)).toEqual(plain(new s3.Bucket(before, 'Bucket', { enforceSSL: true })));
    const accessLogs = new AccessLogBucket(before, 'AccessLogs', { retention: Duration.days(1) });
    expect(now(built.site.accessLogs.bucket)).toEqual(plain(accessLogs.bucket));
  },
);

test.each([
  ['primary', primary],
  ['replica', replica],
])('nag finds nothing unacknowledged on the %s site', (_role, built) => {
  const findings = [new AwsSolutionsChecks(built.stack), new NIST80053R5Checks(built.stack)].flatMap((pack) =>
    pack
      .validateScope(built.site)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
  );
  expect(findings).toEqual([]);
});

test('fails when the distribution is asked for outside us-east-1, where CloudFront reads certificates', () => {
  expect(() => make('eu-west-1', true)).toThrow(
    'the docs distribution must be built in us-east-1, where CloudFront reads certificates, got: eu-west-1; ' +
      'make us-east-1 the primary region, or leave out distribution here',
  );
});
