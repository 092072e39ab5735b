// The recovery model of a built stage: evidence read off its stacks, then each objective's RTO and RPO.
import type { DrConfig } from '../config';
import type { DrStacks } from '../dr-app';
import { REDIS_EXPORT_SCHEDULE_IDS } from '../stacks/automation-stack';
import { readEvidence, type RecoveryEvidence } from './evidence';
import type { Measurements } from './measurements';
import { recoveryModel, type ComponentModel } from './model';

export * from './estimate';
export * from './evidence';
export * from './model';
export * from './measurements';
export { SERVICE_TIMINGS, type ServiceTiming, type ServiceTimingId } from './service-timings';
export { longestGap } from './cron-interval';

/** The model of a stage and the evidence it was computed from. */
export interface StageRecovery {
  readonly evidence: RecoveryEvidence;
  readonly components: readonly ComponentModel[];
}

/** Reads the evidence off `stacks` and models every objective of `config`, measured timings replacing the table's. */
export function modelStage(config: DrConfig, stacks: DrStacks, measurements?: Measurements): StageRecovery {
  const { failover, signals } = stacks.secondary.automation;
  const evidence = readEvidence(stacks, {
    redisExportScheduleIds: REDIS_EXPORT_SCHEDULE_IDS,
    // Only a trigger rule makes the decision start anything; without one the runbook is manual.
    ...(failover.trigger && signals
      ? {
          failoverDecision: {
            probe: stacks.secondary.compute.peerProbe.failoverAlarm,
            route53View: signals.route53ViewAlarm,
            ...(failover.cacheActivateDeadline
              ? {
                  cacheActivateDeadline: {
                    seconds: failover.cacheActivateDeadline.toSeconds(),
                    path: failover.node.path,
                  },
                }
              : {}),
          },
        }
      : {}),
  });
  return { evidence, components: recoveryModel(config, evidence, measurements) };
}
