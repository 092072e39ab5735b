// Lambda entry of the Redis backup steps: Step Functions passes the last state in and waits between calls.
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { redisConnector } from '../shared/cache-session';
import { readEnvironment, requirePositiveInteger } from '../shared/env';
import { runBackupStep } from '../shared/job-outcome';
import { createObservability } from '../shared/observability';
import { MalformedEventError } from '../shared/scheduled-event';
import {
  advance,
  type BackupState,
  type ExportLock,
  type RedisBackupDeps,
  type RedisBackupSettings,
} from './redis-backup';
import { FUNCTIONS, REDIS_BACKUP_LOCK_ENV } from '../../lib/contract';

const env = readEnvironment(FUNCTIONS.redisBackup);
const observability = createObservability(FUNCTIONS.redisBackup);
const { logger } = observability;
const deps: RedisBackupDeps = {
  elasticache: new ElastiCacheClient({}),
  rds: new RDSClient({}),
  s3: new S3Client({}),
  ssm: new SSMClient({}),
  secrets: new SecretsManagerClient({}),
  cache: redisConnector(),
  now: () => new Date(),
};
/** The lock mode from the environment; anything else stops the function at cold start, before it exports unlockable backups. */
function lockMode(value: string): ExportLock['mode'] {
  if (value === 'governance' || value === 'compliance') return value === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE';
  throw new Error(`${REDIS_BACKUP_LOCK_ENV.mode} must be governance or compliance, got ${JSON.stringify(value)}`);
}

const settings: RedisBackupSettings = {
  replicationGroupId: env.REPLICATION_GROUP_ID,
  bucket: env.BACKUP_BUCKET,
  resultParameter: env.RESULT_PARAMETER_NAME,
  stage: env.STAGE,
  authTokenSecretName: env.CACHE_AUTH_SECRET_NAME,
  objectLock: { mode: lockMode(env.OBJECT_LOCK_MODE), days: requirePositiveInteger(REDIS_BACKUP_LOCK_ENV.days) },
  primary: {
    replicationGroupId: env.REPLICATION_GROUP_ID,
    region: env.AWS_REGION,
    peerRegion: env.PEER_REGION,
    // Without a Global Datastore every group is standalone: the active region's is the one in use.
    ...(env.STANDALONE_CACHE_FOLLOWS_WRITER === 'true'
      ? {
          standaloneFollows: {
            globalClusterIdentifier: env.GLOBAL_CLUSTER_IDENTIFIER,
            clusterIdentifier: env.CLUSTER_IDENTIFIER,
            region: env.AWS_REGION,
          },
        }
      : {}),
  },
};

const PHASES = new Set(['start', 'snapshotting', 'exporting', 'done']);

/** Validates the state Step Functions hands in; anything else is refused before AWS is called. */
export function parseState(event: unknown): BackupState {
  const state = event as Partial<Record<string, unknown>> | null;
  if (typeof state !== 'object' || state === null || !PHASES.has(String(state.phase))) {
    throw new MalformedEventError(`expected a backup state with a phase, got ${JSON.stringify(event)}`);
  }
  if (state.kind !== 'daily' && state.kind !== 'weekly') {
    throw new MalformedEventError(`kind must be daily or weekly, got ${JSON.stringify(state.kind)}`);
  }
  if (state.phase !== 'start' && (typeof state.snapshotName !== 'string' || typeof state.exportName !== 'string')) {
    throw new MalformedEventError(`phase ${String(state.phase)} needs snapshotName and exportName`);
  }
  // The sentinel the run wrote travels with it: the verify step records it next to the export.
  const sentinel = state.sentinel as Partial<Record<string, unknown>> | undefined;
  if (
    (state.phase === 'snapshotting' || state.phase === 'exporting') &&
    (typeof sentinel?.writtenAt !== 'string' ||
      typeof sentinel.checksum !== 'string' ||
      typeof sentinel.key !== 'string' ||
      typeof sentinel.keys !== 'number' ||
      typeof sentinel.persistentKeys !== 'number')
  ) {
    throw new MalformedEventError(`phase ${String(state.phase)} needs the sentinel the run wrote`);
  }
  return state as unknown as BackupState;
}

export async function handler(event: unknown): Promise<BackupState> {
  const state = parseState(event);
  // The first step decides where the run acts; the step that finishes it, or any that fails, reports backup_success_rate.
  return runBackupStep(observability, state.phase, async () => {
    const next = await advance(deps, settings, state);
    logger.info('redis backup step', { from: state.phase, to: next.phase, state: next });
    // Housekeeping that failed does not fail the backup, but it is never silent.
    if ('snapshotPrune' in next && next.snapshotPrune.failures > 0) {
      logger.warn('redis backup: old snapshots not deleted', {
        snapshot_prune_failures: next.snapshotPrune.failures,
        errors: next.snapshotPrune.errors,
      });
    }
    return next;
  });
}
