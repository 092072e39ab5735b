// Drops the DependsOn that CDK's custom resource providers put on a role their handler already references.
import { CfnResource, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * CDK's built-in custom resource providers (for example the one behind
 * `restrictDefaultSecurityGroup`) give their handler both `Role: Fn::GetAtt` and `DependsOn` the
 * same role. The GetAtt already orders them, and cfn-lint reports the duplicate as W3005. Removing
 * the DependsOn changes no deployment order, so cfn-lint can run with no ignored checks.
 */
export class ProviderDependencyCleanup implements IAspect {
  public visit(node: IConstruct): void {
    if (!node.node.id.endsWith('CustomResourceProvider')) return;
    const role = node.node.tryFindChild('Role');
    const handler = node.node.tryFindChild('Handler');
    if (role && handler && CfnResource.isCfnResource(role) && CfnResource.isCfnResource(handler)) {
      handler.removeResourceDependency(role);
    }
  }
}
