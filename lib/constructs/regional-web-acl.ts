// A regional AWS WAF web ACL in front of a load balancer: AWS managed rule groups, a per-IP rate limit, and logging.
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';

/** AWS managed rule groups every endpoint runs: common exploits and known-bad inputs. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/** Props of {@link RegionalWebAcl}. */
export interface RegionalWebAclProps {
  /** Name of the web ACL and prefix of its metrics, for example `async-toolformer-prod-use1-api`. */
  readonly name: string;
  /** The load balancer the web ACL protects. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * Requests one client IP may send in 5 minutes before it is blocked.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /** How long WAF logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * There is no L2 for AWS WAF, so this wraps the L1 resources with typed props. Blocking happens at
 * the load balancer, so a flood on one region does not reach the pods that a failover depends on.
 */
export class RegionalWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      metricName,
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
    });
    const managed = MANAGED_RULE_GROUPS.map((group, index): wafv2.CfnWebACL.RuleProperty => ({
      name: group,
      priority: index,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
      visibilityConfig: visibility(group),
    }));
    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        ...managed,
        {
          name: 'rate-limit-per-ip',
          priority: managed.length,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.rateLimitPer5Minutes ?? 2000, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.loadBalancer.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups whose name starts with aws-waf-logs-.
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: props.logRetention,
      encryptionKey: new EncryptionKey(this, 'LogKey', {
        purpose: `WAF logs of ${props.name}`,
        allowCloudWatchLogs: true,
      }).key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroup.logGroupArn],
    });
  }
}
