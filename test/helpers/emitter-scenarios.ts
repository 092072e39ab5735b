// A success and a failure for each DR function: the fake AWS each run meets and how its trigger invokes it.
import { AURORA_SENTINEL, REDIS_SENTINEL, WARM_UP_MANIFEST, type FunctionName } from '../../lib/contract';
import { snsEvent } from '../../lambda/degraded-mode/fixtures';
import { DEPLOYED, contentOf } from '../../lambda/provider-fallback/fixtures';
import { RDB_MAGIC } from '../../lambda/integrity-check/check-integrity';
import { objectBody } from '../../lambda/integrity-check/fixtures';
import { KubernetesApiError, type KubernetesApi } from '../../lambda/rollout-restart/kubernetes-api';
import type { CacheConnector } from '../../lambda/shared/cache-session';
import { sentinelValue } from '../../lambda/shared/sentinel';
import { healthyCopy, restoredWorld } from '../../lambda/restore-validation/fixtures';
import { awsError, deniedEverywhere, scheduled, stepped, world, type AwsCall, type Scenario } from './emitter-runs';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/contract';
const HOUR_MS = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/** This region holds the Aurora writer (a detached cluster is its own writer) and a standalone cache. */
const writerHere = {
  DescribeGlobalClusters: ({ input }: AwsCall) => ({
    GlobalClusters: [{ GlobalClusterIdentifier: input.GlobalClusterIdentifier, GlobalClusterMembers: [] }],
  }),
  DescribeReplicationGroups: ({ input }: AwsCall) => ({
    ReplicationGroups: [
      { ReplicationGroupId: input.ReplicationGroupId, Status: 'available', NodeGroups: [primaryEndpoint] },
    ],
  }),
};
const keyParameter = { GetParameter: () => ({ Parameter: { Value: KEY } }) };
/** The cache AUTH token, and the group's primary endpoint the sentinel is written to and read from. */
const authToken = { GetSecretValue: () => ({ SecretString: 'contract-token' }) };
const primaryEndpoint = { PrimaryEndpoint: { Address: 'master.contract.cache.amazonaws.com', Port: 6380 } };

/**
 * A cache in memory: `keys` without a TTL. It stands for a group's primary (the backup writes the
 * sentinel into it) or a restored group (the restore test reads it back).
 */
function memoryCache(keys: Map<string, string> = new Map()): CacheConnector {
  return (_endpoint, password, use) =>
    password === 'contract-token'
      ? use({
          set: async (key, value) => void keys.set(key, value),
          get: async (key) => keys.get(key) ?? null,
          counts: async () => ({ keys: keys.size, expires: 0, persistent: keys.size }),
        })
      : Promise.reject(Object.assign(new Error('WRONGPASS'), { name: 'CacheUnreachableError' }));
}
const recorded = { PutParameter: () => ({ Version: 1 }) };
const fresh = (status: string) => ({ Status: status, StorageEncrypted: true, KmsKeyId: KEY });

/** A warm-up manifest of two keys, as S3 hands a versioned object over. */
const warmUpManifest = {
  GetObject: () => ({
    VersionId: 'contract-v1',
    Body: {
      transformToString: async () =>
        JSON.stringify({
          format: WARM_UP_MANIFEST.format,
          entries: [
            { key: 'config:limits', value: '600' },
            { key: 'config:flags', value: 'on' },
          ],
        }),
    },
  }),
};

/** The orchestrator Deployment of three replicas, already rolled to the generation its patch made. */
const rolledDeployment: KubernetesApi = {
  getDeployment: async () => ({
    metadata: { name: 'orchestrator', generation: 2 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'orchestrator' } } },
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
  }),
  patchDeployment: async () => ({ metadata: { name: 'orchestrator', generation: 2 }, spec: { replicas: 3 } }),
  listPods: async () => [
    { metadata: { name: 'orchestrator-1' }, status: { phase: 'Running', containerStatuses: [{ ready: true }] } },
  ],
};

