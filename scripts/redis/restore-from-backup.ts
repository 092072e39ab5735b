// CLI of the Redis restore (restore-from-backup.sh): every argument checked before any AWS call, then a restore or its dry run.
import { STAGE_DEFAULTS } from '../../lib/config/stages';
import { STAGES, type Stage } from '../../lib/config/types';
import { UsageError, parseCli, runCli } from '../lib/cli-args.cjs';
import { regionOption, stageOption } from '../lib/stage-options';
import { groupIdProblem } from '../../lib/contract/restore-input';
import type { RestoreDeps } from './restore';

export const USAGE = `usage: restore-from-backup.sh latest|<object key> [--region <region>] [--stage ${STAGES.join('|')}] [--id <new group id>] [--dry-run]
Restores a new Valkey replication group of the stage in --region from an .rdb export in that
region's backup bucket (docs/runbooks/cache-restore-from-s3.md). The running group is left alone;
'dr restore cache --switch' also waits for the group and points the application at it.
  latest|<key>  the newest .rdb of the bucket, or the object key of one (ending in .rdb)
  --region      the region to restore into, one of the stage's; default: the region that holds the
                writer, as /async-toolformer/<stage>/failover/active-region names it (dr's default)
  --stage       ${STAGES.join(' or ')} (default prod)
  --id          the new group's id (2-40 lower-case letters, digits and single hyphens);
                default: atf-<stage>-<use1|usw2>-r<yyyyMMddHHmm>
  --dry-run     only read: check the backup and print the group it would create
Exit status: 0 started (or dry run); 1 an AWS call failed or the backup cannot be restored;
2 bad input, before any AWS call.`;

/** The restore the operator asked for, every value checked. */
export interface RestoreOptions {
  readonly backup: string;
  /** Unset: the region that holds the writer, read once the input is checked. */
  readonly region?: string;
  readonly stage: Stage;
  readonly replicationGroupId?: string;
  readonly dryRun: boolean;
}

/**
 * The command line as options; throws UsageError or HelpRequested. AWS_REGION is not a default: the
 * plan's `restore-from-backup.sh latest` restores where the writer is, whatever the shell says.
 */
export function parseRestoreArgs(args: readonly string[]): RestoreOptions {
  const { values, positionals } = parseCli({
    args,
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      id: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    positionals: ['latest|<object key>'],
  });
  const stage = stageOption(values.stage);
  const regions = STAGE_DEFAULTS[stage].regions.map((each) => each.region);
  const region = values.region === undefined ? undefined : regionOption(stage, values.region, {}, regions);
  const backup = positionals[0]!;
  if (backup !== 'latest') {
    if (backup.startsWith('s3://')) {
      throw new UsageError(`give the object key of the backup, without s3://<bucket>/, got: ${backup}`);
    }
    if (!backup.endsWith('.rdb') || backup.startsWith('/')) {
      throw new UsageError(`the backup must be latest or the object key of an .rdb export, got: ${backup}`);
    }
  }
  const problem = values.id === undefined ? undefined : groupIdProblem(values.id);
  if (problem) throw new UsageError(`--id: ${problem}`);
  return {
    backup,
    ...(region === undefined ? {} : { region }),
    stage: stage as Stage,
    ...(values.id === undefined ? {} : { replicationGroupId: values.id }),
    dryRun: values['dry-run'] === true,
  };
}

/** The AWS clients, loaded only once the input is checked: the SDK takes about a second to load. */
async function clients(region: string): Promise<RestoreDeps> {
  const [{ ElastiCacheClient }, { S3Client }, { SecretsManagerClient }, { SSMClient }] = await Promise.all([
    import('@aws-sdk/client-elasticache'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-sdk/client-ssm'),
  ]);
  const config = { region };
  return {
    s3: new S3Client(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    elasticache: new ElastiCacheClient(config),
    now: () => new Date(),
  };
}

/** Parses, then starts the restore (or prints its plan); exit status 0, or 1 when AWS or the backup fails it. */
/** The region that holds the writer, as dr reads it (scripts/dr/region.ts): the active-region parameter of the first region that answers. */
async function writerRegion(stage: Stage): Promise<string> {
  const [{ regionThatIsUp }, { SDK }, { stageNames }] = await Promise.all([
    import('../dr/region.js'),
    import('../dr/aws.js'),
    import('../dr/stage.js'),
  ]);
  const up = await regionThatIsUp(SDK, stageNames(stage));
  console.error(`region: ${up.region}, the region that holds the writer (${up.source})`);
  return up.region;
}

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseRestoreArgs(args);
  const options = { ...parsed, region: parsed.region ?? (await writerRegion(parsed.stage)) };
  const { planRestore, run } = await import('./restore.js');
  const deps = await clients(options.region);
  const input = {
    stage: options.stage,
    backup: options.backup,
    ...(options.replicationGroupId ? { replicationGroupId: options.replicationGroupId } : {}),
  };
  try {
    if (options.dryRun) {
      const plan = await planRestore(deps, input);
      console.log(JSON.stringify({ dryRun: true, ...plan }, null, 2));
      console.error(
        `dry run: nothing was created; without --dry-run, ${plan.replicationGroupId} is created in ${options.region} from ${plan.snapshotArn}` +
          ` with the AUTH token of secret ${plan.settings.authTokenSecretName}`,
      );
      return 0;
    }
    const result = await run(deps, input);
    console.log(JSON.stringify(result, null, 2));
    console.error(
      `restore started; wait with: aws elasticache wait replication-group-available --region ${options.region} --replication-group-id ${result.replicationGroupId}`,
    );
    return 0;
  } catch (error) {
    console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli({ name: 'restore-from-backup', usage: USAGE, main: () => main(process.argv.slice(2)) });
}
