// The prod gate: a stage that enables game days in prod gets them only behind a human's approval (a task token wait), which times out into a recorded failure.
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadConfig, type DrConfig, type RegionConfig } from '../../lib/config';
import { AutomationAlarms } from '../../lib/constructs/automation-alarms';
import { stageGameDays } from '../../lib/constructs/game-day/for-stage';
import { newApp } from '../helpers/synth';

function build(config: DrConfig, role: 'primary' | 'secondary' = 'secondary') {
  const regionConfig = config.regions.find((region) => region.role === role)!;
  const primaryRegion = config.regions.find((region) => region.role === 'primary')! as RegionConfig;
  const stack = new Stack(newApp(), 'Test', { env: { account: config.account, region: regionConfig.region } });
  const key = new kms.Key(stack, 'Key');
  const high = new sns.Topic(stack, 'High');
  const gameDays = stageGameDays(stack, {
    config,
    regionConfig,
    primaryRegion,
    scheduleGroup: new scheduler.ScheduleGroup(stack, 'Group'),
    scheduleDeadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    regionFailover: sfn.StateMachine.fromStateMachineName(stack, 'Failover', 'failover'),
    paging: {
      incidentTable: dynamodb.Table.fromTableName(stack, 'Incidents', 'incidents'),
      incidentTableKey: key,
      ackCommand: 'page-ack',
    },
    highTopic: high,
    highTopicKey: key,
    encryptionKey: key,
    alarms: new AutomationAlarms(stack, 'Alarms', { criticalTopic: high, highTopic: high }),
  });
  return { gameDays, template: Template.fromStack(stack) };
}

const prod = loadConfig({ stage: 'prod' });
const prodEnabled: DrConfig = { ...prod, gameDays: { ...prod.gameDays, enabled: true } };

test('prod with game days off builds none', () => {
  expect(build(prod).gameDays).toBeUndefined();
});

test('prod with game days on: every run first waits for SendTaskSuccess, the request going to the high topic with the timeout from config', () => {
  const { gameDays, template } = build(prodEnabled);
  expect(gameDays).toBeDefined();
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines.length).toBeGreaterThanOrEqual(3);
  for (const machine of machines) {
    const definition = JSON.parse(
      (machine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]])[1]
        .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
        .join(''),
    ) as {
      StartAt: string;
      States: Record<
        string,
        { Type: string; Resource?: string; Next?: string; TimeoutSeconds?: number; Catch?: unknown[] }
      >;
    };
    const begin = definition.States[definition.StartAt]!;
    const approval = definition.States[begin.Next!]!;
    expect(begin.Next).toBe('RequestApproval');
    expect(approval.Resource).toBe('arn:TOKEN:states:::sns:publish.waitForTaskToken'); // TOKEN: the partition
    expect(approval.TimeoutSeconds).toBe(prodEnabled.gameDays.approvalTimeout.toSeconds());
    // Not approved in time: the run records its failed approval step instead of vanishing.
    expect(approval.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'CheckAlarms' })]);
  }
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    StateMachineName: Match.stringLikeRegexp('game-day-database$'),
  });
});

test('staging runs start at once: no approval step', () => {
  const { template } = build(loadConfig({ stage: 'staging' }));
  for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
    expect(JSON.stringify(machine.Properties.DefinitionString)).not.toContain('waitForTaskToken');
  }
});

test('the primary region runs no game day', () => {
  expect(build(loadConfig({ stage: 'staging' }), 'primary').gameDays).toBeUndefined();
});

test("prod with game days on and its Global Datastore: the application game day records the warm-up as not exercised (the secondary's group is read-only) and starts no warm-up", () => {
  expect(prodEnabled.cache.globalDatastore).toBe(true);
  const { template } = build(prodEnabled);
  const [machine] = Object.values(
    template.findResources('AWS::StepFunctions::StateMachine', {
      Properties: { StateMachineName: Match.stringLikeRegexp('game-day-application$') },
    }),
  );
  const text = JSON.stringify(machine!.Properties.DefinitionString);
  expect(text).toContain('WarmUpNotExercised');
  expect(text).toMatch(/warmUpNotExercised.*cache\.globalDatastore is on/);
  expect(text).not.toContain('cache-warm-up');
  // The restart and the restore still run, behind the approval.
  expect(text).toContain('rollout-restart');
  expect(text).toContain('redis-restore-test');
});
