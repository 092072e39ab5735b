// dr restore db and dr restore cache in the drill: the CLI, run as an operator runs it, starts the region's restore state machines after a region loss and follows them to their end.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stageParameters } from '../../../lib/contract';
import { PROJECT_ROOT } from '../moto-process';
import { finishRun, operatorEnvironment, type RunRecord } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { loseAndFailOver, runEnded, simulated } from './failover';
import { failoverDeployment } from './failover-facts';
import { exportWithAuthToken } from './restore';
import { activateAndBackUp } from './restore-database';

const CLI = join(PROJECT_ROOT, 'scripts', 'dr', 'cli.ts');

const CLI_REAL =
  'the operator: dr restore, from the TypeScript source, no --region (the region that is up), --yes --switch --json, every SDK call sent to the drill server; DR_POLL_SECONDS=0.2 (its default 5 s would only slow the drill)';

/** What `dr ... --json` printed: its JSON lines, the last of which is the result. */
interface DrRun {
  readonly exitCode: number;
  readonly events: Record<string, unknown>[];
  readonly result?: Record<string, unknown>;
  readonly stderr: string;
}

/** `dr <args> --json` as an operator runs it, every call sent to the drill server. */
function dr(context: ScenarioContext, args: string[]): Promise<DrRun> {
  const env = { ...operatorEnvironment(context.endpoint), DR_POLL_SECONDS: '0.2' };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--json'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      done({ exitCode: code ?? 1, events, result: events.find((event) => event.event === 'result'), stderr });
    });
  });
}

async function parameter(context: ScenarioContext, region: string, name: string): Promise<string | undefined> {
  const answer = await context.client
    .call<{ Parameter?: { Value?: string } }>('ssm', region, 'GetParameter', { Name: name })
    .catch(() => ({ Parameter: undefined }));
  return answer.Parameter?.Value;
}

/** The run the CLI followed, read back from the server; a missing ARN is a failed check, not a crash. */
async function followedRun(context: ScenarioContext, run: DrRun, commandLine: string): Promise<RunRecord | undefined> {
  const arn = run.result?.executionArn;
  return typeof arn === 'string' ? finishRun(context.client, arn, commandLine, 25_000) : undefined;
}

/** What every restore scenario checks of the CLI's run and of the lost region. */
function commonChecks(
  run: DrRun,
  record: RunRecord | undefined,
  lostCalls: { service: string; action: string }[],
  primary: string,
): Check[] {
  return [
    expectThat(
      'dr restore exits 0 with a result line',
      run.exitCode === 0 && run.result !== undefined,
      `exit ${run.exitCode}; ${run.result ? JSON.stringify(run.result) : run.stderr.trim().slice(-1500)}`,
    ),
    record
      ? runEnded(record, 'SUCCEEDED', 'the restore run')
      : expectThat('the restore run ended SUCCEEDED', false, 'no run was started'),
    expectThat(
      `the only requests signed for the lost ${primary} are the CLI's probe of the active-region parameter`,
      lostCalls.every((call) => call.service === 'ssm' && call.action === 'GetParameter'),
      lostCalls.map((call) => `${call.service}:${call.action}`).join(', ') || 'none',
    ),
  ];
}

interface Cluster {
  DBClusterIdentifier: string;
  Engine?: string;
  EngineVersion?: string;
  DBSubnetGroup?: string;
  Endpoint?: string;
  Port?: number;
  VpcSecurityGroups?: { VpcSecurityGroupId: string }[];
}

