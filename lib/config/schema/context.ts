// What a section's rules read from other sections, taken from a config that has not been validated yet.
import { Duration } from 'aws-cdk-lib';

/**
 * Facts from outside a section that its rules depend on. Each is read defensively and is `undefined`
 * when its own section is malformed: that section reports the problem, and the rules that depend on
 * the fact are skipped rather than judged against a guess.
 */
export interface RuleContext {
  /** Prod holds itself to the plan's figures; staging may run smaller. */
  readonly prod: boolean;
  /** The fewest AZs of any region: each region can use at most that many NAT gateways. */
  readonly fewestAzs?: number;
  /** Minute of the day (UTC) the `daily-backup` schedule fires at, when its cron says plainly. */
  readonly dailyBackupMinute?: number;
  /** The rate-limiting RPO, which the cache's in-region replication alarm must fire well under. */
  readonly rateLimitingRpo?: Duration;
}

/** `value[key]` when `value` is an object, else `undefined`. */
function get(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The elements of `value` when it is a list, else none. */
function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Minute of the day a daily cron fires at, when its minutes and hours are plain numbers. */
function dailyStartMinute(cron: unknown): number | undefined {
  const fields = typeof cron === 'string' ? /^cron\((\d+) (\d+) /.exec(cron) : null;
  return fields ? Number(fields[2]) * 60 + Number(fields[1]) : undefined;
}

/** The facts of {@link RuleContext}, read from `config` whatever its shape. */
export function ruleContext(config: unknown): RuleContext {
  const azLists = list(get(config, 'regions')).map((region) => get(region, 'availabilityZones'));
  const daily = list(get(config, 'schedules')).find((schedule) => get(schedule, 'id') === 'daily-backup');
  const rpo = get(
    list(get(config, 'objectives')).find((objective) => get(objective, 'component') === 'rate-limiting'),
    'rpo',
  );
  return {
    prod: get(config, 'stage') === 'prod',
    fewestAzs:
      azLists.length > 0 && azLists.every(Array.isArray)
        ? Math.min(...azLists.map((azs) => (azs as unknown[]).length))
        : undefined,
    dailyBackupMinute: dailyStartMinute(get(daily, 'cron')),
    rateLimitingRpo: rpo instanceof Duration && !rpo.isUnresolved() ? rpo : undefined,
  };
}
