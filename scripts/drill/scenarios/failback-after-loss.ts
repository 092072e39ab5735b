// The return after a region loss: the lost primary comes back, the operator rebuilds the detached cache's Global Datastore with rebuild-cache-secondary.sh, then fails back with failover-region.sh --planned.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stageParameters } from '../../../lib/contract';
import { AwsCallError } from '../drill-server';
import { PROJECT_ROOT } from '../moto-process';
import { operatorEnvironment, startOperatorRun } from '../runs';
import { expectEqual, expectThat, type Check, type Scenario, type ScenarioContext } from '../scenario';
import { dnsAnswersRegion, fenceAlarmState, prepareDns } from './dns-facts';
import { DNS, runEnded, simulated } from './failover';
import { auroraWriterRegion, cacheDetached, failoverDeployment, type FailoverDeployment } from './failover-facts';
import { activeRegionsName, fenceLifted } from './planned-facts';
import { fenceStats, promotionCalls } from './run-facts';

const REBUILD_SCRIPT = join(PROJECT_ROOT, 'scripts', 'disaster-recovery', 'rebuild-cache-secondary.sh');

/**
 * Virtual seconds between the activation and the failback: the operator checks that the primary
 * region serves again and waits while Aurora rebuilds its old primary as a secondary (the promotion
 * time); the fence alarm takes the Maximum of each minute, so a lift in the raise's minute would not show.
 */
const RETURN_AFTER_SECONDS = 600;

/**
 * Virtual seconds each step of the cache rebuild takes (a datastore created or deleted, a group
 * created or deleted): the drill server's "elasticache-lifecycle" promotion time. The script waits in
 * real time, polling every REBUILD_POLL_SECONDS, so each wait takes about this long of real time too.
 */
const LIFECYCLE_SECONDS = 0.3;

const REBUILD_SIMULATED = `the cache rebuild: the drill server stands in for DeleteGlobalReplicationGroup, CreateGlobalReplicationGroup around an existing group, CreateReplicationGroup into a Global Datastore (a secondary) and DeleteReplicationGroup with a final snapshot (moto has none of the first two and keeps deleted groups); each takes ${LIFECYCLE_SECONDS} virtual s, and the script (run for real with the pinned aws CLI) polls every 0.2 s (REBUILD_POLL_SECONDS); a datastore id takes its creating region's prefix, as AWS's does`;
const AURORA_REBUILD =
  "Aurora's old primary: kept as a member after the failover with data loss, pending-resync while its region is lost; once it answers, a point-of-failure snapshot and, after the promotion time, connected again, which a switchover requires";
const ACTIVATION =
  "the activation and the failback: StartExecution of the secondary's failover machine with the inputs failover-region.sh sends (region-loss and failback prove the command, including its write of the other region's active-region parameter, so only the run's own region's is checked here); the rebuild script is run for real";
const AUTH_SECRET =
  "the cache's AUTH token secret in the primary region, which the rebuild reads (the world seeds no secrets): created under the name the synthesized restore-settings parameter gives";

interface Member {
  ReplicationGroupId: string;
  ReplicationGroupRegion: string;
  Role: string;
}

/** The members of a Global Datastore as `group (region) ROLE`, or why there are none. */
async function datastoreMembers(context: ScenarioContext, region: string, id: string): Promise<string[]> {
  try {
    const { GlobalReplicationGroups } = await context.client.call<{
      GlobalReplicationGroups: { Status: string; Members?: Member[] }[];
    }>('elasticache', region, 'DescribeGlobalReplicationGroups', {
      GlobalReplicationGroupId: id,
      ShowMemberInfo: true,
    });
    const members = GlobalReplicationGroups[0]?.Members ?? [];
    return members.map((m) => `${m.ReplicationGroupId} (${m.ReplicationGroupRegion}) ${m.Role.toUpperCase()}`).sort();
  } catch (error) {
    if (error instanceof AwsCallError) return [error.code];
    throw error;
  }
}

interface GlobalClusterMember {
  DBClusterArn: string;
  IsWriter: boolean;
  SynchronizationStatus?: string;
}

/** The global cluster's members as `arn writer|reader status`, read in `region`. */
async function auroraMembers(context: ScenarioContext, deployment: FailoverDeployment): Promise<string[]> {
  const { GlobalClusters } = await context.client.call<{
    GlobalClusters: { GlobalClusterMembers: GlobalClusterMember[] }[];
  }>('rds', deployment.secondary, 'DescribeGlobalClusters', { GlobalClusterIdentifier: deployment.globalClusterId });
  return (GlobalClusters[0]?.GlobalClusterMembers ?? []).map(
    (m) => `${m.DBClusterArn} ${m.IsWriter ? 'writer' : 'reader'} ${m.SynchronizationStatus ?? '?'}`,
  );
}

/** The rebuild's changes, in the order the runbook gives them. */
const REBUILD_STEPS = [
  'DeleteGlobalReplicationGroup',
  'DeleteReplicationGroup',
  'CreateGlobalReplicationGroup',
  'CreateReplicationGroup',
  'PutParameter',
];

