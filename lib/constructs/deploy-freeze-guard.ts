// The deploy freeze as IAM enforces it: a managed policy on the deploy roles that denies all but reading the switch while a role carries the freeze tag.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FREEZE_ALLOWED_ACTIONS, FREEZE_TAG } from '../contract/deploy-freeze';

/** Props of {@link DeployFreezeGuard}. */
export interface DeployFreezeGuardProps {
  /** Fixed name of the policy; IAM is global, so one stack of the stage creates it. */
  readonly policyName: string;
  /** The deploy roles, created outside this app (config `pipeline.deployRoleNames`); the policy is attached to each. */
  readonly roleNames: readonly string[];
}

/**
 * Holds a freeze against a stolen workflow: the workflow's own check can be edited away, this cannot
 * from the deploy role. While `dr freeze on` has tagged a role `FREEZE_TAG`, every action of its
 * sessions except reading the switch is denied, `sts:AssumeRole` of the CDK bootstrap roles
 * included, so `cdk deploy` fails at its first step. An explicit deny wins over every allow.
 *
 * `aws:PrincipalTag` of a role session holds the role's IAM tags and any session tags; a session tag
 * of the same key overrides the role's, so the deploy role's trust policy must not allow
 * `sts:TagSession` (GitHub's OIDC tokens carry no session tags; docs/runbooks/deploy-freeze.md).
 * Already-assumed CDK bootstrap role sessions (up to an hour) are not covered: they carry their own
 * role's tags.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export class DeployFreezeGuard extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DeployFreezeGuardProps) {
    super(scope, id);
    if (props.roleNames.length === 0) {
      throw new Error(`${this.node.path}: roleNames is empty; name the deploy role (config pipeline.deployRoleNames)`);
    }
    this.policy = new iam.ManagedPolicy(this, 'Resource', {
      managedPolicyName: props.policyName,
      description: `Deploy freeze: denies all but reading the switch while the role is tagged ${FREEZE_TAG.key}=${FREEZE_TAG.value}`,
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyAllButReadingTheSwitchWhileFrozen',
          effect: iam.Effect.DENY,
          notActions: [...FREEZE_ALLOWED_ACTIONS],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:PrincipalTag/${FREEZE_TAG.key}`]: FREEZE_TAG.value } },
        }),
      ],
      roles: props.roleNames.map((name, index) => iam.Role.fromRoleName(this, `Role${index}`, name)),
    });
  }
}
