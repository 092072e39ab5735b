// Deploy freeze in the templates: a switch per region that pages the high topic on every change, and the guard that denies a tagged deploy role all but reading it.
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole } from '../../lib/config';
import { FREEZE_INITIAL, FREEZE_TAG, freezeParameters } from '../../lib/contract/deploy-freeze';
import { synthStage } from '../helpers/synth';

const roles: RegionRole[] = ['primary', 'secondary'];

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

describe.each(STAGES)('%s', (stage) => {
  const alerting = (role: RegionRole) => {
    const synthesized = synthStage(stage);
    return { synthesized, template: synthesized.template(synthesized.stack(role, 'Alerting').stackName) };
  };
  const names = freezeParameters(stage);

  test.each(roles)('%s: the switch is created off, and the guarded roles are listed', (role) => {
    const { synthesized, template } = alerting(role);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.freeze,
      Type: 'String',
      Value: JSON.stringify(FREEZE_INITIAL),
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.guardedRoles,
      Type: 'StringList',
      Value: synthesized.config.pipeline.deployRoleNames.join(','),
    });
  });

  test.each(roles)(
    '%s: every update or delete of the switch reaches the high topic, which pages the on-call engineer',
    (role) => {
      const { template } = alerting(role);
      const resources = template.toJSON().Resources as Record<string, Resource>;
      const rules = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::Events::Rule' &&
          JSON.stringify(resource.Properties.EventPattern) ===
            JSON.stringify({
              source: ['aws.ssm'],
              'detail-type': ['Parameter Store Change'],
              detail: { name: [names.freeze], operation: ['Update', 'Delete'] },
            }),
      );
      expect(rules).toHaveLength(1);
      const rule = rules[0]!;
      expect(rule.Properties.State).not.toBe('DISABLED');
      const targets = rule.Properties.Targets as { Arn: { Ref: string }; Input?: string; InputTransformer?: unknown }[];
      expect(targets).toHaveLength(1);
      const topic = resources[targets[0]!.Arn.Ref]!;
      expect(topic.Type).toBe('AWS::SNS::Topic');
      expect(topic.Properties.TopicName).toBe(`async-toolformer-${stage}-alerts-high`);
      // The page says which switch, what happened and how to read who set it.
      expect(JSON.stringify(targets[0]!.InputTransformer)).toContain(`dr freeze status --stage ${stage}`);
      // The high topic pages: prod's on-call engineer by text (stages.ts), and EventBridge may publish to it.
      const subscriptions = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::SNS::Subscription' &&
          (resource.Properties.TopicArn as { Ref?: string }).Ref === targets[0]!.Arn.Ref,
      );
      if (stage === 'prod') expect(subscriptions.map((each) => each.Properties.Protocol)).toContain('sms');
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: targets[0]!.Arn.Ref }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
          ]),
        },
      });
    },
  );

  test('the primary alone holds the guard: a deny of all but reading the switch while the role is tagged, on every deploy role', () => {
    const { synthesized, template } = alerting('primary');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: `async-toolformer-${stage}-deploy-freeze-guard`,
      Roles: [...synthesized.config.pipeline.deployRoleNames],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'DenyAllButReadingTheSwitchWhileFrozen',
            Effect: 'Deny',
            NotAction: ['ssm:GetParameter', 'ssm:DescribeParameters', 'sts:GetCallerIdentity'],
            Resource: '*',
            Condition: { StringEquals: { [`aws:PrincipalTag/${FREEZE_TAG.key}`]: 'on' } },
          },
        ],
      },
    });
    expect(
      alerting('secondary').template.findResources('AWS::IAM::ManagedPolicy', {
        Properties: { ManagedPolicyName: `async-toolformer-${stage}-deploy-freeze-guard` },
      }),
    ).toEqual({});
  });
});
