// The third Monday's game day in the drill: its state machine as synthesized starts the rollout restart, the cache restore and the warm-up as nested runs, then reads Route 53's health check; once healthy, once with the check failing.
import { GAME_DAY_STEPS, type GameDayId, type GameDayResult } from '../../../lib/contract/game-days';
import { loadConfig, type Stage } from '../../../lib/config';
import { failoverAlarmNames } from '../../../lib/naming';
import { finishRun, startExecution, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import type { SeededStateMachine } from '../world';
import {
  JOBS,
  WARM_KEYS,
  alarmState,
  healthCheckOf,
  nestedRuns,
  queueInvocations,
  status,
  timedInOrder,
  uploadManifest,
  warmKeys,
} from './game-day-application-facts';
import { recorded, RECORDER_IN_THE_RUN } from './game-day-recorder';

/** What game-days.ts shares with this scenario (passed in, so the two modules do not import each other). */
export interface GameDayKit {
  start(context: ScenarioContext, gameDay: GameDayId): Promise<{ machine: SeededStateMachine; executionArn: string }>;
  resultChecks(result: GameDayResult | undefined, steps: readonly string[]): Check[];
}

const { application, monitoringCheck } = GAME_DAY_STEPS;

const SIMULATED_STEPS =
  "the rollout restart's and the restore test's Lambda steps: the drill server runs no Lambda code, so each invocation of their step functions is answered with a scripted state (moto's lambda-simple result queue), in the phases the real handlers go through (rolling → done with pods; restoring → cleaning → done with a passed verdict); their handlers are drilled elsewhere (recovery-jobs: dr restart against a fake Kubernetes API) or tested against moto (the restore test). Each nested run's Step, Done? and Wait loop, its start with the game day's input and its wait (startExecution.sync:2) run for real. In the failing run the warm-up's steps are scripted too";
const WARM_UP_REAL =
  "the warm-up's steps in the passing run: the real handler (lambda/cache-warm-up) in its own Node process per invocation, with its function's environment as synthesized, reading the manifest the drill uploaded to us-west-2's cache backup bucket and writing to the drill's redis-server (TLS, AUTH) at the address moto gives the secondary's group";

export function applicationScenario(kit: GameDayKit): Scenario {
  return {
    name: 'game-day-application',
    summary:
      "The third Monday's game day: the rollout restart, the restore test of the replicated cache exports and the warm-up run as nested executions in that order, then Route 53's health check of the secondary's endpoint; the result passes backup restoration, service functionality and the objective, and with the health check failing it fails service functionality.",
    async run(context) {
      const checks: Check[] = [];
      const runs: RunRecord[] = [];
      const machine = context.world.stateMachines.find((m) => m.name.endsWith('-game-day-application'));
      if (!machine) throw new Error(`the assembly has no application game day state machine (stage ${context.stage})`);
      const region = machine.region;
      // The endpoint name as the definition finds its check by.
      const endpointName = /FullyQualifiedDomainName = '([^']+)'/.exec(machine.definition)?.[1] ?? '';
      const checkId = await healthCheckOf(context, region, endpointName);
      const config = loadConfig({ stage: context.stage as Stage });
      const secondary = config.regions.find((candidate) => candidate.region === region)!;
      const fenceAlarm = failoverAlarmNames(config, secondary).fence;
      const steps = [application.restart, application.restore, application.warmUp, application.health, monitoringCheck];

      const manifestKey = config.gameDays.warmUpManifest;

      // Healthy: every job succeeds, the warm-up for real, and the endpoint's check reports Success.
      await uploadManifest(context, region, manifestKey);
      await queueInvocations(context, region, manifestKey, true);
      const healthy = await kit.start(context, 'application');
      const run = await finishRun(
        context.client,
        healthy.executionArn,
        'StartExecution {"gameDay":"application"}',
        30_000,
      );
      runs.push(run);
      const healthyRecord = await recorded(context, run);
      const nested = await nestedRuns(context, region, healthy.executionArn);
      checks.push(
        ...healthyRecord.checks,
        expectEqual(
          "the game day's nested runs: the rollout restart, the cache restore, the warm-up, all succeeded",
          nested.map(({ job, status }) => ({ job, status })),
          JOBS.map((job) => ({ job, status: 'SUCCEEDED' })),
        ),
        expectEqual(
          "the warm-up wrote the manifest's keys to the cache",
          await warmKeys(context),
          Object.values(WARM_KEYS),
        ),
        expectThat(
          "the warm-up step's detail is the handler's verdict",
          (healthyRecord.result?.steps.find((step) => step.name === application.warmUp)?.detail ?? '').includes(
            `3 of 3 keys loaded`,
          ),
          healthyRecord.result?.steps.find((step) => step.name === application.warmUp)?.detail ?? 'no result',
        ),
        expectEqual(
          'they were started as dr restart, the weekly schedule and dr warm-cache --manifest start them',
          nested.map(({ input }) => ({ ...input, restartedAt: typeof input.restartedAt })),
          [
            { phase: 'start', restartedAt: 'string' },
            { phase: 'start', restartedAt: 'undefined' },
            { phase: 'start', manifestKey, restartedAt: 'undefined' },
          ],
        ),
        expectThat(
          'the rollout restart was patched with the run start time',
          typeof nested[0]?.input.restartedAt === 'string' &&
            !Number.isNaN(Date.parse(String(nested[0]?.input.restartedAt))),
          String(nested[0]?.input.restartedAt),
        ),
        expectThat(
          'the run read the health check and found the endpoint healthy',
          ['FindHealthCheck', 'ReadHealthCheckStatus', 'EndpointHealthy'].every((step) =>
            run.timeline.some((entry) => entry.step === step),
          ),
          run.timeline.map((entry) => entry.step).join(' → '),
        ),
        ...kit.resultChecks(healthyRecord.result, steps),
        timedInOrder(healthyRecord.result),
        expectEqual(
          'backup restoration: the restore and the warm-up',
          status(healthyRecord.result, 'backup-restoration'),
          'pass',
        ),
        expectEqual(
          'service functionality: Route 53 sees the endpoint healthy',
          status(healthyRecord.result, 'service-functionality'),
          'pass',
        ),
        expectThat(
          'monitoring operational, though the DNS fence alarm has had no datapoint (it waits for a failover: missing data ignored)',
          status(healthyRecord.result, 'monitoring-alerting') === 'pass' &&
            (await alarmState(context, region, fenceAlarm)) === 'INSUFFICIENT_DATA',
          `${String(status(healthyRecord.result, 'monitoring-alerting'))}; ${fenceAlarm} ${await alarmState(context, region, fenceAlarm)}`,
        ),
        expectEqual(
          'performance: every step within the objective',
          status(healthyRecord.result, 'performance-sla'),
          'pass',
        ),
        expectEqual(
          'the run ends Succeeded on the recorded verdict (GameDayPassed)',
          { status: run.status, passed: healthyRecord.result?.passed },
          { status: 'SUCCEEDED', passed: true },
        ),
        expectThat(
          'the evidence names the health check read',
          (
            healthyRecord.result?.checklist.find((item) => item.id === 'service-functionality')?.evidence ?? ''
          ).includes(checkId),
          healthyRecord.result?.checklist.find((item) => item.id === 'service-functionality')?.evidence ?? 'no result',
        ),
      );

      // Failing: the endpoint's health check fails for the whole wait; the other steps as before.
      await queueInvocations(context, region, manifestKey, false);
      await context.client.setHealth({ [checkId]: false });
      const failingArn = await startExecution(
        context.client,
        region,
        machine.arn,
        { gameDay: 'application' },
        'drill-game-day-application-unhealthy',
      );
      const failed = await finishRun(
        context.client,
        failingArn,
        'StartExecution {"gameDay":"application"}, health check failing',
        30_000,
      );
      await context.client.setHealth({ [checkId]: true });
      runs.push(failed);
      const failedRecord = await recorded(context, failed);
      checks.push(
        ...failedRecord.checks,
        expectThat(
          'with the check failing, the run waited out its timeout and recorded the step failed',
          failed.timeline.some((entry) => entry.step === 'EndpointNotHealthy') &&
            !failed.timeline.some((entry) => entry.step === 'EndpointHealthy'),
          `${failed.timeline.filter((entry) => entry.step === 'ReadHealthCheckStatus').length} reads of the health check, then ${failed.timeline
            .slice(-4)
            .map((entry) => entry.step)
            .join(' → ')}`,
        ),
        expectEqual('service functionality fails', status(failedRecord.result, 'service-functionality'), 'fail'),
        expectEqual('the result fails', failedRecord.result?.passed, false),
        expectEqual(
          'the run ends Failed on the recorded verdict (GameDayFailed)',
          { status: failed.status, error: failed.error },
          { status: 'FAILED', error: 'GameDayFailed' },
        ),
        expectThat(
          'the issue names the health step and what Route 53 reported',
          (failedRecord.result?.issues ?? []).some(
            (issue) => issue.startsWith(`step ${application.health} failed:`) && issue.includes('Failure'),
          ),
          (failedRecord.result?.issues ?? []).join(' | '),
        ),
      );
      return { runs, checks, simulated: [SIMULATED_STEPS, WARM_UP_REAL, RECORDER_IN_THE_RUN] };
    },
  };
}
