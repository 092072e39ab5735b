// Lambda entry of the weekly Aurora full backup steps: Step Functions passes the last state in and waits between calls.
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { runBackupStep } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { MalformedEventError } from '../shared/scheduled-event';
import {
  advance,
  RUN_PHASES,
  type AuroraBackupDeps,
  type AuroraBackupSettings,
  type AuroraBackupState,
} from './aurora-full-backup';
import { FUNCTIONS } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.weeklyAuroraBackup);
const observability = createObservability(FUNCTIONS.weeklyAuroraBackup);
const { logger } = observability;
const deps: AuroraBackupDeps = { rds: new RDSClient({}), ssm: new SSMClient({}), now: () => new Date() };
const settings: AuroraBackupSettings = {
  clusterIdentifier: env.CLUSTER_IDENTIFIER,
  latestSnapshotIdentifier: env.LATEST_SNAPSHOT_IDENTIFIER,
  aliasParameter: env.ALIAS_PARAMETER_NAME,
  retentionDays: requirePositiveInteger('RETENTION_DAYS', env),
  ownerTag: { key: env.OWNER_TAG_KEY, value: env.OWNER_TAG_VALUE },
  writer: {
    globalClusterIdentifier: env.GLOBAL_CLUSTER_IDENTIFIER,
    clusterIdentifier: env.CLUSTER_IDENTIFIER,
    region: env.AWS_REGION,
  },
};

/** Validates the state Step Functions hands in; anything else is refused before AWS is called. */
export function parseState(event: unknown): AuroraBackupState {
  const state = event as Partial<Record<string, unknown>> | null;
  if (typeof state !== 'object' || state === null) {
    throw new MalformedEventError(`expected a weekly backup state, got ${JSON.stringify(event)}`);
  }
  if (state.phase === 'start') return { phase: 'start' };
  if (
    (RUN_PHASES as readonly unknown[]).includes(state.phase) &&
    typeof state.snapshotIdentifier === 'string' &&
    Array.isArray(state.expired)
  ) {
    return state as unknown as AuroraBackupState;
  }
  throw new MalformedEventError(`not a weekly backup state: ${JSON.stringify(event)}`);
}

export async function handler(event: unknown): Promise<AuroraBackupState> {
  const state = parseState(event);
  // The first step decides where the run acts; the step that finishes it, or any that fails, reports backup_success_rate.
  return runBackupStep(observability, state.phase, async () => {
    const next = await advance(deps, settings, state);
    logger.info('weekly full backup step', { from: state.phase, to: next.phase, state: next });
    return next;
  });
}