/** The rebuild made its changes in order, and looked (a Describe) after each before the next: it waits. */
function waitedInOrder(actions: string[]): Check {
  const changes = actions.filter((action) => REBUILD_STEPS.includes(action));
  const looked = REBUILD_STEPS.slice(0, -1).every((step, index) => {
    const from = actions.indexOf(step);
    const to = actions.indexOf(REBUILD_STEPS[index + 1]!);
    return from >= 0 && to > from && actions.slice(from + 1, to).some((action) => action.startsWith('Describe'));
  });
  const collapsed = actions.filter((action, index) => action !== actions[index - 1]);
  return expectThat(
    "the rebuild's changes come in the runbook's order, each looked at (Describe) before the next",
    JSON.stringify(changes) === JSON.stringify(REBUILD_STEPS) && looked,
    collapsed.join(' → '),
  );
}

/** The rebuild script as the operator runs it (`--yes`), its aws CLI sent to the drill server. */
function runRebuild(endpoint: string, stage: string): Promise<{ exitCode: number; stdout: string; output: string }> {
  const env: NodeJS.ProcessEnv = { ...operatorEnvironment(endpoint), REBUILD_POLL_SECONDS: '0.2' };
  return new Promise((done, fail) => {
    const child = spawn('bash', [REBUILD_SCRIPT, '--stage', stage, '--yes'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(env.HOME!, { recursive: true, force: true });
      done({ exitCode: code ?? 1, stdout, output });
    });
  });
}

