// The plan's Aurora restore from -latest after a failover: the weekly backup job makes -latest in the new writer's region, then the runbook's own shell blocks restore it there.
import { join } from 'node:path';
import { FUNCTIONS } from '../../../lib/contract';
import { functionEnvironment, runJob, type JobRun } from '../jobs';
import { PROJECT_ROOT } from '../moto-process';
import { startOperatorRun } from '../runs';
import { expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { runEnded, simulated } from './failover';
import { failoverDeployment, type FailoverDeployment } from './failover-facts';
import { runbookScript, runOperatorCommand } from './restore-operator';

export const RUNBOOK = join(PROJECT_ROOT, 'docs', 'runbooks', 'aurora-restore-from-backup.md');

/** The runbook's path for the plan's -latest, by its headings: the settings, the -latest pick, the restore. */
export const LATEST_PATH = ['1. ', "The plan's -latest", '3. '];

/** The variables the runbook's blocks set, printed after them so the checks can read what the operator passed. */
const SETTINGS = ['snapshot', 'engine_version', 'subnet_group', 'security_groups', 'instance_class'];

const RUNBOOK_REAL =
  "the runbook docs/runbooks/aurora-restore-from-backup.md itself: its bash blocks for the plan's -latest (steps 1, 2 -latest and 3), read from the markdown in order with stage and region set where its first block assigns them, run by bash -eu with the aws CLI of .venv against the drill server; -latest is the one the weekly backup job (lambda/weekly-backup) made in us-west-2 with its synthesized environment";

const NETWORK_STAND_INS =
  "the Data stack's network in us-west-2: the world seeds no VPC, security group, DB subnet group or DB instance, so the drill creates the cluster's security groups and subnet group (named for their logical ids, in moto's default VPC and subnets) and attaches them to the stack's cluster, and creates its instances from the template, before the runbook reads them";

const ACTIVATION =
  "the activation: StartExecution of the us-west-2 failover machine with the input failover-region.sh sends (an operator's activate), as a console start would; the command itself is proven by region-loss, and its aws CLI polling would take a third of this scenario's budget";

const RESTORE_EMULATION =
  "the restore itself: moto restores the cluster from the snapshot's copy of the source cluster (no data); the drill patches its restore from a cluster with no master password (scripts/drill/moto_drill/rds_restore.py): a standalone cluster with the snapshot's master user, as AWS restores it";

interface Cluster {
  DBClusterIdentifier: string;
  Engine?: string;
  EngineVersion?: string;
  DBSubnetGroup?: string;
  KmsKeyId?: string;
  VpcSecurityGroups?: { VpcSecurityGroupId: string }[];
}

/** The stack's cluster in `region` as the template declares it, and its network as the drill stands it up. */
interface StackDatabase {
  readonly engine: string;
  readonly engineVersion: string;
  readonly subnetGroup: string;
  readonly securityGroups: string[];
  readonly instanceClasses: string[];
  readonly keyAliases: string[];
}

const logicalIdOf = (token: unknown): string => {
  const value = token as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  const id = value?.Ref ?? value?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`expected a Ref or Fn::GetAtt, got ${JSON.stringify(token)}`);
  return id;
};

