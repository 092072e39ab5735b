// Automation: exact schedules with retries and a DLQ, least-privilege functions, restore tests in staging, alarms.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, type RegionRole, type Stage } from '../../lib/config';
import { synthStage } from '../helpers/synth';

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stacks[role].automation;
  return { config: synthesized.config, stack, template: synthesized.template(stack.stackName) };
}

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];
const schedulesByName = (template: Template) =>
  Object.fromEntries(
    resources(template, 'AWS::Scheduler::Schedule').map((r) => [r.Properties.Name as string, r.Properties]),
  );

describe.each(STAGES)('%s', (stage) => {
  test("the primary region runs the backups and the daily check on the plan's exact crons, in UTC", () => {
    const { template, config } = setup(stage, 'primary');
    const crons = Object.fromEntries(config.schedules.map((s) => [s.id, s.cron]));
    const schedules = schedulesByName(template);
    const expected: Record<string, string> = {
      [`async-toolformer-${stage}-daily-backup-redis`]: crons['daily-backup']!,
      [`async-toolformer-${stage}-weekly-full-backup-redis`]: crons['weekly-full-backup']!,
      [`async-toolformer-${stage}-weekly-full-backup-aurora`]: crons['weekly-full-backup']!,
      [`async-toolformer-${stage}-daily-integrity-check`]: crons['daily-integrity-check']!,
      [`async-toolformer-${stage}-iac-backup`]: crons['iac-backup']!,
      ...(stage === 'staging'
        ? { [`async-toolformer-${stage}-weekly-restore-test-redis`]: crons['weekly-restore-test']! }
        : {}),
    };
    expect(
      Object.fromEntries(Object.entries(schedules).map(([name, props]) => [name, props.ScheduleExpression])),
    ).toEqual(expected);
    expect(crons['daily-backup']).toBe('cron(0 2 * * ? *)');
    expect(crons['weekly-full-backup']).toBe('cron(0 1 ? * SUN *)');
    for (const props of Object.values(schedules)) expect(props.ScheduleExpressionTimezone).toBe('Etc/UTC');
  });

  test('the secondary region runs the IaC backup and the monthly cross-region verification', () => {
    const { template } = setup(stage, 'secondary');
    expect(Object.keys(schedulesByName(template)).sort()).toEqual(
      [`async-toolformer-${stage}-iac-backup`, `async-toolformer-${stage}-monthly-cross-region-verification`].sort(),
    );
  });

  test.each(['primary', 'secondary'] as const)(
    '%s: every schedule retries and dead-letters into an encrypted queue',
    (role) => {
      const { template, config } = setup(stage, role);
      for (const props of Object.values(schedulesByName(template))) {
        expect(props.Target).toMatchObject({
          RetryPolicy: {
            MaximumRetryAttempts: config.automation.scheduleRetryAttempts,
            MaximumEventAgeInSeconds: config.automation.scheduleMaxEventAge.toSeconds(),
          },
          DeadLetterConfig: { Arn: expect.anything() },
        });
      }
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: Match.anyValue(),
        MessageRetentionPeriod: 1209600,
      });
    },
  );

  test.each(['primary', 'secondary'] as const)('%s: no policy grants a wildcard action', (role) => {
    const { template } = setup(stage, role);
    for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']) {
      for (const policy of resources(template, type)) {
        const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] })
          .Statement;
        for (const statement of statements) {
          for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*$/);
        }
      }
    }
  });

  test('every function runs Node.js 22 on ARM64 in the VPC, traced, with a DLQ and reserved concurrency', () => {
    const { template } = setup(stage, 'primary');
    const functions = resources(template, 'AWS::Lambda::Function');
    expect(functions.length).toBe(stage === 'staging' ? 6 : 4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: expect.anything() },
        ReservedConcurrentExecutions: 1,
        VpcConfig: expect.objectContaining({ SubnetIds: expect.anything() }),
      });
    }
  });

  test('the Redis restore test can only create and delete groups that carry its tag', () => {
    const { template } = setup(stage, 'primary');
    const statements = resources(template, 'AWS::IAM::ManagedPolicy').flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Condition?: unknown }[] })
          .Statement,
    );
    const deletes = statements.filter((s) => [s.Action].flat().includes('elasticache:DeleteReplicationGroup'));
    const creates = statements.filter((s) => [s.Action].flat().includes('elasticache:CreateReplicationGroup'));
    if (stage === 'staging') {
      expect(deletes).toEqual([
        expect.objectContaining({ Condition: { StringEquals: { 'aws:ResourceTag/dr-restore-test': 'temporary' } } }),
      ]);
      expect(creates).toEqual([
        expect.objectContaining({ Condition: { StringEquals: { 'aws:RequestTag/dr-restore-test': 'temporary' } } }),
      ]);
    } else {
      expect([...deletes, ...creates]).toEqual([]);
    }
  });

  test('the weekly job may delete only snapshots it tagged', () => {
    const { template } = setup(stage, 'primary');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'rds:DeleteDBClusterSnapshot',
            Condition: { StringEquals: { 'aws:ResourceTag/dr-managed-by': 'weekly-full-backup' } },
          }),
        ]),
      },
    });
  });

  test('AWS Backup restore testing of Aurora runs only where the stage runs restore tests', () => {
    const { template, config } = setup(stage, 'primary');
    if (stage === 'staging') {
      template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        ScheduleExpression: config.schedules.find((s) => s.id === 'weekly-restore-test')!.cron,
        RecoveryPointSelection: Match.objectLike({ Algorithm: 'LATEST_WITHIN_WINDOW' }),
      });
      template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
        ProtectedResourceType: 'Aurora',
        ValidationWindowHours: 1,
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: Match.anyValue() },
      });
    } else {
      template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    }
  });

  test("the plan's critical alerts: backup success rate and recovery test results page critical", () => {
    const { template } = setup(stage, 'primary');
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('backup_success_rate')).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Namespace: 'AsyncToolformer/DR',
          Threshold: 100,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
          AlarmActions: [expect.objectContaining({})],
        }),
      }),
    ]);
    expect(JSON.stringify(byMetric('backup_success_rate')[0]!.Properties.AlarmActions)).toMatch(/Alertscritical/);
    expect(byMetric('recovery_test_results')).toHaveLength(stage === 'staging' ? 2 : 0);
    for (const alarm of byMetric('recovery_test_results')) {
      expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/Alertscritical/);
    }
    // Every function: errors, throttles and dead letters, to the high topic.
    const functions = resources(template, 'AWS::Lambda::Function').length;
    expect(byMetric('Errors')).toHaveLength(functions);
    expect(byMetric('Throttles')).toHaveLength(functions);
  });

  test('step functions loop with a timeout, traced and logged', () => {
    const { template } = setup(stage, 'primary');
    for (const machine of resources(template, 'AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties).toMatchObject({
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: expect.objectContaining({ Level: 'ALL' }),
      });
      expect(JSON.stringify(machine.Properties.DefinitionString)).toMatch(/TimeoutSeconds/);
    }
  });

  test('IaC backups go to a versioned, retained bucket in each region', () => {
    const { template } = setup(stage, 'secondary');
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: Match.stringLikeRegexp(`^async-toolformer-${stage}-iac-backups-`),
        VersioningConfiguration: { Status: 'Enabled' },
      }),
      DeletionPolicy: 'Retain',
    });
  });
});
