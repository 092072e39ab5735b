// Automation: exact schedules with retries and a DLQ, least-privilege functions, restore tests in staging, region failover, alarms.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGES, loadConfig, type RegionRole, type Stage } from '../../lib/config';
import { buildDrApp } from '../../lib/dr-app';
import { newApp, synthStage } from '../helpers/synth';

function setup(stage: Stage, role: RegionRole) {
  const synthesized = synthStage(stage);
  const stack = synthesized.stack(role, 'Automation');
  return { config: synthesized.config, stack, template: synthesized.template(stack.stackName) };
}

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];
const schedulesByName = (template: Template) =>
  Object.fromEntries(
    resources(template, 'AWS::Scheduler::Schedule').map((r) => [r.Properties.Name as string, r.Properties]),
  );

/**
 * Logical ids of the Automation stacks' resources with fixed names, as deployed before the jobs
 * became constructs. A new id would make CloudFormation create a second resource under the same
 * name before deleting the first, which fails (or, for an idempotent create, deletes the live one).
 */
const DEPLOYED_NAMED_IDS: Readonly<Record<string, readonly string[]>> = {
  'AWS::Scheduler::Schedule': [
    'iacbackupSchedule18331D8F',
    'dailyintegritycheckSchedule966F975D',
    'dailybackupredisScheduleCEF1A386',
    'weeklyfullbackupredisSchedule216C88EB',
    'weeklyfullbackupauroraSchedule5C7769D3',
    'weeklyrestoretestredisSchedule36855446',
    'monthlycrossregionverificationSchedule127FEE47',
    // New with the Aurora sentinel (issue 14): first deployed with this id.
    'AuroraSentinelScheduleB82F2352',
    // New with the game days (issue 19), in the secondary where the stage runs them.
    'GameDaysDatabaseSchedule1040B4B0',
    'GameDaysRegionSchedule5B27EFF5',
    'GameDaysCommunicationSchedule77ED86E9',
    'GameDaysAuditScheduleCB458406',
    // New with the application game day (issue 19).
    'GameDaysApplicationSchedule5C15AD41',
  ],
  'AWS::StepFunctions::StateMachine': [
    'redisbackupJobE698E860',
    'weeklyaurorabackupJob28B14C4F',
    'redisrestoretestJob3299965C',
    'RegionFailover4F699F6B',
    'GameDaysDatabase83D0350E',
    'GameDaysRegion3CB4AA36',
    'GameDaysCommunication74D11DD3',
    // New with the stepped Aurora restore validation (issue 14): first deployed with this id.
    'RestoreValidationJob55329E52',
    // New with dr warm-cache (issue 17): first deployed with this id.
    'CacheWarmUpStateMachine44454568',
    // New with dr restore db and dr restore cache (issue 17): first deployed with these ids.
    'RestoresDatabase204ADCCB',
    'RestoresCache514B114C',
    // New with the application game day (issue 19), in the secondary where the stage runs game days.
    'GameDaysApplication8D15E786',
    'GameDayRedisRestoreTestJob697C2869',
  ],
  'AWS::Backup::RestoreTestingPlan': ['AuroraRestoreTesting95A5A8A2'],
  'AWS::Backup::RestoreTestingSelection': ['AuroraRestoreTestingSelectionC8598ACD'],
};

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
      [`async-toolformer-${stage}-aurora-sentinel`]: crons['aurora-sentinel']!,
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

  test('the secondary region runs the same backups and daily check, and the monthly cross-region verification', () => {
    const { template, config } = setup(stage, 'secondary');
    const crons = Object.fromEntries(config.schedules.map((s) => [s.id, s.cron]));
    expect(
      Object.fromEntries(
        Object.entries(schedulesByName(template))
          // The game days' schedules are test/stacks/game-days.test.ts's.
          .filter(([name]) => !name.includes('-game-day-'))
          .map(([name, props]) => [name, props.ScheduleExpression]),
      ),
    ).toEqual({
      [`async-toolformer-${stage}-daily-backup-redis`]: crons['daily-backup']!,
      [`async-toolformer-${stage}-weekly-full-backup-redis`]: crons['weekly-full-backup']!,
      [`async-toolformer-${stage}-weekly-full-backup-aurora`]: crons['weekly-full-backup']!,
      [`async-toolformer-${stage}-daily-integrity-check`]: crons['daily-integrity-check']!,
      [`async-toolformer-${stage}-iac-backup`]: crons['iac-backup']!,
      [`async-toolformer-${stage}-monthly-cross-region-verification`]: crons['monthly-cross-region-verification']!,
      [`async-toolformer-${stage}-aurora-sentinel`]: crons['aurora-sentinel']!,
    });
  });

  test.each(['primary', 'secondary'] as const)(
    '%s: schedules, state machines and the restore testing plan keep the logical ids they were deployed with',
    (role) => {
      const { template } = setup(stage, role);
      for (const [type, deployed] of Object.entries(DEPLOYED_NAMED_IDS)) {
        for (const id of Object.keys(template.findResources(type))) expect(deployed).toContain(id);
      }
    },
  );

  test.each(['primary', 'secondary'] as const)(
    '%s: the schedules may invoke only the functions a schedule starts',
    (role) => {
      const { template } = setup(stage, role);
      const targets = Object.values(schedulesByName(template)).map((props) => (props.Target as { Arn: unknown }).Arn);
      // Functions are targeted by their GetAtt Arn, state machines by their Ref.
      const scheduledFunctions = targets.filter((arn) => JSON.stringify(arn).includes('Fn::GetAtt'));
      const invoke = resources(template, 'AWS::IAM::ManagedPolicy')
        .flatMap(
          (policy) =>
            (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
        )
        .filter((statement) => statement.Action === 'lambda:InvokeFunction');
      // The jobs' scheduler role, and in the secondary the game days' own (lib/constructs/game-day).
      expect(invoke.length).toBeGreaterThan(0);
      const sorted = (arns: unknown[]) => arns.map((arn) => JSON.stringify(arn)).sort();
      expect(sorted(invoke.flatMap((statement) => [statement.Resource].flat()))).toEqual(sorted(scheduledFunctions));
    },
  );

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
    // The cache warm-up (dr warm-cache) is one of them in every region.
    expect(functions.length).toBe(stage === 'staging' ? 8 : 6);
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

  test.each(['primary', 'secondary'] as const)(
    '%s: the Aurora sentinel job reaches its own cluster through the Data API and the master secret only',
    (role) => {
      const { template } = setup(stage, role);
      const [fn] = resources(template, 'AWS::Lambda::Function').filter(
        (candidate) =>
          (candidate.Properties.Environment as { Variables: Record<string, unknown> }).Variables
            .POWERTOOLS_SERVICE_NAME === 'aurora-sentinel',
      );
      expect(fn).toBeDefined();
      const policies = JSON.stringify(resources(template, 'AWS::IAM::ManagedPolicy'));
      const region = role === 'primary' ? 'use1' : 'usw2';
      // ExecuteStatement on exactly this region's cluster, never a wildcard.
      expect(policies).toMatch(
        new RegExp(
          `"Action":"rds-data:ExecuteStatement","Effect":"Allow","Resource":"arn:[^"]*:cluster:async-toolformer-${stage}-${region}"`,
        ),
      );
      expect(policies).toMatch(
        /"secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"\],"Effect":"Allow","Resource":"arn:[^"]*:secret:async-toolformer\/[^"]*\/aurora\/master-\?{6}"/,
      );
    },
  );

  test("the Aurora restore validation may never modify, query or add instances to the stage's own clusters", () => {
    const { template } = setup(stage, 'primary');
    const denies = resources(template, 'AWS::IAM::ManagedPolicy').flatMap((policy) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Effect: string; Action: unknown; Resource: unknown }[] }
      ).Statement.filter(
        (statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Action).includes('rds-data'),
      ),
    );
    // Prod runs no restore test: no validation function, so no statement at all.
    expect(denies).toHaveLength(stage === 'staging' ? 1 : 0);
    if (stage === 'staging')
      expect(JSON.stringify(denies[0]!.Resource)).toMatch(
        new RegExp(`cluster:async-toolformer-${stage}-use1.*cluster:async-toolformer-${stage}-usw2`),
      );
  });

  test('AWS Backup restore testing of Aurora runs only where the stage runs restore tests', () => {
    const { template, config } = setup(stage, 'primary');
    if (stage === 'staging') {
      template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        ScheduleExpression: config.schedules.find((s) => s.id === 'weekly-restore-test')!.cron,
        RecoveryPointSelection: Match.objectLike({ Algorithm: 'LATEST_WITHIN_WINDOW' }),
      });
      // Weekly snapshots only: the sentinel and row counts describe the moment just before each.
      template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        RecoveryPointSelection: Match.objectLike({ RecoveryPointTypes: ['SNAPSHOT'] }),
      });
      // Long enough to add an instance, read the sentinel back and delete the instance again.
      template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
        ProtectedResourceType: 'Aurora',
        ValidationWindowHours: 4,
      });
      // Each finished restore job starts the stepped validation with its id, status and type.
      const machine = Object.keys(
        template.findResources('AWS::StepFunctions::StateMachine', {
          Properties: { StateMachineName: `async-toolformer-${stage}-use1-aurora-restore-test` },
        }),
      );
      expect(machine).toHaveLength(1);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: Match.anyValue() },
        Targets: [
          Match.objectLike({
            Arn: { Ref: machine[0] },
            InputTransformer: Match.objectLike({
              InputPathsMap: {
                'detail-restoreJobId': '$.detail.restoreJobId',
                'detail-status': '$.detail.status',
                'detail-resourceType': '$.detail.resourceType',
              },
            }),
          }),
        ],
      });
      // A failed check ends the run Failed: the failed-runs alarm watches this state machine.
      const failures = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Metadata: { 'aws:cdk:path': Match.stringLikeRegexp('/Alarms/AuroraRestoreTestFailures/Resource$') },
        }),
      );
      expect(failures).toHaveLength(1);
      expect(JSON.stringify(failures[0])).toContain(machine[0]);
    } else {
      template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    }
  });

  test.each(['primary', 'secondary'] as const)(
    "%s: the daily check's alarms page where its backups are missing, never for a skip",
    (role) => {
      const { template, stack } = setup(stage, role);
      const alarms = resources(template, 'AWS::CloudWatch::Alarm');
      const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
      const dimensions = [
        { Name: 'region', Value: stack.region },
        { Name: 'service', Value: 'integrity-check' },
        { Name: 'stage', Value: stage },
      ];
      // A run that checked: a rate under 100 pages. A skip adds no rate, so a day without one is quiet.
      const rate = byMetric('backup_success_rate').filter((a) => JSON.stringify(a).includes('integrity-check'));
      expect(rate).toEqual([
        expect.objectContaining({
          Properties: expect.objectContaining({
            Namespace: 'AsyncToolformer/DR',
            Dimensions: dimensions,
            Threshold: 100,
            ComparisonOperator: 'LessThanThreshold',
            TreatMissingData: 'notBreaching',
          }),
        }),
      ]);
      // Every run, acting or skipping, adds backup_job_skipped: a day without any is a check that did not run.
      expect(byMetric('backup_job_skipped')).toEqual([
        expect.objectContaining({
          Properties: expect.objectContaining({
            Namespace: 'AsyncToolformer/DR',
            Dimensions: dimensions,
            Statistic: 'SampleCount',
            Period: 86400,
            Threshold: 1,
            ComparisonOperator: 'LessThanThreshold',
            TreatMissingData: 'breaching',
          }),
        }),
      ]);
      for (const alarm of [...rate, ...byMetric('backup_job_skipped')]) {
        expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/Alertscritical/);
      }
    },
  );

  test("the plan's critical alerts: recovery test results and function health", () => {
    const { template } = setup(stage, 'primary');
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
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

describe.each(STAGES)("%s: region failover (the plan's Disaster Scenario 1)", (stage) => {
  const machineName = (role: RegionRole) =>
    `async-toolformer-${stage}-${role === 'primary' ? 'use1' : 'usw2'}-region-failover`;
  const failoverMachine = (template: Template, role: RegionRole) =>
    resources(template, 'AWS::StepFunctions::StateMachine').find(
      (machine) => machine.Properties.StateMachineName === machineName(role),
    );
  const triggerRules = (template: Template) =>
    resources(template, 'AWS::Events::Rule').filter((rule) =>
      String(rule.Properties.Name).endsWith('region-failover-trigger'),
    );

  test.each(['primary', 'secondary'] as const)(
    '%s: can activate itself, and the CLI finds the state machine by a fixed parameter name',
    (role) => {
      const { template, config } = setup(stage, role);
      const machine = failoverMachine(template, role);
      expect(machine).toBeDefined();
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `/async-toolformer/${stage}/failover/state-machine-arn`,
        Value: { Ref: Match.stringLikeRegexp('^RegionFailover') },
      });
      const definition = JSON.stringify(machine!.Properties.DefinitionString);
      expect(definition).toContain('rds:failoverGlobalCluster');
      // The cache is promoted only where the stage keeps a Global Datastore.
      expect(definition.includes('elasticache:failoverGlobalReplicationGroup')).toBe(config.cache.globalDatastore);
    },
  );

  test('only the secondary fails over on its own, when both signals of the decision agree (its activate composite alarm)', () => {
    expect(triggerRules(setup(stage, 'primary').template)).toEqual([]);
    const { template } = setup(stage, 'secondary');
    const [rule, ...others] = triggerRules(template);
    expect(others).toEqual([]);
    const activate = Object.keys(
      template.findResources('AWS::CloudWatch::CompositeAlarm', {
        Properties: { AlarmName: Match.stringLikeRegexp('-failover-activate$') },
      }),
    );
    expect(activate).toHaveLength(1);
    // The composite's rule, built from the decision table, is tested in failover-decision.test.ts.
    expect((rule!.Properties.EventPattern as { resources: unknown[] }).resources).toEqual([
      { 'Fn::GetAtt': [activate[0], 'Arn'] },
    ]);
  });

  test.each(['primary', 'secondary'] as const)('%s: a failed, timed-out or aborted failover pages critical', (role) => {
    const { template } = setup(stage, role);
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').filter((alarm) =>
      JSON.stringify(alarm.Properties.AlarmDescription).startsWith(
        '{"Fn::Join":["",["Recovery procedure failure: a run of "',
      ),
    );
    const failover = alarms.filter((alarm) => JSON.stringify(alarm.Properties.Metrics).includes('RegionFailover'));
    expect(failover).toHaveLength(1);
    const metrics = JSON.stringify(failover[0]!.Properties.Metrics);
    for (const name of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) expect(metrics).toContain(name);
    expect(JSON.stringify(failover[0]!.Properties.AlarmActions)).toMatch(/Alertscritical/);
    // In the secondary, a trigger event that never started a run pages too.
    const deadLetters = resources(template, 'AWS::CloudWatch::Alarm').filter(
      (alarm) =>
        alarm.Properties.AlarmDescription ===
        'Recovery procedure failure: the failover trigger could not start the region failover after every retry',
    );
    expect(deadLetters).toHaveLength(role === 'secondary' ? 1 : 0);
  });
});

test('without autoFailover neither region starts a failover on its own', () => {
  // Construction only, no synth: the trigger is decided when the stacks are built.
  const config = loadConfig({ stage: 'prod' });
  const stacks = buildDrApp(newApp(), { ...config, automation: { ...config.automation, autoFailover: false } });
  for (const role of ['primary', 'secondary'] as const) {
    expect(stacks[role].automation.failover.trigger).toBeUndefined();
    expect(stacks[role].automation.failover.stateMachine).toBeDefined();
  }
  // The decision's signals and the fence stay: an operator's activation still raises the fence.
  expect(stacks.secondary.automation.signals?.fenceAlarm).toBeDefined();
});