/** Stands up what the world does not seed for the stack's cluster in `region` (NETWORK_STAND_INS). */
async function standUpStackDatabase(context: ScenarioContext, region: string): Promise<StackDatabase> {
  const { world, client } = context;
  const clusters = world.resources('AWS::RDS::DBCluster', region);
  if (clusters.length !== 1) throw new Error(`${region} has ${clusters.length} Aurora clusters; the drill expects one`);
  const { stack, logicalId, properties } = clusters[0]!;
  const declared = stack.template.Resources[logicalId]!.Properties ?? {};
  const resolved = (type: string, id: string) =>
    world.resources(type, region).find((resource) => resource.stack === stack && resource.logicalId === id)!.properties;
  const nameOf = (id: string) => `${stack.stackName}-${id}`.toLowerCase();
  const { Subnets } = await client.call<{ Subnets: { SubnetId: string; VpcId: string }[] }>(
    'ec2',
    region,
    'DescribeSubnets',
    { Filters: [{ Name: 'default-for-az', Values: ['true'] }] },
  );
  const vpcId = Subnets[0]!.VpcId;
  const securityGroups: string[] = [];
  for (const id of (declared.VpcSecurityGroupIds as unknown[]).map(logicalIdOf)) {
    const { GroupId } = await client.call<{ GroupId: string }>('ec2', region, 'CreateSecurityGroup', {
      GroupName: nameOf(id),
      Description: String(resolved('AWS::EC2::SecurityGroup', id).GroupDescription),
      VpcId: vpcId,
    });
    securityGroups.push(GroupId);
  }
  const subnetGroupId = logicalIdOf(declared.DBSubnetGroupName);
  await client.call('rds', region, 'CreateDBSubnetGroup', {
    DBSubnetGroupName: nameOf(subnetGroupId),
    DBSubnetGroupDescription: String(resolved('AWS::RDS::DBSubnetGroup', subnetGroupId).DBSubnetGroupDescription),
    SubnetIds: Subnets.map((subnet) => subnet.SubnetId),
  });
  const clusterIdentifier = world.physicalId(stack, logicalId);
  await client.call('rds', region, 'ModifyDBCluster', {
    DBClusterIdentifier: clusterIdentifier,
    DBSubnetGroupName: nameOf(subnetGroupId),
    VpcSecurityGroupIds: securityGroups,
    ApplyImmediately: true,
  });
  const instances = world
    .resources('AWS::RDS::DBInstance', region)
    .filter((instance) => instance.properties.DBClusterIdentifier === clusterIdentifier);
  for (const instance of instances) {
    // What the runbook reads of them; monitoring and Performance Insights need roles the world does not seed.
    const { DBInstanceClass, Engine, AvailabilityZone } = instance.properties;
    await client.call('rds', region, 'CreateDBInstance', {
      DBInstanceIdentifier: nameOf(instance.logicalId),
      DBClusterIdentifier: clusterIdentifier,
      DBInstanceClass,
      Engine,
      AvailabilityZone,
    });
  }
  return {
    engine: String(properties.Engine),
    engineVersion: String(properties.EngineVersion),
    subnetGroup: nameOf(subnetGroupId),
    securityGroups,
    instanceClasses: instances.map((instance) => String(instance.properties.DBInstanceClass)),
    keyAliases: world.resources('AWS::KMS::Alias', region).map((alias) => String(alias.properties.AliasName)),
  };
}

/** Loses the primary region and starts the activation an operator would, by StartExecution (ACTIVATION); resolves when the run ends. */
async function loseAndActivate(context: ScenarioContext, deployment: FailoverDeployment) {
  const lostAt = (await context.client.loseRegions([deployment.primary])).nowMs;
  const run = await startOperatorRun(
    context.client,
    deployment.secondary,
    deployment.machine.arn,
    'activate',
    'database-restore',
  );
  return { lostAt, run };
}

/**
 * Loses the primary and activates the secondary (ACTIVATION) while the drill stands up the secondary's
 * Data stack network (NETWORK_STAND_INS), then runs the weekly Aurora backup there, which makes -latest.
 */
export async function activateAndBackUp(context: ScenarioContext, deployment: FailoverDeployment) {
  const { secondary } = deployment;
  // The activation reads and moves the global cluster only, so the stand-ins can be made meanwhile.
  const [stackDatabase, { lostAt, run }] = await Promise.all([
    standUpStackDatabase(context, secondary),
    loseAndActivate(context, deployment),
  ]);
  const backup = await runJob(context.world, context.endpoint, FUNCTIONS.weeklyAuroraBackup, secondary, {
    phase: 'start',
  });
  const latest = functionEnvironment(
    context.world,
    FUNCTIONS.weeklyAuroraBackup,
    secondary,
  ).LATEST_SNAPSHOT_IDENTIFIER!;
  return { stackDatabase, lostAt, run, backup, latest };
}

async function clustersOf(context: ScenarioContext, region: string): Promise<Cluster[]> {
  const { DBClusters = [] } = await context.client.call<{ DBClusters?: Cluster[] }>(
    'rds',
    region,
    'DescribeDBClusters',
    {},
  );
  return DBClusters;
}

const describeJob = (run: JobRun) =>
  `${run.states.map((state) => String(state.phase)).join(' → ') || 'no state'}${run.error ? `; ${run.error.name}: ${run.error.message}` : ''}`;

