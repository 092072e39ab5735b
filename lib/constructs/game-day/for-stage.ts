// The game days of a stage as its config asks for them: names, timings, the approval in prod and the resources of the secondary region they run against.
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DrConfig, RegionConfig } from '../../config';
import { GAME_DAY_IDS, type GameDayId } from '../../contract/game-days';
import {
  clusterIdentifier,
  globalClusterIdentifier,
  regionalApiDomainName,
  scheduleName,
  stageLabel,
  stateMachineName,
  statusDomainName,
} from '../../naming';
import { REDIS_RESTORE_TEST_JOB } from '../automation/redis-restore-test-job';
import { strictestCriticalRto, type AutomationAlarms } from '../automation-alarms';
import { HEALTH_PATH } from '../orchestrator-workload';
import { GameDays, type GameDayPaging } from '.';

/** The region failover's own poll and promotion timeout (lib/constructs/region-failover/props.ts defaults). */
const POLL = Duration.seconds(15);
const MOVE_TIMEOUT = Duration.minutes(15);
/** How long the endpoint may take to be healthy after the application game day's recovery steps: the promotion's bound. */
const HEALTH_TIMEOUT = Duration.minutes(15);

/** What the secondary region's Automation stack hands the game days. */
export interface StageGameDaysProps {
  readonly config: DrConfig;
  /** The secondary region, where the game days run (the region failover's switchover and failback run there). */
  readonly regionConfig: RegionConfig;
  readonly primaryRegion: RegionConfig;
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  readonly regionFailover: sfn.IStateMachine;
  readonly paging: GameDayPaging;
  readonly highTopic: sns.ITopic;
  readonly highTopicKey: kms.IKey;
  readonly encryptionKey: kms.IKey;
  readonly alarms: AutomationAlarms;
}

/** The game days, or none when the stage does not run them (prod unless enabled; then every run waits for approval). */
export function stageGameDays(scope: Construct, props: StageGameDaysProps): GameDays | undefined {
  const { config, regionConfig, primaryRegion } = props;
  if (!config.gameDays.enabled || regionConfig.role !== 'secondary') return undefined;
  const byGameDay = <T>(value: (id: GameDayId) => T) =>
    Object.fromEntries(GAME_DAY_IDS.map((id) => [id, value(id)])) as Record<GameDayId, T>;
  return new GameDays(scope, 'GameDays', {
    stage: config.stage,
    stageLabel: stageLabel(config),
    settings: config.gameDays,
    requireApproval: config.stage === 'prod',
    stateMachineNames: byGameDay((id) => stateMachineName(config, regionConfig, `game-day-${id}`)),
    scheduleNames: {
      ...byGameDay((id) => scheduleName(config, `game-day-${id}`)),
      audit: scheduleName(config, 'game-day-audit'),
    },
    scheduleGroup: props.scheduleGroup,
    scheduleDeadLetterQueue: props.scheduleDeadLetterQueue,
    scheduleRetryAttempts: config.automation.scheduleRetryAttempts,
    scheduleMaxEventAge: config.automation.scheduleMaxEventAge,
    primaryRegion: primaryRegion.region,
    globalCluster: {
      globalClusterIdentifier: globalClusterIdentifier(config),
      secondaryClusterIdentifier: clusterIdentifier(config, regionConfig),
      primaryClusterIdentifier: clusterIdentifier(config, primaryRegion),
      pollInterval: POLL,
      moveTimeout: MOVE_TIMEOUT,
    },
    regionFailover: props.regionFailover,
    application: {
      stateMachineNames: {
        rolloutRestart: stateMachineName(config, regionConfig, 'rollout-restart'),
        cacheRestore: stateMachineName(config, regionConfig, REDIS_RESTORE_TEST_JOB),
        cacheWarmUp: stateMachineName(config, regionConfig, 'cache-warm-up'),
      },
      warmUpManifest: config.gameDays.warmUpManifest,
      // A Global Datastore's secondary member is read-only: no warm-up can write there (docs/runbooks/game-days.md).
      ...(config.cache.globalDatastore
        ? {
            warmUpNotExercised: `cache.globalDatastore is on: the group in ${regionConfig.region} is a read-only member of the Global Datastore, so the warm-up cannot write there; the cache warm-up is exercised where the stage has no Global Datastore (staging), and by dr warm-cache after a failover`,
          }
        : {}),
      endpointName: regionalApiDomainName(config, regionConfig),
      healthPath: HEALTH_PATH,
      healthTimeout: HEALTH_TIMEOUT,
    },
    paging: props.paging,
    highTopic: props.highTopic,
    highTopicKey: props.highTopicKey,
    encryptionKey: props.encryptionKey,
    recoveryObjective: strictestCriticalRto(config.objectives),
    statusComponents: config.objectives.map(({ component, name }) => ({ id: component, name })),
    statusDomainName: statusDomainName(config),
    alarms: props.alarms,
  });
}
