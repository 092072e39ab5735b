// The application game day: the orchestrator's rollout restart, the newest cache export restored into a temporary group, the cache warmed up, and the region's endpoint health read from Route 53.
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { GAME_DAY_STEPS } from '../../contract/game-days';
import { failInto, failedStep, jsonata, literal, stepDone, stepFailed, type GameDayContext } from './steps';

/** Between two reads of the health check's status: the health step's resolution. */
const HEALTH_POLL = Duration.seconds(30);
/**
 * Route 53 calls an endpoint healthy when more than 18% of its checkers see it healthy.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
const HEALTHY_SHARE = 0.18;

/** The three recovery jobs the game day runs as nested executions, by their fixed names, and what it verifies. */
export interface ApplicationTarget {
  /** The Compute stack's rollout restart (`dr restart`), a SteppedJob. */
  readonly rolloutRestart: sfn.IStateMachine;
  /** The restore test of the cache exports deployed in this region for the game day (RedisRestoreTestJob). */
  readonly cacheRestore: sfn.IStateMachine;
  /** The Automation stack's cache warm-up (`dr warm-cache`). */
  readonly cacheWarmUp: sfn.IStateMachine;
  /** The manifest the warm-up loads, under `warm-up/` of the region's cache backup bucket (`gameDays.warmUpManifest`). */
  readonly warmUpManifest: string;
  /**
   * Why the warm-up is not run, when it cannot be: in a stage with a Global Datastore the
   * secondary's group is a read-only member, and a warm-up there would fail on its first write
   * without testing anything. The run records the reason as a fact, and the result says the
   * warm-up was not exercised (never a silent skip).
   * @default - the warm-up runs
   */
  readonly warmUpNotExercised?: string;
  /** The regional name of this region's API, whose Route 53 health check the verification reads. */
  readonly endpointName: string;
  /** The health check's path, which identifies the endpoint check among the checks of that name. */
  readonly healthPath: string;
  /** How long the endpoint may take to be healthy again after the restart before the step fails. */
  readonly healthTimeout: Duration;
}

/** A nested run of `machine` as `dr restart` / `dr warm-cache` / the weekly schedule start it, waited for (RUN_JOB). */
function nested(
  context: GameDayContext,
  id: string,
  step: string,
  machine: sfn.IStateMachine,
  input: Record<string, unknown>,
  detail: string,
  next: sfn.IChainable,
): sfn.IChainable {
  const task = tasks.StepFunctionsStartExecution.jsonata(context.scope, id, {
    stateMachine: machine,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    associateWithParent: true,
    input: sfn.TaskInput.fromObject(input),
    assign: stepDone(step, `'nested execution ' & $states.result.ExecutionArn & ' ' & $states.result.Status${detail}`),
  });
  // A failed job is recorded and the next one still runs: each step is its own finding, and the health is read at the end whatever happened.
  failInto(task, step, next);
  return task.next(next);
}