/** The access entry is missing: every call is refused. */
const forbidden: KubernetesApi = {
  getDeployment: () => Promise.reject(new KubernetesApiError('get deployment/orchestrator', 403, 'forbidden')),
  patchDeployment: () => Promise.reject(new KubernetesApiError('patch deployment/orchestrator', 403, 'forbidden')),
  listPods: () => Promise.reject(new KubernetesApiError('list pods', 403, 'forbidden')),
};

/** Every backup the integrity check looks at is there, fresh, complete and under the expected key. */
function healthyBackups(environment: Record<string, string>) {
  return world({
    ...writerHere,
    ...keyParameter,
    ...recorded,
    ListRecoveryPointsByBackupVault: ({ input }) => ({
      RecoveryPoints: [
        input.BackupVaultName === environment.VAULT_NAME
          ? {
              RecoveryPointArn: 'arn:aws:backup:::recovery-point:continuous:1',
              Status: 'COMPLETED',
              EncryptionKeyArn: KEY,
            }
          : {
              RecoveryPointArn: 'arn:aws:rds:::cluster-snapshot:awsbackup:copy',
              SourceBackupVaultArn: `arn:aws:backup:::backup-vault:${environment.VAULT_NAME}`,
              Status: 'COMPLETED',
              EncryptionKeyArn: KEY,
              CreationDate: ago(HOUR_MS),
            },
      ],
    }),
    DescribeDBClusters: () => ({ DBClusters: [{ LatestRestorableTime: ago(60_000) }] }),
    DescribeDBClusterSnapshots: () => ({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'weekly', ...fresh('available'), SnapshotCreateTime: ago(HOUR_MS) },
      ],
    }),
    ListObjectsV2: ({ input }) => ({
      Contents: [{ Key: `${input.Prefix}daily.rdb`, LastModified: ago(HOUR_MS), Size: 2048 }],
    }),
    HeadObject: () => ({
      ContentLength: 2048,
      ETag: '"e"',
      ServerSideEncryption: 'AES256',
      ReplicationStatus: 'COMPLETED',
    }),
    // The check reads an export's first bytes: an RDB file starts with the magic.
    GetObject: () => ({ Body: objectBody(`${RDB_MAGIC}0011`) }),
  });
}

/** A copy of each of the last days in the vault and the bucket of the secondary. */
function copiesArrived(environment: Record<string, string>) {
  const days = Array.from({ length: Number(environment.VERIFY_DAYS) }, (_, index) => ago((index + 1) * 24 * HOUR_MS));
  return world({
    ...keyParameter,
    ...recorded,
    ListRecoveryPointsByBackupVault: () => ({
      RecoveryPoints: days.map((day) => ({
        SourceBackupVaultArn: `arn:aws:backup:::backup-vault:${environment.SOURCE_VAULT_NAME}`,
        Status: 'COMPLETED',
        EncryptionKeyArn: KEY,
        CreationDate: day,
      })),
    }),
    ListObjectsV2: ({ input }) => ({
      Contents: days.map((day, index) => ({ Key: `${input.Prefix}${index}.rdb`, LastModified: day, Size: 2048 })),
    }),
  });
}

/** A Redis export: the snapshot is taken and exported, and its .rdb is SSE-S3 (`encryption` otherwise fails it). */
function redisExport(encryption: string) {
  return world({
    ...writerHere,
    ...recorded,
    ...authToken,
    // Versioned, lock-enabled bucket: the job locks each exact version it verified.
    PutObject: () => ({ VersionId: 'v-sidecar' }),
    PutObjectRetention: () => ({}),
    DescribeSnapshots: ({ input }) => ({ Snapshots: input.SnapshotName ? [{ SnapshotStatus: 'available' }] : [] }),
    CreateSnapshot: () => ({}),
    CopySnapshot: () => ({}),
    ListObjectsV2: ({ input }) => ({ Contents: [{ Key: `${input.Prefix}-0001.rdb` }] }),
    HeadObject: () => ({ ContentLength: 2048, ServerSideEncryption: encryption, VersionId: 'v-rdb' }),
  });
}

/**
 * The weekly Aurora snapshot and its -latest copies end `status`: snapshots the job made exist from
 * its create or copy on, tagged as the job's, until it deletes them.
 */
