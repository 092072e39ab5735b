// Schema of the escalation contacts: per severity, SNS subscriptions whose endpoint fits their protocol; prod pages a human.
import { z } from 'zod';
import type { ContactSubscription, EscalationContacts } from '../types';
import type { RuleContext } from './context';
import { group, report, section, whenTyped } from './sections';

/** What SNS accepts as the endpoint of each protocol. */
const ENDPOINTS: Readonly<Record<ContactSubscription['protocol'], (endpoint: string) => boolean>> = {
  email: (endpoint) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(endpoint),
  // E.164: a plus, a country code and up to 15 digits in all.
  sms: (endpoint) => /^\+[1-9]\d{6,14}$/.test(endpoint),
  https: (endpoint) => endpoint.startsWith('https://'),
};

const subscription = group('a protocol and an endpoint', {
  protocol: z.enum(['email', 'sms', 'https'], { error: 'use email, sms or https' }),
  endpoint: z.string(),
}).superRefine(
  ({ protocol, endpoint }, ctx) => {
    if (!ENDPOINTS[protocol](endpoint)) {
      report(
        ctx,
        ['endpoint'],
        `${protocol}:${endpoint}`,
        'use an email address for email, an E.164 number such as +15550123 for sms, an https:// URL for https',
      );
    }
  },
  { when: whenTyped('protocol', 'endpoint') },
);

/** SNS refuses a second identical subscription on a topic, and CDK a second construct of its id. */
function eachSubscriptionOnce(list: readonly ContactSubscription[], ctx: z.core.$RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach(({ protocol, endpoint }, index) => {
    const key = `${protocol}:${endpoint}`;
    if (seen.has(key)) report(ctx, [index], key, 'subscription given twice; list each endpoint once per severity');
    seen.add(key);
  });
}

const subscriptions = z
  .array(subscription, { error: 'give a list of subscriptions, [] for none' })
  .superRefine(eachSubscriptionOnce, { when: whenTyped() });

/**
 * Protocols that page a person: a text message, or an https endpoint of a paging service such as
 * PagerDuty. Email does not page: nobody is woken by it.
 */
const PAGING_PROTOCOLS: ReadonlySet<ContactSubscription['protocol']> = new Set(['sms', 'https']);

/**
 * The channels of `contacts` that page a person at critical severity. Issue 16's Incident Manager
 * contacts (SMS and voice) join this list, so the rule below stays the one place that decides.
 */
export function humanPagers(contacts: EscalationContacts): readonly ContactSubscription[] {
  return contacts.critical.filter(({ protocol }) => PAGING_PROTOCOLS.has(protocol));
}

/** Prod's critical alarms must reach a person; the rule is named for what it protects. */
function prodPagesAHuman(contacts: EscalationContacts, ctx: z.core.$RefinementCtx): void {
  if (humanPagers(contacts).length > 0) return;
  report(
    ctx,
    ['critical'],
    contacts.critical,
    'prod needs a human pager: add an sms subscription (an E.164 number such as +15550123) or an https paging endpoint (such as PagerDuty) to contacts.critical, or a critical alarm reaches nobody',
  );
}

/** The `contacts` section: every severity is listed, even when nobody subscribes to it; prod pages a person. */
export function contactsSchema(context: RuleContext): z.ZodType<EscalationContacts> {
  const contacts = section('the SNS subscriptions of each severity', {
    critical: subscriptions,
    high: subscriptions,
    medium: subscriptions,
  });
  return context.prod ? contacts.superRefine(prodPagesAHuman, { when: whenTyped('critical') }) : contacts;
}
