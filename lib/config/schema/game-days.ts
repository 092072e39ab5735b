// Schema of the game days: the plan's monthly DR tests, when they run, whether prod runs them (only with a human's approval), and who the communication test pages.
import { Duration } from 'aws-cdk-lib';
import { z } from 'zod';
import { WARM_UP_MANIFEST } from '../../contract/recovery-jobs';
import type { GameDaysConfig } from '../types';
import type { RuleContext } from './context';
import { between, duration, integer } from './rules';
import { group, report, section, whenTyped } from './sections';

const ENDPOINT: Readonly<Record<'email' | 'sms' | 'https', RegExp>> = {
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  sms: /^\+[1-9]\d{6,14}$/,
  https: /^https:\/\/\S+$/,
};

const testContact = group('a protocol (email, sms or https) and an endpoint', {
  protocol: z.enum(['email', 'sms', 'https'], { error: 'use one of email, sms, https' }),
  endpoint: z.string(),
}).superRefine(
  (contact, ctx) => {
    if (!ENDPOINT[contact.protocol].test(contact.endpoint)) {
      report(
        ctx,
        ['endpoint'],
        contact.endpoint,
        'use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
      );
    }
  },
  { when: whenTyped() },
);

/** The `gameDays` section. */
export function gameDaysSchema(context: RuleContext): z.ZodType<GameDaysConfig> {
  return section('the monthly game days (enabled, hour, minute, timings and the test contact)', {
    enabled: z.boolean(),
    hour: integer(0, 23, 'give the hour (UTC) the game days start at, 0 to 23'),
    minute: integer(0, 59, 'give the minute the game days start at, 0 to 59'),
    approvalTimeout: duration([
      between(Duration.minutes(15), Duration.hours(24)),
      'must be from 15 minutes to 24 hours: how long a prod game day waits for a human to approve it before it records itself as not approved',
    ]),
    acknowledgeWithin: duration([
      between(Duration.minutes(1), Duration.minutes(60)),
      'must be from 1 to 60 minutes: how long the communication test waits for the test contact to acknowledge',
    ]),
    resultGrace: duration([
      between(Duration.hours(6), Duration.days(6)),
      'must be from 6 hours to 6 days: a run has this long to write its result before the audit calls it missing, and the next game day is a week later',
    ]),
    testContacts: z.array(testContact, { error: 'give a list of the test contact subscriptions, [] for none' }),
    // As dr warm-cache --manifest checks it: the warm-up reads only keys under its prefix.
    warmUpManifest: z
      .string({ error: `give the warm-up manifest's key, for example ${WARM_UP_MANIFEST.defaultKey}` })
      .regex(new RegExp(`^${WARM_UP_MANIFEST.prefix}[^\\s]*[^/\\s]$`), {
        error: `give an object key under ${WARM_UP_MANIFEST.prefix} of the cache backup bucket, not ending in /, for example ${WARM_UP_MANIFEST.defaultKey}`,
      })
      .max(1024, { error: 'an S3 object key is at most 1024 characters' }),
  }).superRefine(
    (gameDays, ctx) => {
      if (gameDays.enabled && gameDays.testContacts.length === 0) {
        report(
          ctx,
          ['testContacts'],
          [],
          'give at least one subscription of the test contact the communication game day pages, for example { protocol: "email", endpoint: "dr-test@example.com" }',
        );
      }
      // Prod runs them only when enabled, and then every run waits for a human (the approval step).
      if (
        context.prod &&
        gameDays.enabled &&
        gameDays.resultGrace.toSeconds() <= gameDays.approvalTimeout.toSeconds()
      ) {
        report(
          ctx,
          ['resultGrace'],
          gameDays.resultGrace.toHumanString(),
          `must be longer than approvalTimeout (${gameDays.approvalTimeout.toHumanString()}): a prod run may wait that long for its approval before it starts`,
        );
      }
    },
    { when: whenTyped() },
  );
}