function auroraSnapshot(status: string, environment: Record<string, string>) {
  const made = new Set<string>();
  const owner = { Key: environment.OWNER_TAG_KEY, Value: environment.OWNER_TAG_VALUE };
  return world({
    ...writerHere,
    ...recorded,
    DescribeDBClusterSnapshots: ({ input }) => {
      const id = input.DBClusterSnapshotIdentifier as string | undefined;
      if (id && !made.has(id)) throw awsError('DBClusterSnapshotNotFoundFault');
      return {
        DBClusterSnapshots: id
          ? [
              {
                ...fresh(status),
                DBClusterSnapshotIdentifier: id,
                DBClusterIdentifier: environment.CLUSTER_IDENTIFIER,
                DBClusterSnapshotArn: `arn:${id}`,
                TagList: [owner],
              },
            ]
          : [],
      };
    },
    CreateDBClusterSnapshot: ({ input }) => made.add(input.DBClusterSnapshotIdentifier as string) && {},
    DeleteDBClusterSnapshot: ({ input }) => made.delete(input.DBClusterSnapshotIdentifier as string) && {},
    CopyDBClusterSnapshot: ({ input }) => made.add(input.TargetDBClusterSnapshotIdentifier as string) && {},
    AddTagsToResource: () => ({}),
    RemoveTagsFromResource: () => ({}),
  });
}

/** When the restored export's backup wrote its sentinel. */
const SENTINEL_AT = new Date(Date.now() - HOUR_MS);

/** The restored group holds the sentinel its backup wrote, and the key it counted with it. */
function restoredCache(environment: Record<string, string>): CacheConnector {
  const sentinel = JSON.stringify(sentinelValue(environment.STAGE!, SENTINEL_AT));
  return memoryCache(
    new Map([
      [REDIS_SENTINEL.key, sentinel],
      ['setting', 'x'],
    ]),
  );
}

/** The newest export and its sentinel record restore into an available group, which is deleted afterwards. */
function redisRestores(environment: Record<string, string>): Scenario['world'] {
  let deleted = false;
  const record = {
    key: REDIS_SENTINEL.key,
    ...sentinelValue(environment.STAGE!, SENTINEL_AT),
    keys: 2,
    persistentKeys: 2,
  };
  return world({
    ...authToken,
    ListObjectsV2: ({ input }) => ({
      Contents: [{ Key: `${input.Prefix}daily-0001.rdb`, LastModified: ago(HOUR_MS) }],
    }),
    GetObject: () => ({
      Body: { transformToString: () => Promise.resolve(JSON.stringify(record)) },
    }),
    CreateReplicationGroup: () => {
      deleted = false;
      return {};
    },
    DescribeReplicationGroups: ({ input }) => {
      if (deleted) throw awsError('ReplicationGroupNotFoundFault');
      return {
        ReplicationGroups: [
          {
            ReplicationGroupId: input.ReplicationGroupId,
            ARN: `arn:${String(input.ReplicationGroupId)}`,
            Status: 'available',
            NodeGroups: [primaryEndpoint],
          },
        ],
      };
    },
    ListTagsForResource: () => ({
      TagList: [{ Key: environment.RESTORE_TAG_KEY, Value: environment.RESTORE_TAG_VALUE }],
    }),
    DeleteReplicationGroup: () => {
      deleted = true;
      return {};
    },
  });
}

/** Scenarios of a function, built from its environment. */
export type Scenarios = (environment: Record<string, string>) => Readonly<Record<'success' | 'failure', Scenario>>;

