// Alerting: one encrypted topic per severity in each region, subscriptions from config, and the escalation that pages the plan's three levels.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SEVERITIES, STAGES, loadConfig } from '../../lib/config';
import { ESCALATION_LEVELS, INCIDENT_ITEM, incidentTableName } from '../../lib/contract';
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
    template.resourceCountIs('AWS::SNS::Topic', SEVERITIES.length + ESCALATION_LEVELS.length);
    template.resourcePropertiesCountIs(
      'AWS::SNS::TopicPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      SEVERITIES.length + ESCALATION_LEVELS.length,
    );
    // Prod's default pages the plan's three levels by text, and the on-call engineer at high and
    // medium (no email given: by text); staging has no contacts.
    const contacts = loadConfig({ stage }).contacts;
    const levels = contacts.escalation ? ESCALATION_LEVELS.length + 2 : 0;
    template.resourceCountIs(
      'AWS::SNS::Subscription',
      SEVERITIES.flatMap((severity) => contacts[severity]).length + levels,
    );
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

describe('escalation', () => {
  const synthesized = synthStage('prod');
  const template = synthesized.template(synthesized.stack('secondary', 'Alerting').stackName);
  const { region } = synthesized.region('secondary');

  test.each(ESCALATION_LEVELS.map((level) => [level.level, level.who] as const))(
    'level %d has its own encrypted topic that texts the plan number of %s',
    (level) => {
      const contact = synthesized.config.contacts.escalation![ESCALATION_LEVELS[level - 1]!.key];
      const topics = template.findResources('AWS::SNS::Topic', {
        Properties: { TopicName: `async-toolformer-prod-page-level-${level}`, KmsMasterKeyId: Match.anyValue() },
      });
      expect(Object.keys(topics)).toHaveLength(1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sms',
        Endpoint: contact.sms,
        TopicArn: { Ref: Object.keys(topics)[0] },
      });
    },
  );

  test('the state machine waits for each level until its minute of the plan, counted from the run start', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    // The definition is an Fn::Join of text and references; references stand in as "ref".
    const parts = (machine!.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join('')) as {
      States: Record<string, { Type: string; Timestamp?: string }>;
    };
    for (const { level, afterMinutes } of ESCALATION_LEVELS.slice(1)) {
      expect(definition.States[`WaitForLevel${level}`]).toEqual({
        Type: 'Wait',
        Timestamp: `{% $fromMillis($toMillis($states.context.Execution.StartTime) + ${afterMinutes * 60_000}) %}`,
        Next: `ReadAcknowledgement${level}`,
      });
    }
  });

  test('a rule on every alarm of the region entering ALARM starts it, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^Escalation') },
          DeadLetterConfig: { Arn: Match.anyValue() },
          InputTransformer: Match.objectLike({
            InputPathsMap: {
              'detail-alarmName': '$.detail.alarmName',
              'detail-state-timestamp': '$.detail.state.timestamp',
            },
          }),
        }),
      ],
    });
  });

  test("the escalation's own failures (a failed run, an undelivered event) page through the high topic, not through itself", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alertshigh/) }]);
    }
  });

  test('the incident table is encrypted with the alerts key, expires items, and is retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        TableName: incidentTableName('prod'),
        KeySchema: [
          { AttributeName: INCIDENT_ITEM.alarm, KeyType: 'HASH' },
          { AttributeName: INCIDENT_ITEM.openedAt, KeyType: 'RANGE' },
        ],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        TimeToLiveSpecification: { AttributeName: INCIDENT_ITEM.expiresAt, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
    });
    expect(region).toBe('us-west-2');
  });
});
