// The internet-facing HTTPS endpoint of one region: load balancer, certificate, target group and its regional DNS name.
import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from '../nag/checkov';
import { RegionalWebAcl } from './regional-web-acl';

/**
 * TLS 1.3 and 1.2 with forward-secret AEAD ciphers only, plus post-quantum key exchange.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const ENDPOINT_TLS_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ;

/** Props of {@link RegionalEndpoint}. */
export interface RegionalEndpointProps {
  readonly vpc: ec2.IVpc;
  /** Subnet group of the load balancer: the public subnets. */
  readonly subnetGroupName: string;
  /** The public zone the certificate is validated in and the regional name is created in. */
  readonly hostedZone: route53.IHostedZone;
  /** The service name clients use, for example `api.async-toolformer.example.com`. */
  readonly serviceDomainName: string;
  /**
   * This region's own name, for example `api-use1.async-toolformer.example.com`. Route 53 health
   * checks, the failover records and the canaries reach the region through it.
   */
  readonly regionalDomainName: string;
  /** Group of the pods; the load balancer may reach it on {@link targetPort} and nothing else. */
  readonly workloadSecurityGroup: ec2.ISecurityGroup;
  /** Port the pods serve on. */
  readonly targetPort: number;
  /** Path the target group checks. */
  readonly healthCheckPath: string;
  /** Bucket the access logs go to. */
  readonly accessLogBucket: s3.IBucket;
  /** Name of the web ACL, for example `async-toolformer-prod-use1-api`. */
  readonly webAclName: string;
  /** How long WAF logs are kept. */
  readonly wafLogRetention: logs.RetentionDays;
  /**
   * Refuse deletion of the load balancer.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * An application load balancer created by CloudFormation, so its DNS name is known to the stack and
 * the regional alias needs no lookup. Pods are registered into {@link targetGroup} from inside the
 * cluster (a TargetGroupBinding); the group is of type `ip`, so traffic goes straight to pods.
 */
export class RegionalEndpoint extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly certificate: acm.Certificate;
  public readonly httpsListener: elbv2.ApplicationListener;
  /** Alias record of {@link RegionalEndpointProps.regionalDomainName}. */
  public readonly regionalRecord: route53.ARecord;
  public readonly webAcl: RegionalWebAcl;

  constructor(scope: Construct, id: string, props: RegionalEndpointProps) {
    super(scope, id);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internet-facing load balancer of the orchestrator: HTTPS and the HTTP redirect',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from clients');
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    securityGroup.connections.allowTo(
      props.workloadSecurityGroup,
      ec2.Port.tcp(props.targetPort),
      'Load balancer to orchestrator pods',
    );
    const publicEndpoint =
      'This is the public API endpoint that Route 53 fails over between: clients connect from any address, on 443 ' +
      '(and 80, which only redirects to 443).';
    Validations.of(securityGroup).acknowledge({ id: 'AwsSolutions-EC23', reason: publicEndpoint });
    skipCheckov(securityGroup, 'CKV_AWS_260', publicEndpoint);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: props.subnetGroupName },
      internetFacing: true,
      securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    this.loadBalancer.logAccessLogs(props.accessLogBucket, 'alb');
    this.webAcl = new RegionalWebAcl(this, 'WebAcl', {
      name: props.webAclName,
      loadBalancer: this.loadBalancer,
      logRetention: props.wafLogRetention,
    });

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.serviceDomainName,
      subjectAlternativeNames: [props.regionalDomainName],
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: props.targetPort,
      // Short: a pod that is going away should stop taking requests within a probe or two.
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
        healthyHttpCodes: '200',
      },
    });

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      sslPolicy: ENDPOINT_TLS_POLICY,
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    const redirect = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    Validations.of(redirect).acknowledge({
      id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      reason:
        'Plain HTTP listener whose only action is a permanent redirect to HTTPS on 443; it forwards nothing, so it has ' +
        'no certificate to hold.',
    });
    if (!(props.deletionProtection ?? false)) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
        reason:
          'Deletion protection is off only where config says so (staging), whose stacks are torn down after restore ' +
          'tests; prod load balancers have it on.',
      });
    }

    this.regionalRecord = new route53.ARecord(this, 'RegionalRecord', {
      zone: props.hostedZone,
      recordName: props.regionalDomainName,
      target: route53.RecordTarget.fromAlias(
        new targets.LoadBalancerTarget(this.loadBalancer, { evaluateTargetHealth: true }),
      ),
      comment: 'Regional name of the orchestrator endpoint; the failover records and health checks use it',
    });
  }
}
