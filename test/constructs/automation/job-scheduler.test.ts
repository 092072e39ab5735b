// JobScheduler: the plan's crons in UTC, the stage's retry policy and DLQ, and a role that starts only what was scheduled.
import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FUNCTIONS } from '../../../lib/contract';
import { jobFunction } from '../../../lib/constructs/automation';
import { jobFixture } from './fixture';

type Statement = { Action: string | string[]; Resource: unknown };

function scheduleBoth() {
  const f = jobFixture();
  const fn = jobFunction(f.stack, f.context, {
    contract: FUNCTIONS.iacBackup,
    description: 'x',
    environment: {
      STACK_PREFIX: 'p',
      PARAMETER_PATH: 'p',
      BACKUP_BUCKET: 'b',
      BACKUP_BUCKET_REGION: 'r',
      RESULT_PARAMETER_NAME: 'n',
    },
  });
  const machine = new sfn.StateMachine(f.stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(f.stack, 'Pass')),
  });
  f.context.scheduler.invokeFunction(f.stack, 'Invoke', {
    name: 'iac-backup',
    planSchedule: 'iac-backup',
    function: fn,
  });
  f.context.scheduler.startExecution(f.stack, 'Start', {
    name: 'daily-backup-redis',
    planSchedule: 'daily-backup',
    stateMachine: machine,
    input: { phase: 'start' },
  });
  return { f, fn, machine };
}

test("each schedule runs on its plan cron in UTC, retries with the stage's policy and dead-letters", () => {
  const { f } = scheduleBoth();
  const template = f.template();
  const cron = (id: string) => f.config.schedules.find((schedule) => schedule.id === id)!.cron;
  for (const [name, planSchedule] of [
    ['iac-backup', 'iac-backup'],
    ['daily-backup-redis', 'daily-backup'],
  ]) {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `async-toolformer-prod-${name}`,
      ScheduleExpression: cron(planSchedule!),
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({
        RetryPolicy: {
          MaximumRetryAttempts: f.config.automation.scheduleRetryAttempts,
          MaximumEventAgeInSeconds: f.config.automation.scheduleMaxEventAge.toSeconds(),
        },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ScheduleDeadLetters0406ECBC', 'Arn'] } },
      }),
    });
  }
  expect([...f.context.scheduler.schedules.keys()]).toEqual(['iac-backup', 'daily-backup-redis']);
});

test('the role may start exactly what was scheduled, send to the DLQ and use its key', () => {
  const { f, fn, machine } = scheduleBoth();
  const template = f.template();
  const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find(
    (p) => (p as { Properties: { Description?: string } }).Properties.Description === 'What the DR schedules may start',
  ) as { Properties: { PolicyDocument: { Statement: Statement[] } } };
  const arnOf = (resource: object) => ({
    'Fn::GetAtt': [f.stack.getLogicalId(resource as never), 'Arn'],
  });
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': ['ScheduleDeadLetters0406ECBC', 'Arn'] } },
    {
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Effect: 'Allow',
      Resource: arnOf(f.context.encryptionKey.node.defaultChild!),
    },
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(fn.function.node.defaultChild!) },
    {
      Action: 'states:StartExecution',
      Effect: 'Allow',
      Resource: { Ref: f.stack.getLogicalId(machine.node.defaultChild as never) },
    },
  ]);
});

test('a region with nothing on a state machine gets no StartExecution statement', () => {
  const f = jobFixture();
  const statements = JSON.stringify(f.template().findResources('AWS::IAM::ManagedPolicy'));
  expect(statements).not.toContain('states:StartExecution');
  expect(statements).not.toContain('lambda:InvokeFunction');
});

test('fails when two schedules get the same name', () => {
  const { f, fn } = scheduleBoth();
  expect(() =>
    f.context.scheduler.invokeFunction(f.stack, 'Again', {
      name: 'iac-backup',
      planSchedule: 'iac-backup',
      function: fn,
    }),
  ).toThrow(
    /^a schedule named iac-backup exists already in AsyncToolformer-prod-use1-Jobs\/Schedules; pick another name$/,
  );
});
