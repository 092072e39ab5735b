// Finds the game days whose newest scheduled run wrote no result: the day's datapoint of game_day_result_overdue.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GAME_DAY_RESULTS, type GameDayId } from '../../lib/contract/game-days';

/** When a game day is due: the `week`-th Monday of each month at `hour`:`minute` UTC. */
export interface DueTime {
  readonly week: number;
  readonly hour: number;
  readonly minute: number;
}

export interface AuditDeps {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly bucket: string;
  readonly stateMachines: Readonly<Partial<Record<GameDayId, string>>>;
  readonly schedule: Readonly<Partial<Record<GameDayId, DueTime>>>;
  /** A run has this long after its scheduled start to write its result. */
  readonly graceHours: number;
  readonly now: () => Date;
}

export interface AuditFinding {
  readonly gameDay: GameDayId;
  readonly overdue: boolean;
  /** The scheduled start the finding is about, ISO 8601, or none yet. */
  readonly due?: string;
  readonly newestResult?: string;
  readonly reason: string;
}

/** The `week`-th Monday of the month of `year`/`month` (0-based) at the given time, UTC. */
function occurrence(year: number, month: number, due: DueTime): Date {
  const first = new Date(Date.UTC(year, month, 1));
  const toMonday = (8 - first.getUTCDay()) % 7;
  return new Date(Date.UTC(year, month, 1 + toMonday + (due.week - 1) * 7, due.hour, due.minute));
}

/** The newest scheduled start that is at least `graceHours` old at `now`. */
export function lastDue(now: Date, due: DueTime, graceHours: number): Date {
  const cutoff = now.getTime() - graceHours * 3_600_000;
  for (let back = 0; back < 3; back += 1) {
    const at = occurrence(now.getUTCFullYear(), now.getUTCMonth() - back, due);
    if (at.getTime() <= cutoff) return at;
  }
  throw new Error(`no scheduled game day in the three months before ${now.toISOString()}`);
}

/** The newest result's start time under a game day's prefix (keys begin with it, so they sort by it). */
async function newestResult(deps: AuditDeps, gameDay: GameDayId): Promise<string | undefined> {
  const prefix = `${GAME_DAY_RESULTS.prefix}${gameDay}/`;
  let token: string | undefined;
  let newest: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const { Key } of page.Contents ?? []) {
      if (!Key?.endsWith(`/${GAME_DAY_RESULTS.json}`)) continue;
      const startedAt = Key.slice(prefix.length, prefix.length + 24);
      if (newest === undefined || startedAt > newest) newest = startedAt;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return newest;
}

/** One finding per game day this region runs; a read that fails throws, so the day's datapoint is missing and the alarm breaches. */
export async function audit(deps: AuditDeps): Promise<AuditFinding[]> {
  const now = deps.now();
  const findings: AuditFinding[] = [];
  for (const [gameDay, arn] of Object.entries(deps.stateMachines) as [GameDayId, string][]) {
    const due = deps.schedule[gameDay];
    if (!due) throw new Error(`no schedule for the ${gameDay} game day in GAME_DAY_SCHEDULE`);
    const expected = lastDue(now, due, deps.graceHours);
    const machine = await deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    const created = machine.creationDate ?? now;
    if (expected.getTime() < created.getTime()) {
      findings.push({
        gameDay,
        overdue: false,
        reason: `not due yet: its state machine was created ${created.toISOString()}, after the last scheduled run ${expected.toISOString()}`,
      });
      continue;
    }
    const newest = await newestResult(deps, gameDay);
    // A run starts at its scheduled time, later only by the schedule's retries and a prod approval.
    const overdue = newest === undefined || Date.parse(newest) < expected.getTime() - 60_000;
    findings.push({
      gameDay,
      overdue,
      due: expected.toISOString(),
      ...(newest ? { newestResult: newest } : {}),
      reason: overdue
        ? `no result of the run due ${expected.toISOString()} (newest: ${newest ?? 'none'})`
        : `the run due ${expected.toISOString()} wrote its result (${newest})`,
    });
  }
  return findings;
}