export const failbackAfterLoss: Scenario = {
  name: 'failback-after-loss',
  summary:
    "After a region-loss activation (the cache detached; started with the input failover-region.sh sends), the primary region comes back: Aurora rebuilds its old primary as a secondary, rebuild-cache-secondary.sh --yes builds a new Global Datastore around the secondary's live group with the primary's group re-created as its secondary, and the planned failback (its input as failover-region.sh --planned sends it) brings the Aurora writer and the cache primary home, the fence lifted, api.<zone> answering the primary, the active region the primary.",
  async run(context) {
    const deployment = await failoverDeployment(context);
    const { primary, secondary, datastoreId, cacheGroupId } = deployment;
    if (!datastoreId || !cacheGroupId)
      throw new Error('the stage has no Global Datastore: there is no cache to rebuild');
    const [homeGroup] = context.world.resources('AWS::ElastiCache::ReplicationGroup', primary);
    if (!homeGroup) throw new Error(`no AWS::ElastiCache::ReplicationGroup in ${primary}`);
    const homeGroupId = context.world.physicalId(homeGroup.stack, homeGroup.logicalId);
    const dns = await prepareDns(context);
    const startedAt = (await context.client.state()).nowMs;

    // The activation's input as failover-region.sh sends it: the command is region-loss's subject, and
    // its aws CLI polling would take a fifth of this scenario's budget; the failback below runs it.
    await context.client.loseRegions([primary]);
    const machine = deployment.machine.arn;
    const activation = await startOperatorRun(context.client, secondary, machine, 'activate', 'failback-after-loss');
    const detached = await cacheDetached(context, deployment);
    const raised = await fenceStats(context, deployment);

    // us-east-1 answers again; the operator follows the failback runbook's "before you start".
    await context.client.loseRegions([]);
    const membersBack = await auroraMembers(context, deployment);
    await context.client.advanceClock(RETURN_AFTER_SECONDS);
    const membersRebuilt = await auroraMembers(context, deployment);
    const { DBClusterSnapshots = [] } = await context.client.call<{
      DBClusterSnapshots?: { DBClusterSnapshotIdentifier: string }[];
    }>('rds', primary, 'DescribeDBClusterSnapshots', { SnapshotType: 'automated' });
    const pointOfFailure = DBClusterSnapshots.map((s) => s.DBClusterSnapshotIdentifier).filter((id) =>
      id.startsWith('rds:unplanned-global-failover-'),
    );

    const parameters = stageParameters(context.stage);
    const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>('ssm', primary, 'GetParameter', {
      Name: parameters.cacheRestoreSettings,
    });
    const { authTokenSecretName } = JSON.parse(Parameter.Value) as { authTokenSecretName: string };
    await context.client.call('secretsmanager', primary, 'CreateSecret', {
      Name: authTokenSecretName,
      SecretString: 'drillAuthToken0123456789drillAuthToken0123456789',
    });
    await context.client.configure({ promotionSeconds: { 'elasticache-lifecycle': LIFECYCLE_SECONDS } });
    const rebuildStart = (await context.client.state()).nowMs;
    const rebuild = await runRebuild(context.endpoint, context.stage);
    const rebuildCalls = (await context.client.requests(rebuildStart))
      .filter((call) => call.source === 'cli')
      .map((call) => call.action);
    const rebuilt = rebuild.stdout.trim().split('\n').pop() ?? '';
    const oldDatastore = await datastoreMembers(context, primary, datastoreId);
    const afterRebuild = await datastoreMembers(context, secondary, rebuilt);
    const { Snapshots = [] } = await context.client.call<{ Snapshots?: { SnapshotName: string }[] }>(
      'elasticache',
      primary,
      'DescribeSnapshots',
      {},
    );
    const finalSnapshots = Snapshots.map((s) => s.SnapshotName).filter((name) =>
      name.startsWith(`${homeGroupId}-stale-`),
    );
    const idParameter = await context.client.call<{ Parameter: { Value: string } }>('ssm', primary, 'GetParameter', {
      Name: parameters.globalReplicationGroupId,
    });

    const since = (await context.client.state()).nowMs;
    // The failback's input as failover-region.sh --planned sends it: the command is the failback
    // scenario's subject; here the rebuild script is, and both commands' aws CLI calls (about 1 s
    // each) would not fit in the 30 s budget.
    const failback = await startOperatorRun(context.client, secondary, machine, 'failback', 'failback-after-loss');
    const calls = promotionCalls(await context.client.requests(since));
    const afterFailback = await datastoreMembers(context, secondary, rebuilt);
    const fenceAlarm = await fenceAlarmState(context, dns);
    const primaryMember = `${homeGroupId} (${primary})`;
    const secondaryMember = `${cacheGroupId} (${secondary})`;

    const checks: Check[] = [
      runEnded(activation, 'SUCCEEDED', 'the activation'),
      expectEqual(`the activation detached ${cacheGroupId} from ${datastoreId}`, detached, true),
      expectThat(
        `with ${primary} back, its old Aurora primary is still a member, a reader; ${RETURN_AFTER_SECONDS} virtual s later it is connected again`,
        membersBack.some((m) => m.includes(`:${primary}:`) && / reader pending-resync$/.test(m)) &&
          membersRebuilt.some((m) => m.includes(`:${primary}:`) && / reader connected$/.test(m)),
        `back: ${membersBack.join(', ')}; later: ${membersRebuilt.join(', ')}`,
      ),
      expectThat(
        `Aurora kept a point-of-failure snapshot in ${primary}`,
        pointOfFailure.length === 1,
        pointOfFailure.join(', ') || 'none',
      ),
      expectThat(
        'rebuild-cache-secondary.sh --yes exits 0 and prints a new datastore id, its steps timed',
        rebuild.exitCode === 0 && rebuilt !== '' && rebuilt !== datastoreId && /\+ +\d+s {2}/.test(rebuild.output),
        `exit ${rebuild.exitCode}; ${rebuild.output.trim().slice(-2500)}`,
      ),
      waitedInOrder(rebuildCalls),
      expectEqual(`the old Global Datastore ${datastoreId} is gone`, oldDatastore, [
        'GlobalReplicationGroupNotFoundFault',
      ]),
      expectEqual(
        `after the rebuild, ${rebuilt} has ${secondary} primary and ${primary} secondary`,
        afterRebuild,
        [`${secondaryMember} PRIMARY`, `${primaryMember} SECONDARY`].sort(),
      ),
      expectThat(
        `${homeGroupId}'s stale counters are kept in a final snapshot in ${primary}`,
        finalSnapshots.length === 1,
        finalSnapshots.join(', ') || 'none',
      ),
      expectEqual(
        `${parameters.globalReplicationGroupId} in ${primary} names ${rebuilt}`,
        idParameter.Parameter.Value,
        rebuilt,
      ),
      runEnded(failback, 'SUCCEEDED', 'the failback'),
      expectEqual(`the Aurora writer is in ${primary}`, await auroraWriterRegion(context, deployment), primary),
      expectEqual(
        `after the failback, ${rebuilt} has ${primary} primary and ${secondary} secondary`,
        afterFailback,
        [`${primaryMember} PRIMARY`, `${secondaryMember} SECONDARY`].sort(),
      ),
      expectThat(
        'the failback switched over (no AllowDataLoss, no detach)',
        calls.some((c) => c.startsWith('SwitchoverGlobalCluster ')) &&
          !calls.some((c) => /^(FailoverGlobalCluster|DisassociateGlobalReplicationGroup) /.test(c)),
        calls.join(', ') || 'none',
      ),
      fenceLifted(raised, await fenceStats(context, deployment)),
      expectThat(
        `the fence alarm is evaluated to OK from the lift`,
        fenceAlarm.state === 'OK',
        `${fenceAlarm.state}: ${fenceAlarm.reason}`,
      ),
      await dnsAnswersRegion(context, dns, primary, 'after the failback', startedAt),
      ...(await activeRegionsName(context, deployment, primary, 'the failback', [secondary])),
    ];
    return {
      checks,
      runs: [activation, failback],
      simulated: [...simulated(deployment, DNS), ACTIVATION, AURORA_REBUILD, REBUILD_SIMULATED, AUTH_SECRET],
    };
  },
};
