// Alerting: one encrypted topic per severity in each region, subscriptions from config.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SEVERITIES, STAGES, loadConfig } from '../../lib/config';
import { AlertingStack } from '../../lib/stacks/alerting-stack';
import { newApp, synthStage } from '../helpers/synth';

describe.each(STAGES)('%s alerting', (stage) => {
  test.each(['primary', 'secondary'] as const)('%s region has an encrypted, TLS-only topic per severity', (role) => {
    const synthesized = synthStage(stage);
    const template = synthesized.template(synthesized.stack(role, 'Alerting').stackName);
    for (const severity of SEVERITIES) {
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `async-toolformer-${stage}-alerts-${severity}`,
        KmsMasterKeyId: Match.anyValue(),
      });
    }
    template.resourceCountIs('AWS::SNS::Topic', SEVERITIES.length);
    template.resourcePropertiesCountIs(
      'AWS::SNS::TopicPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      SEVERITIES.length,
    );
    // Prod's default pages the plan's on-call engineer (validation requires a pager); staging has none.
    const contacts = loadConfig({ stage }).contacts;
    template.resourceCountIs('AWS::SNS::Subscription', SEVERITIES.flatMap((severity) => contacts[severity]).length);
  });

  test('the topic key rotates, is retained, and lets only alarms of this account and region use it', () => {
    const synthesized = synthStage(stage);
    const { region } = synthesized.region('primary');
    const template = synthesized.template(synthesized.stack('primary', 'Alerting').stackName);
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: {
                StringEquals: { 'aws:SourceAccount': synthesized.config.account },
                ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${synthesized.config.account}:alarm:*` },
              },
            }),
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });
});

test('subscriptions come from the escalation contacts in config', () => {
  const base = loadConfig({ stage: 'staging' });
  const config = {
    ...base,
    contacts: {
      critical: [
        { protocol: 'https', endpoint: 'https://events.pagerduty.example/integration/abc' },
        { protocol: 'sms', endpoint: '+15550123000' },
      ],
      high: [{ protocol: 'email', endpoint: 'eng-manager@async-toolformer.example' }],
      medium: [],
    },
  } as const;
  const template = Template.fromStack(new AlertingStack(newApp(), { config, regionConfig: config.regions[0] }));
  template.resourceCountIs('AWS::SNS::Subscription', 3);
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'https',
    Endpoint: 'https://events.pagerduty.example/integration/abc',
  });
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+15550123000' });
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    Endpoint: 'eng-manager@async-toolformer.example',
  });
});
