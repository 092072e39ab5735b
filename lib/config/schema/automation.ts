// Schema of the automation section: EventBridge Scheduler retries, staleness bounds and restore-test limits.
import { Duration } from 'aws-cdk-lib';
import { z } from 'zod';
import type { AutomationConfig } from '../types';
import { between, duration, integer, POSITIVE, WHOLE_DAYS, WHOLE_MINUTES } from './rules';
import { section } from './sections';

/** The `automation` section. */
export const automationSchema: z.ZodType<AutomationConfig> = section(
  'the settings of the scheduled backup and validation jobs',
  {
    scheduleRetryAttempts: integer(
      0,
      185,
      'EventBridge Scheduler retries 0 to 185 times; use an integer in that range',
    ),
    scheduleMaxEventAge: duration([
      between(Duration.minutes(1), Duration.hours(24)),
      'must be from 1 minute to 24 hours',
    ]),
    backupAgeSlack: duration(POSITIVE),
    pointInTimeMaxLag: duration(POSITIVE),
    restoreTests: z.boolean(),
    maxAuroraRestore: duration(POSITIVE),
    maxRedisRestore: duration(POSITIVE),
    crossRegionVerifyDays: integer(1, 35, 'verify 1 to 35 days: copies are kept at most 35 days by the daily rule'),
    iacBackupRetention: duration(POSITIVE, WHOLE_DAYS),
    autoFailover: z.boolean(),
    failoverCooldown: duration(WHOLE_MINUTES, [
      between(Duration.minutes(5), Duration.hours(24)),
      'must be from 5 minutes to 24 hours: shorter lets a flapping primary bounce the writer, longer blocks a real second failover for a day',
    ]),
  },
);
