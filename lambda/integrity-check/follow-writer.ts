// The integrity check in both regions: each part runs where what it checks is held, the rest is reported as skipped.
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { RDSClient } from '@aws-sdk/client-rds';
import {
  buildReport,
  couldNotRun,
  retrying,
  type CheckReport,
  type CheckResult,
  type RetryPolicy,
} from '../shared/check-report';
import {
  findAuroraWriter,
  findCachePrimary,
  outcomeOf,
  type AuroraTarget,
  type CachePlacementTarget,
  type JobOutcome,
  type Placement,
} from '../shared/writer-placement';
import { run, type CheckedParts, type IntegrityDeps, type IntegrityInput } from './check-integrity';

/** This region's clients that say where the writer and the cache primary are. */
export interface PlacementDeps {
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy | undefined;
}

/** This region's members: its Aurora cluster and its cache group. */
export interface WriterTargets {
  readonly aurora: AuroraTarget;
  readonly cache: CachePlacementTarget;
}

/** A part of the check that did not run here, and why. */
export interface SkippedPart {
  readonly part: keyof CheckedParts;
  readonly outcome: JobOutcome;
  readonly detail: string;
}

/** The report of a run that checked at least one part. */
export interface CheckedReport extends CheckReport {
  readonly outcome: 'acted';
  readonly skipped: readonly SkippedPart[];
}

/** The report of a run that found both the writer and the cache primary elsewhere: it checked nothing, and it is no failure. */
export interface SkippedReport {
  readonly checkedAt: string;
  readonly outcome: `skipped: ${string}`;
  readonly skipped: readonly SkippedPart[];
  readonly results: readonly [];
}

export type IntegrityReport = CheckedReport | SkippedReport;

/** Where each part's subject is, or the failed result of a lookup that could not tell. */
export interface Located {
  readonly aurora: Placement | CheckResult;
  readonly redis: Placement | CheckResult;
}

const isPlacement = (found: Placement | CheckResult): found is Placement => 'here' in found;

async function locateOne(
  check: string,
  resource: string,
  retry: RetryPolicy | undefined,
  find: () => Promise<Placement>,
): Promise<Placement | CheckResult> {
  try {
    return await retrying(find, retry);
  } catch (error) {
    // Not knowing where the writer is fails the run in either region: it may be here.
    return { check, resource, ...couldNotRun(error) };
  }
}

/** Reads where the Aurora writer and the cache primary are, from this region's APIs. */
export async function locate(deps: PlacementDeps, targets: WriterTargets): Promise<Located> {
  const [aurora, redis] = await Promise.all([
    locateOne('aurora-writer-placement', targets.aurora.globalClusterIdentifier, deps.retry, () =>
      findAuroraWriter(deps.rds, targets.aurora),
    ),
    locateOne('cache-primary-placement', targets.cache.replicationGroupId, deps.retry, () =>
      findCachePrimary(deps, targets.cache),
    ),
  ]);
  return { aurora, redis };
}

/** The decision, pure: which parts run here, which are skipped, and the failed lookups that go into the report. */
export function decide(located: Located): {
  readonly parts: CheckedParts;
  readonly skipped: readonly SkippedPart[];
  readonly failures: readonly CheckResult[];
  readonly outcome: JobOutcome;
} {
  const entries = [
    ['aurora', located.aurora],
    ['redis', located.redis],
  ] as const;
  const failures = entries.flatMap(([, found]) => (isPlacement(found) ? [] : [found]));
  const placed = entries.flatMap(([part, found]) => (isPlacement(found) ? [[part, found] as const] : []));
  const skipped = placed
    .filter(([, placement]) => !placement.here)
    .map(([part, placement]) => ({ part, outcome: outcomeOf(placement), detail: placement.detail }));
  const parts = {
    aurora: placed.some(([part, placement]) => part === 'aurora' && placement.here),
    redis: placed.some(([part, placement]) => part === 'redis' && placement.here),
  };
  const nothingHere = failures.length === 0 && !parts.aurora && !parts.redis;
  return { parts, skipped, failures, outcome: nothingHere ? skipped[0]!.outcome : 'acted' };
}

/**
 * The daily check as deployed in both regions: the Aurora checks run where the Aurora writer is,
 * the Redis checks where the cache primary is; a lookup that fails is a failed check. A region that
 * holds neither reports a skip, with no success rate.
 */
export async function runWhereHeld(
  deps: IntegrityDeps & { readonly placement: PlacementDeps },
  input: IntegrityInput,
  targets: WriterTargets,
): Promise<IntegrityReport> {
  const decision = decide(await locate(deps.placement, targets));
  const { parts, skipped, failures, outcome } = decision;
  if (outcome !== 'acted') return { checkedAt: deps.now().toISOString(), outcome, skipped, results: [] };
  const checked = parts.aurora || parts.redis ? await run(deps, input, parts) : undefined;
  const report = buildReport([...failures, ...(checked?.results ?? [])], deps.now());
  return { ...report, outcome: 'acted', skipped };
}
