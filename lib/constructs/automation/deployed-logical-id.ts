// Keeps a resource at the logical id it was deployed with when the constructs around it change.
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Keeps `resource` at the logical id it was deployed with, where a job construct took over a
 * resource that sat directly in the Automation stack before (issue 11). Only for what a new id
 * would break: a fixed name (schedules, state machines, restore testing plans), where CloudFormation
 * would create a second resource under the same name, which fails or, for an idempotent create,
 * deletes the live one in clean-up; a retained log group, which would be left behind; and a
 * dead-letter queue, whose waiting events would be deleted with it.
 */
export function keepDeployedLogicalId(resource: IConstruct, logicalId: string): void {
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (!cfn || !CfnResource.isCfnResource(cfn)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource to keep at the logical id ${logicalId}`);
  }
  cfn.overrideLogicalId(logicalId);
}
