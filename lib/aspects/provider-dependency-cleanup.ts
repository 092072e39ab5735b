// Drops the DependsOn that CDK's custom resource providers put on a role their handler already references.
import { CfnResource, Stack, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * CDK's built-in custom resource providers (for example the one behind
 * `restrictDefaultSecurityGroup`) give their handler both `Role: Fn::GetAtt` and `DependsOn` the
 * same role. The GetAtt already orders them, and cfn-lint reports the duplicate as W3005. Removing
 * the DependsOn changes no deployment order, so cfn-lint can run with no ignored checks.
 */
export class ProviderDependencyCleanup implements IAspect {
  public visit(node: IConstruct): void {
    if (node.node.id.endsWith('CustomResourceProvider')) {
      const role = node.node.tryFindChild('Role');
      const handler = node.node.tryFindChild('Handler');
      if (role && handler && CfnResource.isCfnResource(role) && CfnResource.isCfnResource(handler)) {
        handler.removeResourceDependency(role);
      }
      return;
    }
    // The kubectl provider of aws-eks-v2 builds lambda.Functions, whose dependency on their role is
    // a construct dependency (role and default policy); keep only the default policy.
    if (isKubectlProviderFunction(node)) {
      const role = node.node.tryFindChild('ServiceRole');
      const policy = role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
      const fn = node.node.defaultChild;
      if (fn && CfnResource.isCfnResource(fn)) {
        const stack = Stack.of(node);
        fn.addOverride(
          'DependsOn',
          policy && CfnResource.isCfnResource(policy) ? [stack.resolve(policy.logicalId) as string] : [],
        );
      }
    }
  }
}

function isKubectlProviderFunction(node: IConstruct): boolean {
  const path = node.node.scopes.map((scope) => scope.node.id);
  const at = path.lastIndexOf('KubectlProvider');
  const id = node.node.id;
  return (
    at >= 0 && (id === 'Handler' || id === 'framework-onEvent') && node.node.tryFindChild('ServiceRole') !== undefined
  );
}