const databaseRestore: Scenario = {
  name: 'database-restore',
  summary:
    "After a region-loss activation, the weekly Aurora backup job makes -latest in us-west-2, the new writer's region; the runbook aurora-restore-from-backup.md, its own bash blocks run for -latest there, restores a standalone cluster with the engine and version the template deploys, in the stack's subnet group and security groups, and adds its instance; no request goes to the lost us-east-1.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { primary, secondary, globalClusterId } = deployment;
    const { stackDatabase, lostAt, run, backup, latest } = await activateAndBackUp(context, deployment);
    const { DBClusterSnapshots = [] } = await context.client.call<{
      DBClusterSnapshots?: { DBClusterSnapshotIdentifier: string }[];
    }>('rds', secondary, 'DescribeDBClusterSnapshots', { DBClusterSnapshotIdentifier: latest });
    const before = (await clustersOf(context, secondary)).map((cluster) => cluster.DBClusterIdentifier);
    const script = runbookScript(RUNBOOK, LATEST_PATH, { stage: context.stage, region: secondary });
    const report = SETTINGS.map((name) => `printf 'runbook %s=%s\\n' ${name} "$${name}"`).join('\n');
    const restore = await runOperatorCommand(context.endpoint, 'bash', [
      '-eu',
      '-o',
      'pipefail',
      '-c',
      `${script}\n${report}`,
    ]);
    const set = Object.fromEntries(
      [...restore.stdout.matchAll(/^runbook (\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    const added = (await clustersOf(context, secondary)).filter(
      (cluster) => !before.includes(cluster.DBClusterIdentifier),
    );
    const restored = added.length === 1 ? added[0] : undefined;
    const { DBInstances = [] } = restored
      ? await context.client.call<{ DBInstances?: { DBInstanceIdentifier: string; DBInstanceClass: string }[] }>(
          'rds',
          secondary,
          'DescribeDBInstances',
          { Filters: [{ Name: 'db-cluster-id', Values: [restored.DBClusterIdentifier] }] },
        )
      : {};
    const { GlobalClusters = [] } = await context.client.call<{
      GlobalClusters?: { GlobalClusterMembers: { DBClusterArn: string }[] }[];
    }>('rds', secondary, 'DescribeGlobalClusters', { GlobalClusterIdentifier: globalClusterId });
    const members = GlobalClusters.flatMap((cluster) => cluster.GlobalClusterMembers.map((m) => m.DBClusterArn));
    const groups = (restored?.VpcSecurityGroups ?? []).map((group) => group.VpcSecurityGroupId).sort();
    const lostCalls = (await context.client.requests(lostAt)).filter((call) => call.region === primary);
    const name = restored?.DBClusterIdentifier ?? 'the restored cluster';
    const checks: Check[] = [
      runEnded(run, 'SUCCEEDED', 'the activation'),
      expectThat(
        `the weekly Aurora backup ends done in ${secondary} and ${latest} exists there`,
        !backup.error && backup.states.at(-1)?.phase === 'done' && DBClusterSnapshots.length === 1,
        `${describeJob(backup)}; ${latest}: ${DBClusterSnapshots.length === 1 ? 'exists' : 'missing'}`,
      ),
      expectThat(
        `the runbook's blocks for -latest exit 0 in ${secondary} and restore ${latest}`,
        restore.exitCode === 0 && set.snapshot === latest,
        `exit ${restore.exitCode}; ${SETTINGS.map((key) => `${key}=${set[key] ?? '?'}`).join(', ')}` +
          (restore.exitCode === 0 ? '' : `; ${restore.output.trim().slice(-1500)}`),
      ),
      expectThat(
        `one new cluster in ${secondary}, ${stackDatabase.engine} ${stackDatabase.engineVersion} as the template deploys, outside ${globalClusterId}`,
        restored !== undefined &&
          restored.Engine === stackDatabase.engine &&
          restored.EngineVersion === stackDatabase.engineVersion &&
          !members.some((arn) => arn.endsWith(`:cluster:${restored.DBClusterIdentifier}`)),
        added.map((c) => `${c.DBClusterIdentifier}: ${c.Engine} ${c.EngineVersion}`).join(', ') +
          ` (new); global members: ${members.join(', ')}`,
      ),
      expectThat(
        `${name} has an instance of the stack's class (${stackDatabase.instanceClasses.join(', ')})`,
        DBInstances.length > 0 &&
          DBInstances.every((instance) => stackDatabase.instanceClasses.includes(instance.DBInstanceClass)),
        DBInstances.map((i) => `${i.DBInstanceIdentifier} (${i.DBInstanceClass})`).join(', ') || 'none',
      ),
      expectThat(
        `${name} is in the stack's subnet group and security groups, encrypted with a key alias the stack declares`,
        restored?.DBSubnetGroup === stackDatabase.subnetGroup &&
          JSON.stringify(groups) === JSON.stringify([...stackDatabase.securityGroups].sort()) &&
          stackDatabase.keyAliases.includes(String(restored?.KmsKeyId)),
        `subnet group ${restored?.DBSubnetGroup} (stack: ${stackDatabase.subnetGroup}); security groups ${groups.join(' ')} (stack: ${stackDatabase.securityGroups.join(' ')}); key ${restored?.KmsKeyId} (stack aliases: ${stackDatabase.keyAliases.join(', ')})`,
      ),
      expectThat(
        `no request went to the lost ${primary}`,
        lostCalls.length === 0,
        lostCalls.map((call) => `${call.service}:${call.action}`).join(', ') || 'none',
      ),
    ];
    return {
      checks,
      runs: [run],
      simulated: [...simulated(deployment), ACTIVATION, RUNBOOK_REAL, NETWORK_STAND_INS, RESTORE_EMULATION],
    };
  },
};

export const DATABASE_RESTORE_SCENARIOS: readonly Scenario[] = [databaseRestore];
