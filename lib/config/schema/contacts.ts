// Schema of the escalation contacts: per severity, SNS subscriptions whose endpoint fits their protocol, the escalation's three levels; prod reaches a human at every priority.
import { z } from 'zod';
import { ESCALATION_LEVELS } from '../../contract/paging';
import type { ContactSubscription, EscalationContact, EscalationContacts } from '../types';
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

/** Customers are told, never paged: a text to a customer's phone is not what the plan promises. */
const customerSubscriptions = subscriptions.superRefine(
  (list, ctx) => {
    list.forEach(({ protocol, endpoint }, index) => {
      if (protocol === 'sms') {
        report(
          ctx,
          [index, 'protocol'],
          `${protocol}:${endpoint}`,
          "customers get the plan's email alerts: use email, or https for a relay to them",
        );
      }
    });
  },
  { when: whenTyped() },
);

/** One level of the escalation: each channel optional, but at least a text or a paging service. */
const escalationContact = group('sms (E.164), and optionally email and https', {
  sms: z.string().optional(),
  email: z.string().optional(),
  https: z.string().optional(),
}).superRefine(
  (contact, ctx) => {
    for (const protocol of ['sms', 'email', 'https'] as const) {
      const endpoint = contact[protocol];
      if (endpoint !== undefined && !ENDPOINTS[protocol](endpoint)) {
        report(
          ctx,
          [protocol],
          endpoint,
          'use an E.164 number such as +15550123 for sms, an email address for email, an https:// URL for https',
        );
      }
    }
    if (contact.sms === undefined && contact.https === undefined) {
      report(
        ctx,
        ['sms'],
        contact.sms,
        'give sms (an E.164 number such as +15550123) or https (a paging endpoint such as PagerDuty): email alone pages nobody',
      );
    }
  },
  { when: whenTyped() },
);

const escalation = group(
  ESCALATION_LEVELS.map(({ key }) => key).join(', '),
  Object.fromEntries(ESCALATION_LEVELS.map(({ key }) => [key, escalationContact])) as Record<
    (typeof ESCALATION_LEVELS)[number]['key'],
    typeof escalationContact
  >,
);

/** The pagers of an escalation contact, as the subscriptions of its level's topic that page. */
function pagersOf(contact: EscalationContact): ContactSubscription[] {
  return [
    ...(contact.sms === undefined ? [] : [{ protocol: 'sms' as const, endpoint: contact.sms }]),
    ...(contact.https === undefined ? [] : [{ protocol: 'https' as const, endpoint: contact.https }]),
  ];
}

/**
 * Protocols that page a person: a text message, or an https endpoint of a paging service such as
 * PagerDuty. Email does not page: nobody is woken by it.
 */
const PAGING_PROTOCOLS: ReadonlySet<ContactSubscription['protocol']> = new Set(['sms', 'https']);

/**
 * The channels of `contacts` that page a person at critical severity: the escalation's first level
 * (its state machine pages it at once, lib/constructs/paging), and the critical topic's own pagers.
 */
export function humanPagers(contacts: EscalationContacts): readonly ContactSubscription[] {
  return [
    ...(contacts.escalation ? pagersOf(contacts.escalation.onCall) : []),
    ...contacts.critical.filter(({ protocol }) => PAGING_PROTOCOLS.has(protocol)),
  ];
}

/**
 * Who each priority reaches, as lib/constructs/alert-topics.ts subscribes them: the on-call engineer
 * of the escalation pages at high and is notified at medium (email, or a text without one).
 */
export function humansReached(contacts: EscalationContacts): Readonly<Record<keyof typeof PRIORITY_FIXES, number>> {
  const onCall = contacts.escalation?.onCall;
  return {
    critical: humanPagers(contacts).length,
    high:
      (onCall ? pagersOf(onCall).length : 0) +
      contacts.high.filter(({ protocol }) => PAGING_PROTOCOLS.has(protocol)).length,
    medium: (onCall ? 1 : 0) + contacts.medium.length,
  };
}

/** What each priority needs in prod without an escalation: a pager at critical and high, anyone at medium. */
const PRIORITY_FIXES = {
  critical:
    'an sms subscription (an E.164 number such as +15550123) or an https paging endpoint (such as PagerDuty) to contacts.critical',
  high: 'an sms or https subscription to contacts.high',
  medium: 'any subscription to contacts.medium',
} as const;

/**
 * Prod's alarms must reach a person at every priority; the rule is named for what it protects. With
 * an escalation every priority does (each level needs a pager), so the rule reads the subscriptions
 * only without one, and names each priority left unreached.
 */
function prodPagesAHuman(contacts: EscalationContacts, ctx: z.core.$RefinementCtx): void {
  if (contacts.escalation) return;
  const reached = humansReached(contacts);
  const unreached = (['critical', 'high', 'medium'] as const).filter((priority) => reached[priority] === 0);
  if (unreached.length === 0) return;
  report(
    ctx,
    ['escalation'],
    contacts.escalation,
    `prod needs a human pager: ${unreached.join(', ')} alarms reach nobody; give contacts.escalation (the on-call engineer, engineering manager and CTO, each with sms or https, as in lib/config/stages.ts), or add ${unreached.map((priority) => PRIORITY_FIXES[priority]).join(', and ')}`,
  );
}

/** The `contacts` section: every severity is listed, even when nobody subscribes to it; prod reaches a person at each. */
export function contactsSchema(context: RuleContext): z.ZodType<EscalationContacts> {
  const contacts = section('the SNS subscriptions of each severity', {
    critical: subscriptions,
    high: subscriptions,
    medium: subscriptions,
    escalation: escalation.optional(),
    customers: customerSubscriptions.optional(),
  });
  return context.prod
    ? contacts.superRefine(prodPagesAHuman, { when: whenTyped('critical', 'high', 'medium', 'escalation') })
    : contacts;
}
