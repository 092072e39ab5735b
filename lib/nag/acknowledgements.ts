// Acknowledgements that several constructs need for the same reason, written once.
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { CfnRole, IRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * CDK's built-in template validation warns about AZ names in templates (W3010). They come from
 * config on purpose: synth runs offline, and config validation checks each AZ against the AZ names
 * AWS issues in its region (lib/config/catalog/regions.ts).
 */
export function acknowledgeConfiguredAvailabilityZone(resource: IConstruct): void {
  Validations.of(resource).acknowledge({
    id: 'CloudFormation-Validate::W3010',
    reason:
      'AZ names come from config on purpose: synth must run offline, and a lookup would need credentials. ' +
      'Config validation checks every AZ against the AZ names AWS issues in its region (lib/config/catalog/regions.ts).',
  });
}

/**
 * A resolved ARN as cdk-nag writes it in a finding id (`AwsSolutions-IAM4[Policy::...]`,
 * `AwsSolutions-IAM5[Resource::...]`): the partition as `<AWS::Partition>`, or the JSON of anything
 * it cannot flatten.
 */
export function arnFindingId(arn: unknown): string {
  const join = (arn as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  const parts = join?.[1];
  if (
    join?.[0] === '' &&
    parts?.length === 3 &&
    parts[0] === 'arn:' &&
    (parts[1] as { Ref?: string }).Ref === 'AWS::Partition' &&
    typeof parts[2] === 'string'
  ) {
    return `arn:<AWS::Partition>${parts[2]}`;
  }
  return typeof arn === 'string' ? arn : JSON.stringify(arn);
}

/**
 * Acknowledges `AwsSolutions-IAM4` for every AWS-managed policy attached to `role` when this is
 * called, each by its own finding id, so a policy added later is still reported.
 */
export function acknowledgeManagedPolicies(role: IRole, reason: string): void {
  const resource = role.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) return;
  const stack = Stack.of(role);
  const arns = stack.resolve((resource as CfnRole).managedPolicyArns) as unknown[] | undefined;
  for (const arn of arns ?? []) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM4[Policy::${arnFindingId(arn)}]`, reason });
  }
}
