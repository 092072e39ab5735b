// checkov skips written into the template next to the resource they excuse, as cdk-nag acknowledgements are.
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A checkov check id of the AWS checks: `CKV_AWS_<n>` or, for graph checks, `CKV2_AWS_<n>`. */
const CHECK_ID = /^CKV2?_AWS_\d+$/;
/** A reason shorter than this says nothing about the resource (`n/a`, `not needed`, `false positive`). */
export const MIN_SKIP_REASON_LENGTH = 40;

/** One entry of `Metadata.checkov.skip`, the form checkov reads from a CloudFormation resource. */
export interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/** The CloudFormation resource `scope` stands for: itself, or its default child. */
function resourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(
    `skipCheckov: ${scope.node.path} is not a CloudFormation resource and has no default child that is one; ` +
      'pass the resource the check reports (its L1, or the L2 whose default child it is)',
  );
}

/**
 * Tells checkov not to report `checks` (one id or several sharing the reason) on the resource of
 * `scope`, for `reason`. The skip is written into the resource's `Metadata.checkov.skip` of the
 * synthesized template, where checkov reads it, so it covers this resource only: a resource added
 * later is still checked. Skipping the same check of a resource again for the same reason changes
 * nothing. Throws on an id that is not a checkov AWS check, a reason too short to say why, or a
 * second, different reason for one check of one resource.
 */
export function skipCheckov(scope: IConstruct, checks: string | readonly string[], reason: string): void {
  const resource = resourceOf(scope);
  for (const checkId of typeof checks === 'string' ? [checks] : checks) {
    if (!CHECK_ID.test(checkId)) {
      throw new Error(`skipCheckov: check id must look like CKV_AWS_115 or CKV2_AWS_5, got: ${checkId}`);
    }
    if (reason.trim().length < MIN_SKIP_REASON_LENGTH) {
      throw new Error(
        `skipCheckov: the reason for skipping ${checkId} on ${resource.node.path} must say why this resource may ` +
          `break the check (at least ${MIN_SKIP_REASON_LENGTH} characters), got: ${JSON.stringify(reason)}`,
      );
    }
    const current = resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined;
    const skips = current?.skip ?? [];
    const earlier = skips.find((skip) => skip.id === checkId);
    // A shared resource (one provider function per stack) is skipped by every construct that uses it.
    if (earlier?.comment === reason.trim()) continue;
    if (earlier) {
      throw new Error(
        `skipCheckov: ${checkId} is already skipped on ${resource.node.path} for another reason; give one reason, once`,
      );
    }
    resource.addMetadata('checkov', { ...current, skip: [...skips, { id: checkId, comment: reason.trim() }] });
  }
}