/** Route 53's view of the endpoint, read until it is healthy or the timeout passes. */
function healthVerification(context: GameDayContext, target: ApplicationTarget, tail: sfn.IChainable): sfn.IChainable {
  const { scope } = context;
  const { health } = GAME_DAY_STEPS.application;
  const name = target.endpointName.replace(/'/g, '');
  const checks = `$states.result.HealthChecks[HealthCheckConfig.FullyQualifiedDomainName = '${name}' and HealthCheckConfig.ResourcePath = '${target.healthPath.replace(/'/g, '')}']`;
  const find = tasks.CallAwsService.jsonata(scope, 'FindHealthCheck', {
    comment: `The Route 53 health check of ${name}: its id is generated, so it is found by the name and path it checks`,
    service: 'route53',
    action: 'listHealthChecks',
    // One page of up to 1000 checks: the account's checks are a handful per stage, far from a second page.
    parameters: { MaxItems: '1000' },
    // ListHealthChecks has no resource-level permissions.
    iamResources: ['*'],
    iamAction: 'route53:ListHealthChecks',
    assign: {
      healthCheckId: jsonata(`$exists(${checks}[0].Id) ? ${checks}[0].Id : null`),
      healthDeadline: jsonata(`$millis() + ${target.healthTimeout.toMilliseconds()}`),
    },
  });
  find.addRetry({ maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 });
  failInto(find, health, tail);
  const missing = failedStep(
    context,
    'NoHealthCheck',
    health,
    `no Route 53 health check of https://${name}${target.healthPath} (ListHealthChecks)`,
    tail,
  );
  const observations = '$states.result.HealthCheckObservations';
  const read = tasks.CallAwsService.jsonata(scope, 'ReadHealthCheckStatus', {
    comment: `Route 53 health checkers' last observations of ${name}: healthy when more than ${HEALTHY_SHARE * 100}% report Success, as Route 53 decides`,
    service: 'route53',
    action: 'getHealthCheckStatus',
    parameters: { HealthCheckId: jsonata('$healthCheckId') },
    // The check's id is generated at deploy time: any health check of the account, read only.
    iamResources: ['arn:aws:route53:::healthcheck/*'],
    iamAction: 'route53:GetHealthCheckStatus',
    assign: {
      checkers: jsonata(`$count(${observations})`),
      healthyCheckers: jsonata(`$count(${observations}[$substring(StatusReport.Status, 0, 7) = 'Success'])`),
      lastStatus: jsonata(`$string(${observations}[0].StatusReport.Status)`),
    },
  });
  read.addRetry({ maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 });
  failInto(read, health, tail);
  const evidence = `'GetHealthCheckStatus of ' & $healthCheckId & ' (https://${name}${target.healthPath}): ' & $string($healthyCheckers) & ' of ' & $string($checkers) & ' checkers report Success'`;
  const healthy = sfn.Pass.jsonata(scope, 'EndpointHealthy', {
    assign: stepDone(health, evidence),
  }).next(tail);
  const unhealthy = sfn.Pass.jsonata(scope, 'EndpointNotHealthy', {
    assign: stepFailed(
      health,
      `${evidence} & '; not healthy ${target.healthTimeout.toHumanString()} after the recovery steps; last: ' & $lastStatus`,
    ),
  }).next(tail);
  const wait = sfn.Wait.jsonata(scope, 'WaitForHealthy', { time: sfn.WaitTime.duration(HEALTH_POLL) });
  wait.next(read);
  read.next(
    sfn.Choice.jsonata(scope, 'EndpointHealthy?')
      .when(
        sfn.Condition.jsonata(jsonata(`$checkers > 0 and $healthyCheckers / $checkers > ${HEALTHY_SHARE}`)),
        healthy,
      )
      .when(sfn.Condition.jsonata(jsonata('$millis() > $healthDeadline')), unhealthy)
      .otherwise(wait),
  );
  find.next(
    sfn.Choice.jsonata(scope, 'HealthCheckFound?')
      .when(sfn.Condition.jsonata(jsonata("$type($healthCheckId) = 'string'")), read)
      .otherwise(missing),
  );
  return find;
}

/**
 * The application game day's steps, each timed: the rollout restart, the cache restore, the warm-up
 * (or the reason it is not exercised), then the health verification; every step's failure is recorded
 * and the next step still runs.
 */
export function applicationSteps(
  context: GameDayContext,
  target: ApplicationTarget,
  tail: sfn.IChainable,
): sfn.IChainable {
  const { restart, restore, warmUp } = GAME_DAY_STEPS.application;
  const health = healthVerification(context, target, tail);
  const afterRestore = target.warmUpNotExercised
    ? sfn.Pass.jsonata(context.scope, 'WarmUpNotExercised', {
        comment: 'The secondary cache group is a read-only Global Datastore member: recorded, not run',
        assign: {
          facts: jsonata(`$merge([$facts, {'warmUpNotExercised': ${literal(target.warmUpNotExercised)}}])`),
          // The skip takes no time of the health step.
          stepStartedAt: jsonata('$millis()'),
        },
      }).next(health)
    : nested(
        context,
        'CacheWarmUp',
        warmUp,
        target.cacheWarmUp,
        // As dr warm-cache --manifest starts it.
        { phase: 'start', manifestKey: target.warmUpManifest },
        " & '; ' & $string($states.result.Output.verdict.detail)",
        health,
      );
  const restoreRun = nested(
    context,
    'CacheRestore',
    restore,
    target.cacheRestore,
    // As the weekly schedule starts the restore test.
    { phase: 'start' },
    " & '; ' & $string($states.result.Output.verdict.detail)",
    afterRestore,
  );
  return nested(
    context,
    'RolloutRestart',
    restart,
    target.rolloutRestart,
    // As dr restart starts it: the run's start time is the patched restartedAt, the same on a retried first step.
    { phase: 'start', restartedAt: jsonata('$states.context.Execution.StartTime') },
    " & '; ' & $string($count($states.result.Output.pods)) & ' pods listed'",
    restoreRun,
  );
}
