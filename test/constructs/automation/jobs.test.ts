// The job constructs: each owns its function, permissions, schedules, retries, DLQ wiring and alarms, at its deployed ids.
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  IacBackupJob,
  RedisBackupJob,
  allow,
  keepDeployedLogicalId,
  type AutomationJob,
} from '../../../lib/constructs/automation';
import { acknowledgementsUnder } from '../../../lib/readiness/nag-summary';
import { jobFixture } from './fixture';

describe.each([
  {
    name: 'IacBackupJob',
    build: (f: ReturnType<typeof jobFixture>): AutomationJob =>
      new IacBackupJob(f.stack, 'IacBackup', { context: f.context, peerRegion: f.config.regions[1]! }),
    schedules: { iacbackupSchedule18331D8F: 'async-toolformer-prod-iac-backup' },
    // Errors, throttles and dead letters of the function, and the backup's own result.
    alarms: ['IacBackupErrors', 'IacBackupThrottles', 'IacBackupDeadLetters', 'IacBackupSuccessRate'],
  },
  {
    name: 'RedisBackupJob',
    build: (f: ReturnType<typeof jobFixture>): AutomationJob =>
      new RedisBackupJob(f.stack, 'RedisBackup', { context: f.context, peerRegion: f.config.regions[1]! }),
    schedules: {
      dailybackupredisScheduleCEF1A386: 'async-toolformer-prod-daily-backup-redis',
      weeklyfullbackupredisSchedule216C88EB: 'async-toolformer-prod-weekly-full-backup-redis',
    },
    alarms: [
      'RedisBackupErrors',
      'RedisBackupThrottles',
      'RedisBackupDeadLetters',
      'RedisBackupFailures',
      'RedisBackupSuccessRate',
    ],
  },
])('$name', ({ build, schedules, alarms }) => {
  test('keeps the logical ids its function and schedules were deployed with', () => {
    const f = jobFixture();
    const job = build(f);
    const template = f.template();
    const logicalId = (construct: Construct) =>
      f.stack.resolve(f.stack.getLogicalId(construct.node.defaultChild as CfnElement)) as string;
    // The function is the job's Default child: the ids it had as a direct child of the stack under the job's id.
    expect(logicalId(job.function.function)).toMatch(new RegExp(`^${job.node.id}[0-9A-F]{8}$`));
    expect(logicalId(job.function.logGroup)).toMatch(new RegExp(`^${job.node.id}LogGroup[0-9A-F]{8}$`));
    for (const [id, name] of Object.entries(schedules)) {
      template.hasResource('AWS::Scheduler::Schedule', { Properties: Match.objectLike({ Name: name }) });
      expect(template.toJSON().Resources[id]?.Properties?.Name).toBe(name);
    }
  });

  test('owns its alarms, each sent to a topic', () => {
    const f = jobFixture();
    build(f);
    expect(f.context.alarms.alarms.map((alarm) => alarm.node.id)).toEqual([
      // The schedules' dead-letter queue belongs to the scheduler.
      'ScheduleDeadLetters',
      ...alarms,
    ]);
    for (const alarm of Object.values(f.template().findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toHaveLength(1);
    }
  });

  test('acknowledges each wildcard of its policy with its own reason', () => {
    const f = jobFixture();
    const job = build(f);
    const acknowledged = acknowledgementsUnder(job).filter((ack) => ack.path === job.function.policy.node.path);
    expect(acknowledged.length).toBeGreaterThan(1);
    for (const ack of acknowledged) expect(ack.reason.length).toBeGreaterThanOrEqual(60);
  });
});

describe('allow', () => {
  test('fails when a wildcard resource has no reason', () => {
    const f = jobFixture();
    const job = new IacBackupJob(f.stack, 'IacBackup', { context: f.context, peerRegion: f.config.regions[1]! });
    expect(() => allow(job.function, { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] })).toThrow(
      /IacBackup\/Default: s3:GetObject on arn:aws:s3:::bucket\/\* needs a wildcardReason for its wildcard$/,
    );
  });
});

describe('keepDeployedLogicalId', () => {
  test('moves the resource, not its construct path', () => {
    const stack = new Stack();
    const key = new kms.Key(new Construct(stack, 'Moved'), 'Key');
    keepDeployedLogicalId(key, 'KeyE447D366');
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['KeyE447D366']);
  });

  test('fails when the construct holds no CloudFormation resource', () => {
    const stack = new Stack();
    const role = iam.Role.fromRoleName(stack, 'Imported', 'r');
    expect(() => keepDeployedLogicalId(role, 'X')).toThrow(
      'Default/Imported has no CloudFormation resource to keep at the logical id X',
    );
  });
});
