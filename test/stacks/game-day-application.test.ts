// The application game day as synthesized: MON#3 in staging's secondary, the rollout restart, cache restore and warm-up as nested runs by their fixed names, the restore test deployed there for it alone, and its role scoped to those machines.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { GAME_DAYS } from '../../lib/contract';
import { synthStage } from '../helpers/synth';

type Resource = { Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];

const staging = synthStage('staging');
const secondary = staging.template(staging.stack('secondary', 'Automation').stackName);
const primary = staging.template(staging.stack('primary', 'Automation').stackName);
const region = staging.stack('secondary', 'Automation').region;
const code = region === 'us-west-2' ? 'usw2' : region;
const NAME = (job: string) => `async-toolformer-staging-${code}-${job}`;
const application = GAME_DAYS.find((day) => day.id === 'application')!;

const machineNamed = (template: Template, name: string) =>
  Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(
    ([, r]) => (r as Resource).Properties.StateMachineName === name,
  );
/** The definition with its tokens as `TOKEN`, parsed. */
function definition(resource: Resource): { States: Record<string, Record<string, unknown>>; StartAt: string } {
  const joined = resource.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  return JSON.parse(joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
    States: Record<string, Record<string, unknown>>;
    StartAt: string;
  };
}
const [machineId, machine] = machineNamed(secondary, NAME('game-day-application'))! as [string, Resource];
const states = definition(machine).States;

test('the application game day runs on the third Monday at the configured time (UTC)', () => {
  const { hour, minute } = staging.config.gameDays;
  expect(application.week).toBe(3);
  secondary.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: 'async-toolformer-staging-game-day-application',
    ScheduleExpression: `cron(${minute} ${hour} ? * MON#3 *)`,
    ScheduleExpressionTimezone: 'Etc/UTC',
    Target: Match.objectLike({ Input: JSON.stringify({ gameDay: 'application' }) }),
  });
});

test('it starts the rollout restart, the cache restore and the warm-up as nested runs, in that order, then reads the health check', () => {
  const nested = (id: string) => states[id]!;
  for (const id of ['RolloutRestart', 'CacheRestore', 'CacheWarmUp']) {
    expect(nested(id)).toMatchObject({ Type: 'Task', Resource: 'arn:TOKEN:states:::states:startExecution.sync:2' });
    expect(JSON.stringify(nested(id).Arguments)).toContain('AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID');
  }
  expect(nested('RolloutRestart').Next).toBe('CacheRestore');
  expect(nested('CacheRestore').Next).toBe('CacheWarmUp');
  expect(nested('CacheWarmUp').Next).toBe('FindHealthCheck');
  // A failed job is recorded as its step and the next one still runs.
  expect((nested('RolloutRestart').Catch as { Next: string }[])[0]!.Next).toBe('CacheRestore');
  // As dr restart, the weekly schedule and dr warm-cache --manifest start them.
  expect((nested('RolloutRestart').Arguments as { Input: Record<string, unknown> }).Input).toMatchObject({
    phase: 'start',
    restartedAt: '{% $states.context.Execution.StartTime %}',
  });
  expect((nested('CacheRestore').Arguments as { Input: Record<string, unknown> }).Input).toMatchObject({
    phase: 'start',
  });
  expect((nested('CacheWarmUp').Arguments as { Input: Record<string, unknown> }).Input).toMatchObject({
    phase: 'start',
    manifestKey: staging.config.gameDays.warmUpManifest,
  });
  expect(states.FindHealthCheck).toMatchObject({ Resource: 'arn:TOKEN:states:::aws-sdk:route53:listHealthChecks' });
  expect(states.ReadHealthCheckStatus).toMatchObject({
    Resource: 'arn:TOKEN:states:::aws-sdk:route53:getHealthCheckStatus',
  });
  expect(JSON.stringify(states.FindHealthCheck)).toContain(`api-${code}.`);
});

test('the nested machines are reached by their fixed names in this region', () => {
  const text = JSON.stringify(machine.Properties.DefinitionString);
  for (const job of ['rollout-restart', 'redis-restore-test', 'cache-warm-up'])
    expect(text).toContain(`:stateMachine:${NAME(job)}`);
});

test('the restore test of the replicated exports is deployed in the secondary only while game days are on, without a schedule', () => {
  const restore = machineNamed(secondary, NAME('redis-restore-test'));
  expect(restore).toBeDefined();
  const names = resources(secondary, 'AWS::Scheduler::Schedule').map((r) => String(r.Properties.Name));
  expect(names.filter((name) => name.includes('restore-test'))).toEqual([]);
  // It restores the primary's exports, which replicate to this region's bucket under their keys.
  const primaryGroup = `async-toolformer-staging-${staging.stack('primary', 'Automation').region === 'us-east-1' ? 'use1' : ''}`;
  const fn = resources(secondary, 'AWS::Lambda::Function').find(
    (r) =>
      (r.Properties.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME ===
      'redis-restore-test',
  )!;
  const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
  expect(env.EXPORT_PREFIX.startsWith(primaryGroup)).toBe(true);
  expect(env.BACKUP_BUCKET).toContain(code);
  // The primary keeps its weekly restore test at its deployed logical ids.
  expect(machineNamed(primary, `async-toolformer-staging-use1-redis-restore-test`)![0]).toBe(
    'redisrestoretestJob3299965C',
  );
  const prod = synthStage('prod');
  const prodSecondary = prod.template(prod.stack('secondary', 'Automation').stackName);
  expect(
    resources(prodSecondary, 'AWS::StepFunctions::StateMachine').filter((r) =>
      String(r.Properties.StateMachineName).includes('restore-test'),
    ),
  ).toEqual([]);
});

test("the game day's role starts only those three machines and follows only their executions", () => {
  const policies = resources(secondary, 'AWS::IAM::Policy').filter((r) =>
    JSON.stringify(r.Properties.Roles).includes(machineId.replace(/[0-9A-F]{8}$/, '')),
  );
  const statements = policies.flatMap(
    (r) => (r.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
  );
  const resourcesOf = (action: string) =>
    statements
      .filter((statement) => [statement.Action].flat().includes(action))
      .flatMap((statement) => [statement.Resource].flat())
      .map((resource) => JSON.stringify(resource));
  const started = resourcesOf('states:StartExecution');
  expect(started).toHaveLength(3);
  for (const job of ['rollout-restart', 'redis-restore-test', 'cache-warm-up']) {
    expect(started.some((arn) => arn.includes(`:stateMachine:${NAME(job)}`))).toBe(true);
    expect(resourcesOf('states:DescribeExecution').some((arn) => arn.includes(`:execution:${NAME(job)}*`))).toBe(true);
  }
  expect(resourcesOf('states:DescribeExecution')).toHaveLength(3);
  expect(resourcesOf('states:StopExecution')).toHaveLength(3);
  expect(resourcesOf('events:PutTargets')).toEqual([
    expect.stringContaining('rule/StepFunctionsGetEventsForStepFunctionsExecutionRule'),
  ]);
  expect(resourcesOf('route53:GetHealthCheckStatus')).toEqual(['"arn:aws:route53:::healthcheck/*"']);
  expect(resourcesOf('route53:ListHealthChecks')).toEqual(['"*"']);
});
