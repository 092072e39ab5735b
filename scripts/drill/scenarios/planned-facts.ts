// What the planned moves check: where both members lead, that nothing was lost, the active-region parameter each region names, and a lifted fence.
import { expectEqual, expectThat, type Check, type ScenarioContext } from '../scenario';
import { auroraWriterRegion, cacheDetached, cachePrimaryRegion, type FailoverDeployment } from './failover-facts';
import { activeRegion, type FenceStats } from './run-facts';

/**
 * The active-region parameter of both regions must name `region`: the run writes its own region's,
 * failover-region.sh the other's once the run succeeded (Step Functions' SDK tasks call their own region).
 * A run started without the command is checked in `regions` (its own) only.
 */
export async function activeRegionsName(
  context: ScenarioContext,
  deployment: FailoverDeployment,
  region: string,
  after: string,
  regions: readonly string[] = [deployment.secondary, deployment.primary],
): Promise<Check[]> {
  const { name } = await activeRegion(context, deployment);
  const checks: Check[] = [];
  for (const where of regions) {
    const { Parameter } = await context.client.call<{ Parameter: { Value: string } }>('ssm', where, 'GetParameter', {
      Name: name,
    });
    checks.push(expectEqual(`after ${after}, ${name} in ${where} names ${region}`, Parameter.Value, region));
  }
  return checks;
}

/** One more fence datapoint than `before`, at 0: the failback lifted the fence. */
export function fenceLifted(before: FenceStats, after: FenceStats): Check {
  return expectThat(
    'the failback lifts the DNS fence: one more datapoint, at 0',
    after.count === before.count + 1 && after.sum === before.sum && after.minimum === 0,
    `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
  );
}

/** Where both members lead, and that the cache is still in its Global Datastore (nothing detached). */
export async function membersIn(
  context: ScenarioContext,
  deployment: FailoverDeployment,
  region: string,
): Promise<Check[]> {
  const checks = [
    expectEqual(`the Aurora writer is in ${region}`, await auroraWriterRegion(context, deployment), region),
  ];
  if (deployment.datastoreId) {
    checks.push(
      expectEqual(`the cache primary is in ${region}`, await cachePrimaryRegion(context, deployment), region),
      expectEqual('the cache stays in its Global Datastore', await cacheDetached(context, deployment), false),
    );
  }
  return checks;
}

/** No data loss: the moves were switchovers, never an AllowDataLoss failover or a detach. */
export function noDataLoss(calls: string[]): Check[] {
  return [
    expectThat(
      'the Aurora writer moved by SwitchoverGlobalCluster',
      calls.some((call) => call.startsWith('SwitchoverGlobalCluster ')),
      calls.join(', ') || 'none',
    ),
    expectThat(
      'no FailoverGlobalCluster (AllowDataLoss) and no DisassociateGlobalReplicationGroup',
      !calls.some((call) => /^(FailoverGlobalCluster|DisassociateGlobalReplicationGroup) /.test(call)),
      calls.join(', ') || 'none',
    ),
  ];
}
