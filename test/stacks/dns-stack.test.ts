// Global DNS: HTTPS health checks per region from config, the PRIMARY/SECONDARY failover pair, and alarms in us-east-1.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { regionCode } from '../../lib/naming';
import { synthStage } from '../helpers/synth';

const ROLES: RegionRole[] = ['primary', 'secondary'];

describe.each(STAGES)('%s DNS', (stage) => {
  const synthesized = synthStage(stage);
  const { config, stack } = synthesized;
  const dns = synthesized.dnsStack();
  const template = synthesized.template(dns.stackName);
  const zone = config.traffic.hostedZone;
  const regionOf = (role: RegionRole) => config.regions.find((region) => region.role === role)!;

  test('lives in us-east-1, where Route 53 publishes its metrics', () => {
    expect(dns.region).toBe('us-east-1');
    expect(dns.stackName).toBe(`AsyncToolformer-${stage}-use1-Dns`);
  });

  test.each(ROLES)(
    'the %s endpoint has an HTTPS health check on /health with interval and threshold from config',
    (role) => {
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: `api-${regionCode(regionOf(role).region)}.${zone.zoneName}`,
          Port: 443,
          ResourcePath: '/health',
          EnableSNI: true,
          RequestInterval: config.traffic.healthCheck.interval.toSeconds(),
          FailureThreshold: config.traffic.healthCheck.failureThreshold,
          MeasureLatency: true,
        },
      });
    },
  );

  test('prod checks every 10 s with a threshold of 3', () => {
    if (stage !== 'prod') return;
    // The endpoint checks; the fence and the calculated check have no interval of their own.
    const endpointChecks = template.findResources('AWS::Route53::HealthCheck', {
      Properties: { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', RequestInterval: 10, FailureThreshold: 3 }) },
    });
    expect(Object.keys(endpointChecks)).toHaveLength(2);
  });

  test.each([
    ['primary', 'PRIMARY'],
    ['secondary', 'SECONDARY'],
  ] as const)('api.<zone> %s record is a %s failover alias with its health check', (role, failover) => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `api.${zone.zoneName}.`,
      Type: 'A',
      HostedZoneId: zone.hostedZoneId,
      Failover: failover,
      SetIdentifier: `${role}-${regionOf(role).region}`,
      // The primary's is the calculated check: its endpoint AND the DNS fence (test/stacks/failover-decision.test.ts).
      HealthCheckId:
        role === 'primary'
          ? { 'Fn::GetAtt': [Match.stringLikeRegexp('^PrimaryFence'), 'HealthCheckId'] }
          : { Ref: Match.stringLikeRegexp('^SecondaryHealthCheck') },
      AliasTarget: {
        DNSName: `api-${regionCode(regionOf(role).region)}.${zone.zoneName}`,
        HostedZoneId: zone.hostedZoneId,
        EvaluateTargetHealth: true,
      },
    });
  });

  test('exactly one PRIMARY and one SECONDARY record, nothing else', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
    // Two endpoint checks, the fence check and the primary's calculated check.
    template.resourceCountIs('AWS::Route53::HealthCheck', 4);
  });

  test('one alarm per health check, on its HealthCheckStatus, paging the us-east-1 critical topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    // The us-east-1 critical topic, read from the Alerting stack of the same region.
    const topicRef = {
      'Fn::GetStackOutput': Match.objectLike({
        StackName: stack('primary', 'Alerting').stackName,
        Region: 'us-east-1',
        OutputName: Match.stringLikeRegexp('critical'),
      }),
    };
    for (const role of ROLES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: [
          {
            Name: 'HealthCheckId',
            Value: { Ref: Match.stringLikeRegexp(`^${role === 'primary' ? 'Primary' : 'Secondary'}HealthCheck`) },
          },
        ],
        Statistic: 'Minimum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [topicRef],
        OKActions: [topicRef],
      });
    }
  });

  test('deploys after both compute stacks, whose regional names it targets', () => {
    expect(dns.dependencies).toEqual(
      expect.arrayContaining([stack('primary', 'Compute').stackName, stack('secondary', 'Compute').stackName]),
    );
  });
});
