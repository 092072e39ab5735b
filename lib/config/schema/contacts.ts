// Schema of the escalation contacts: per severity, SNS subscriptions whose endpoint fits their protocol.
import { z } from 'zod';
import type { ContactSubscription, EscalationContacts } from '../types';
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

const subscriptions = z.array(subscription, { error: 'give a list of subscriptions, [] for none' });

/** The `contacts` section: every severity is listed, even when nobody subscribes to it. */
export const contactsSchema: z.ZodType<EscalationContacts> = section('the SNS subscriptions of each severity', {
  critical: subscriptions,
  high: subscriptions,
  medium: subscriptions,
});