/** Every DR function's success and failure; dns-view is sampled through its run function (see emitter-runs). */
export const SCENARIOS: Readonly<Record<Exclude<FunctionName, 'dnsView'>, Scenarios>> = {
  degradedModeSwitch: (environment) => ({
    // An event the switch does not act on: it counts it and changes nothing.
    success: {
      world: deniedEverywhere,
      invoke: (handler) => handler(snsEvent({ 'ElastiCache:SnapshotComplete': environment.REPLICATION_GROUP_ID! })),
    },
    failure: { world: deniedEverywhere, invoke: (handler) => handler(snsEvent('not json')) },
  }),
  iacBackup: (environment) => ({
    success: {
      world: world({
        ...recorded,
        ListStacks: () => ({
          StackSummaries: [{ StackName: `${environment.STACK_PREFIX}Data`, StackStatus: 'CREATE_COMPLETE' }],
        }),
        GetTemplate: () => ({ TemplateBody: '{}' }),
        GetParametersByPath: () => ({
          Parameters: [{ Name: `${environment.PARAMETER_PATH}x`, Value: '1', Type: 'String' }],
        }),
        PutObject: () => ({}),
      }),
      invoke: scheduled('iac-backup'),
    },
    // No stack of the stage: nothing to back up is a failed backup.
    failure: { world: world({ ListStacks: () => ({ StackSummaries: [] }) }), invoke: scheduled('iac-backup') },
  }),
  integrityCheck: (environment) => ({
    success: { world: healthyBackups(environment), invoke: scheduled('daily-integrity-check') },
    // Every read denied: no check can run, so every check fails and the report is 0 %.
    failure: { world: world(recorded), invoke: scheduled('daily-integrity-check') },
  }),
  redisBackup: () => ({
    success: {
      world: redisExport('AES256'),
      cache: memoryCache(),
      invoke: stepped({ phase: 'start', kind: 'daily' }),
    },
    failure: {
      world: redisExport('aws:kms'),
      cache: memoryCache(),
      invoke: stepped({ phase: 'start', kind: 'daily' }),
    },
  }),
  weeklyAuroraBackup: (environment) => ({
    success: { world: auroraSnapshot('available', environment), invoke: stepped({ phase: 'start' }) },
    failure: { world: auroraSnapshot('failed', environment), invoke: stepped({ phase: 'start' }) },
  }),
  restoreValidation: (environment) => ({
    // The stepped validation: a restored copy whose sentinel and counts come back, and a failed restore job.
    success: {
      world: restoredWorld({
        data: healthyCopy(environment.STAGE!),
        keyArn: KEY,
        engineVersion: environment.ENGINE_VERSION!,
        tag: { key: environment.RESTORE_TAG_KEY!, value: environment.RESTORE_TAG_VALUE! },
      }) as Scenario['world'],
      invoke: stepped({ phase: 'start', restoreJobId: 'job-1', status: 'COMPLETED', resourceType: 'Aurora' }),
    },
    failure: {
      world: deniedEverywhere,
      invoke: stepped({ phase: 'start', restoreJobId: 'job-1', status: 'FAILED', resourceType: 'Aurora' }),
    },
  }),
  auroraSentinel: () => ({
    success: {
      world: world({
        ...writerHere,
        DescribeSecret: () => ({ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf' }),
        ExecuteStatement: () => ({ records: [] }),
      }),
      invoke: scheduled(AURORA_SENTINEL.schedule),
    },
    failure: { world: deniedEverywhere, invoke: scheduled(AURORA_SENTINEL.schedule) },
  }),
  redisRestoreTest: (environment) => ({
    success: {
      world: redisRestores(environment),
      cache: restoredCache(environment),
      invoke: stepped({ phase: 'start' }),
    },
    // No export to restore: the test fails without creating anything.
    failure: { world: world({ ListObjectsV2: () => ({ Contents: [] }) }), invoke: stepped({ phase: 'start' }) },
  }),
  crossRegionVerification: (environment) => ({
    success: { world: copiesArrived(environment), invoke: scheduled('monthly-cross-region-verification') },
    failure: { world: world(recorded), invoke: scheduled('monthly-cross-region-verification') },
  }),
  cacheWarmUp: () => ({
    success: {
      world: world({ ...warmUpManifest, ...writerHere, ...authToken }),
      cache: memoryCache(),
      invoke: stepped({ phase: 'start' }),
    },
    // The manifest cannot be read: nothing is loaded and the run fails.
    failure: { world: deniedEverywhere, cache: memoryCache(), invoke: stepped({ phase: 'start' }) },
  }),
  rolloutRestart: () => ({
    success: { world: deniedEverywhere, kubernetes: rolledDeployment, invoke: stepped({ phase: 'start' }) },
    failure: { world: deniedEverywhere, kubernetes: forbidden, invoke: stepped({ phase: 'start' }) },
  }),
  statusPagePublisher: () => ({
    // The first incident: no feed yet in either bucket; the page is written and the notice sent.
    success: {
      world: world({
        GetObject: () => {
          throw awsError('NoSuchKey');
        },
        PutObject: () => ({}),
        Publish: () => ({ MessageId: 'contract' }),
      }),
      invoke: (handler) => handler({ kind: 'operator-update', status: 'investigating', message: 'Slow API' }),
    },
    // Neither bucket can be read: the history is unknown, so nothing is published.
    failure: {
      world: deniedEverywhere,
      invoke: (handler) => handler({ kind: 'operator-update', status: 'investigating', message: 'Slow API' }),
    },
  }),
  providerFallback: (environment) => {
    // A provider's outage alarm: the newest version is read, the next written and deployed, the notice posted, on-call paged.
    const [alarm] = JSON.parse(environment.PROVIDER_ALARMS!) as { alarmName: string }[];
    const outage = {
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName: alarm!.alarmName, state: { value: 'ALARM' } },
    };
    return {
      success: {
        world: world({
          ListHostedConfigurationVersions: () => ({ Items: [{ VersionNumber: 1 }] }),
          GetHostedConfigurationVersion: () => ({ Content: contentOf(DEPLOYED) }),
          GetEnvironment: () => ({ Monitors: [] }),
          UpdateEnvironment: () => ({}),
          CreateHostedConfigurationVersion: () => ({ VersionNumber: 2 }),
          StartDeployment: () => ({ DeploymentNumber: 1 }),
          Invoke: () => ({ StatusCode: 200 }),
          Publish: () => ({ MessageId: 'contract' }),
        }),
        invoke: (handler) => handler(outage),
      },
      // The profile cannot be read: nothing is switched.
      failure: { world: deniedEverywhere, invoke: (handler) => handler(outage) },
    };
  },
  cacheAuthRotator: () => {
    // Secrets Manager calls a step again after a lost invocation: a version already AWSCURRENT is done.
    const step = { Step: 'finishSecret', SecretId: 'auth-token', ClientRequestToken: 'a'.repeat(36) };
    return {
      success: {
        world: world({ DescribeSecret: () => ({ VersionIdsToStages: { [step.ClientRequestToken]: ['AWSCURRENT'] } }) }),
        invoke: (handler) => handler(step),
      },
      // The secret cannot be read: the step fails, and Secrets Manager keeps AWSPENDING.
      failure: { world: deniedEverywhere, invoke: (handler) => handler(step) },
    };
  },
  gameDayRecorder: (environment) => ({
    // Each game day this region runs records a passing run, then the daily audit finds each result.
    success: { world: gameDayResults, invoke: (handler) => recordEveryGameDay(handler, environment, true) },
    // The alarm check never ran: monitoring fails, 1 item failed; the audit cannot list the bucket.
    failure: {
      world: world({ PutObject: () => ({}) }),
      invoke: (handler) => recordEveryGameDay(handler, environment, false),
    },
  }),
};

/** The results bucket as the recorder writes it, and state machines created long ago, so every game day is due. */
const gameDayResults = world({
  PutObject: () => ({}),
  DescribeStateMachine: () => ({ creationDate: new Date('2020-01-01T00:00:00Z') }),
  ListObjectsV2: ({ input }: AwsCall) => ({
    Contents: [{ Key: `${input.Prefix}${new Date().toISOString()}-contract/result.json` }],
  }),
});

/** Records a run of every game day of the recorder's environment (a failure for `passed` false), then audits. */
async function recordEveryGameDay(
  handler: (event: unknown) => Promise<unknown>,
  environment: Record<string, string>,
  passed: boolean,
): Promise<unknown> {
  const gameDays = Object.keys(JSON.parse(environment.GAME_DAY_STATE_MACHINES!) as object);
  const at = Date.now();
  for (const gameDay of gameDays) {
    await handler({
      action: 'record',
      gameDay,
      execution: 'contract',
      startedAt: new Date(at).toISOString(),
      steps: [{ name: 'monitoring-check', startedAt: at, endedAt: at + 1000, succeeded: true }],
      facts: passed ? { alarmsWithoutData: [] } : {},
    });
  }
  return handler({ action: 'audit' });
}
