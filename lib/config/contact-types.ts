// Types of the contacts section of the config: who the alerts and the plan's escalation reach, and how.
import type { EscalationLevelKey } from '../contract/paging';
import type { Severity } from './types';

/** Protocols of SNS subscriptions that escalation contacts can use. */
export type SubscriptionProtocol = 'email' | 'sms' | 'https';

/** One SNS subscription of an escalation contact. */
export interface ContactSubscription {
  readonly protocol: SubscriptionProtocol;
  /** An email address, an E.164 phone number, or an https URL (for example a PagerDuty endpoint). */
  readonly endpoint: string;
}

/**
 * A person of the plan's escalation: what pages them (a text, or a paging service's https endpoint
 * such as PagerDuty's Events API integration) and optionally an email. At least one pager.
 */
export interface EscalationContact {
  /**
   * E.164 mobile number that gets a text for each page, for example `+15550123`.
   * @default - no text; then `https` must be given
   */
  readonly sms?: string;
  /**
   * Email address that gets each page too (and the medium alerts, for the on-call engineer).
   * @default - no email
   */
  readonly email?: string;
  /**
   * https endpoint of a paging service subscribed to this level's topic, for example PagerDuty's
   * Amazon SNS integration URL (docs/alerting.md, "Paging through PagerDuty").
   * @default - no paging service
   */
  readonly https?: string;
}

/** The three levels of the plan's internal escalation, by {@link EscalationLevelKey}. */
export type EscalationLevels = Readonly<Record<EscalationLevelKey, EscalationContact>>;

/**
 * SNS subscriptions per alert severity (extra subscribers of each priority's topic), and the people
 * of the escalation, whom critical alarms page level by level (lib/constructs/paging).
 */
export type EscalationContacts = Readonly<Record<Severity, readonly ContactSubscription[]>> & {
  /**
   * The on-call engineer, engineering manager and CTO. Critical alarms page them at the plan's 0,
   * 15 and 30 minutes until acknowledged; high alarms page the on-call engineer; medium alarms
   * notify the on-call engineer (by email when given, by text otherwise).
   * @default - nobody: the escalation runs, and pages the level topics, which nobody subscribes to
   */
  readonly escalation?: EscalationLevels;
  /**
   * Subscribers of the customers' notice topic in both regions (the plan's email alerts for
   * enterprise customers): email addresses, or an https endpoint that relays to them. Both regions,
   * because the notice of a region's loss is sent from the other one.
   * @default - nobody: the notices reach the status page only
   */
  readonly customers?: readonly ContactSubscription[];
};
