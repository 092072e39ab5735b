// The plan's restore commands after a failover, run for real against the world the activation and the jobs left: the Redis restore from the us-west-2 export, and the Aurora restore from -latest (restore-database.ts).
import { join } from 'node:path';
import { FUNCTIONS, stageParameters } from '../../../lib/contract';
import { functionEnvironment, runJob } from '../jobs';
import { PROJECT_ROOT } from '../moto-process';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment } from './failover-facts';
import { DATABASE_RESTORE_SCENARIOS } from './restore-database';
import { runOperatorCommand } from './restore-operator';

const RESTORE_SCRIPT = join(PROJECT_ROOT, 'scripts', 'redis', 'restore-from-backup.sh');

const RESTORE_REAL =
  'scripts/redis/restore-from-backup.sh latest --stage <stage> --region us-west-2, as the runbook runs it, its SDK calls sent to the drill server (AWS_ENDPOINT_URL); the export it restores from is the one the Redis export job (lambda/redis-backup) wrote in the us-west-2 bucket';

const AUTH_SECRET =
  "the cache's AUTH token secret: the primary's cache stack creates it and Secrets Manager replicates it to us-west-2; the world seeds no secrets, so the drill creates that replica in us-west-2, under the name the synthesized restore-settings parameter gives, before the restore (or finds it made for the drill's cache, which the Redis export wrote its sentinel to)";

interface Group {
  ReplicationGroupId: string;
  Description?: string;
}

async function replicationGroups(context: ScenarioContext, region: string): Promise<Group[]> {
  const { ReplicationGroups = [] } = await context.client.call<{ ReplicationGroups?: Group[] }>(
    'elasticache',
    region,
    'DescribeReplicationGroups',
    {},
  );
  return ReplicationGroups;
}

/**
 * The Redis export job run in `region`, its .rdb objects, and the cache AUTH token's replica there
 * (AUTH_SECRET), which a restore in that region creates its group with.
 */
export async function exportWithAuthToken(context: ScenarioContext, region: string) {
  const redis = await runJob(context.world, context.endpoint, FUNCTIONS.redisBackup, region, {
    phase: 'start',
    kind: 'daily',
  });
  const bucket = functionEnvironment(context.world, FUNCTIONS.redisBackup, region).BACKUP_BUCKET!;
  const { Contents = [] } = await context.client.call<{ Contents?: { Key: string }[] }>('s3', region, 'ListObjectsV2', {
    Bucket: bucket,
  });
  const exports = Contents.map((object) => object.Key).filter((key) => key.endsWith('.rdb'));
  const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>('ssm', region, 'GetParameter', {
    Name: stageParameters(context.stage).cacheRestoreSettings,
  });
  const settings = JSON.parse(Parameter.Value) as { authTokenSecretName: string };
  // The Redis export above already reached the drill's cache with this secret (scripts/drill/drill-cache.ts).
  await context.client
    .call('secretsmanager', region, 'CreateSecret', {
      Name: settings.authTokenSecretName,
      SecretString: 'drillAuthToken0123456789drillAuthToken0123456789',
    })
    .catch((error: Error) => {
      if (!/ResourceExistsException/.test(error.message)) throw error;
    });
  return { redis, bucket, exports };
}

const redisRestore: Scenario = {
  name: 'redis-restore',
  summary:
    "After a region-loss activation and the Redis export in us-west-2, the plan's restore-from-backup.sh latest, run for us-west-2, creates a new replication group seeded from that export there, and no request goes to the lost us-east-1.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { secondary, primary } = deployment;
    const { lostAt, run } = await loseAndFailOver(context, deployment);
    const { redis, bucket, exports } = await exportWithAuthToken(context, secondary);
    const before = (await replicationGroups(context, secondary)).map((group) => group.ReplicationGroupId);
    const args = ['latest', '--stage', context.stage, '--region', secondary];
    const restore = await runOperatorCommand(context.endpoint, 'bash', [RESTORE_SCRIPT, ...args]);
    let result: { replicationGroupId?: string; bucket?: string; key?: string } = {};
    try {
      result = JSON.parse(restore.stdout) as typeof result;
    } catch {
      // The checks below say what the command printed.
    }
    const after = await replicationGroups(context, secondary);
    const restored = after.find((group) => group.ReplicationGroupId === result.replicationGroupId);
    const lostCalls = (await context.client.requests(lostAt)).filter((call) => call.region === primary);
    const checks: Check[] = [
      runEnded(run, 'SUCCEEDED', 'the activation'),
      expectThat(
        `the Redis export wrote an .rdb to ${bucket} in ${secondary}`,
        !redis.error && exports.length > 0,
        `${redis.error ? `${redis.error.name}: ${redis.error.message}; ` : ''}objects: ${exports.join(', ') || 'none'}`,
      ),
      expectThat(
        `restore-from-backup.sh ${args.join(' ')} exits 0 and picks the newest export in ${bucket}`,
        restore.exitCode === 0 && result.bucket === bucket && exports.includes(String(result.key)),
        `exit ${restore.exitCode}; ${restore.output.trim().slice(-1500)}`,
      ),
      expectThat(
        `a new replication group restored from s3://${bucket}/${String(result.key)} exists in ${secondary}`,
        restored !== undefined &&
          !before.includes(restored.ReplicationGroupId) &&
          restored.Description === `restored from s3://${bucket}/${String(result.key)}`,
        after.map((group) => `${group.ReplicationGroupId} (${group.Description ?? ''})`).join(', ') || 'none',
      ),
      expectThat(
        `no request went to the lost ${primary}`,
        lostCalls.length === 0,
        lostCalls.map((call) => `${call.service}:${call.action}`).join(', ') || 'none',
      ),
    ];
    return { checks, runs: [run], simulated: [...simulated(deployment), RESTORE_REAL, AUTH_SECRET] };
  },
};

export const RESTORE_SCENARIOS: readonly Scenario[] = [redisRestore, ...DATABASE_RESTORE_SCENARIOS];