const drRestoreDb: Scenario = {
  name: 'dr-restore-db',
  summary:
    "After a region-loss activation and the weekly Aurora backup in us-west-2, dr restore db --switch (no --region) starts us-west-2's database restore state machine on -latest and follows it: a new cluster with the template's engine and version, in the stack's subnet group and security groups, with an instance of the stack's class, and the database endpoint parameter the pods read naming it; nothing but the region probe goes to the lost us-east-1.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { primary, secondary } = deployment;
    const { stackDatabase, lostAt, run: activation, backup, latest } = await activateAndBackUp(context, deployment);
    const args = ['restore', 'db', '--stage', context.stage, '--yes', '--switch'];
    const cli = await dr(context, args);
    const record = await followedRun(context, cli, `dr ${args.join(' ')} --json`);
    const input = (cli.result?.input ?? {}) as { clusterIdentifier?: string; snapshotIdentifier?: string };
    const { DBClusters = [] } = await context.client.call<{ DBClusters?: Cluster[] }>(
      'rds',
      secondary,
      'DescribeDBClusters',
      {},
    );
    const restored = DBClusters.find((cluster) => cluster.DBClusterIdentifier === input.clusterIdentifier);
    const { DBInstances = [] } = restored
      ? await context.client.call<{ DBInstances?: { DBInstanceIdentifier: string; DBInstanceClass: string }[] }>(
          'rds',
          secondary,
          'DescribeDBInstances',
          { Filters: [{ Name: 'db-cluster-id', Values: [restored.DBClusterIdentifier] }] },
        )
      : {};
    const endpoint = await parameter(context, secondary, stageParameters(context.stage).databaseEndpoint);
    const lostCalls = (await context.client.requests(lostAt)).filter((call) => call.region === primary);
    const groups = (restored?.VpcSecurityGroups ?? []).map((group) => group.VpcSecurityGroupId).sort();
    const checks: Check[] = [
      runEnded(activation, 'SUCCEEDED', 'the activation'),
      expectThat(
        `the weekly Aurora backup made ${latest} in ${secondary}`,
        !backup.error,
        backup.error?.message ?? 'done',
      ),
      ...commonChecks(cli, record, lostCalls, primary),
      expectEqual(`the run restored -latest (${latest})`, input.snapshotIdentifier, latest),
      expectThat(
        `a new cluster in ${secondary}, ${stackDatabase.engine} ${stackDatabase.engineVersion} as the template deploys, in the stack's subnet group and security groups`,
        restored !== undefined &&
          restored.Engine === stackDatabase.engine &&
          restored.EngineVersion === stackDatabase.engineVersion &&
          restored.DBSubnetGroup === stackDatabase.subnetGroup &&
          JSON.stringify(groups) === JSON.stringify([...stackDatabase.securityGroups].sort()),
        restored
          ? `${restored.DBClusterIdentifier}: ${restored.Engine} ${restored.EngineVersion}, ${restored.DBSubnetGroup}, ${groups.join(' ')}`
          : `none named ${String(input.clusterIdentifier)}`,
      ),
      expectThat(
        `it has an instance of the stack's class (${stackDatabase.instanceClasses.join(', ')})`,
        DBInstances.length === 1 && stackDatabase.instanceClasses.includes(DBInstances[0]!.DBInstanceClass),
        DBInstances.map((i) => `${i.DBInstanceIdentifier} (${i.DBInstanceClass})`).join(', ') || 'none',
      ),
      expectEqual(
        `${stageParameters(context.stage).databaseEndpoint} in ${secondary} names the restored cluster`,
        endpoint,
        restored ? `${restored.Endpoint}:${restored.Port}` : 'the restored cluster’s endpoint',
      ),
    ];
    return { checks, runs: [activation, ...(record ? [record] : [])], simulated: [...simulated(deployment), CLI_REAL] };
  },
};

interface Group {
  ReplicationGroupId: string;
  Description?: string;
  NodeGroups?: { PrimaryEndpoint?: { Address?: string; Port?: number } }[];
}

const drRestoreCache: Scenario = {
  name: 'dr-restore-cache',
  summary:
    "After a region-loss activation and the Redis export in us-west-2, dr restore cache --switch (no --region) creates a group from that export there, and us-west-2's cache restore state machine waits for it and writes its primary endpoint into the cache endpoint parameter the pods read; nothing but the region probe goes to the lost us-east-1.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { primary, secondary } = deployment;
    const { lostAt, run: activation } = await loseAndFailOver(context, deployment);
    const { redis, bucket } = await exportWithAuthToken(context, secondary);
    const args = ['restore', 'cache', '--stage', context.stage, '--yes', '--switch'];
    const cli = await dr(context, args);
    const record = await followedRun(context, cli, `dr ${args.join(' ')} --json`);
    const id = String(cli.result?.replicationGroupId);
    const { ReplicationGroups = [] } = await context.client.call<{ ReplicationGroups?: Group[] }>(
      'elasticache',
      secondary,
      'DescribeReplicationGroups',
      {},
    );
    const restored = ReplicationGroups.find((group) => group.ReplicationGroupId === id);
    const primaryEndpoint = restored?.NodeGroups?.[0]?.PrimaryEndpoint;
    const endpoint = await parameter(context, secondary, stageParameters(context.stage).cacheEndpoint);
    const lostCalls = (await context.client.requests(lostAt)).filter((call) => call.region === primary);
    const checks: Check[] = [
      runEnded(activation, 'SUCCEEDED', 'the activation'),
      expectThat(`the Redis export wrote an .rdb to ${bucket}`, !redis.error, redis.error?.message ?? 'done'),
      ...commonChecks(cli, record, lostCalls, primary),
      expectThat(
        `a new group restored from the export in ${bucket} exists in ${secondary}`,
        restored?.Description?.startsWith(`restored from s3://${bucket}/`) === true,
        restored ? `${restored.ReplicationGroupId} (${restored.Description ?? ''})` : `none named ${id}`,
      ),
      expectEqual(
        `${stageParameters(context.stage).cacheEndpoint} in ${secondary} names its primary endpoint`,
        endpoint,
        primaryEndpoint ? `${primaryEndpoint.Address}:${primaryEndpoint.Port}` : 'the group’s primary endpoint',
      ),
    ];
    return { checks, runs: [activation, ...(record ? [record] : [])], simulated: [...simulated(deployment), CLI_REAL] };
  },
};

export const RESTORE_MACHINE_SCENARIOS: readonly Scenario[] = [drRestoreDb, drRestoreCache];
