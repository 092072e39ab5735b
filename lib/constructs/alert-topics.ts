// SNS topics by severity (the plan's priorities), encrypted with our key, with subscriptions from config.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  SEVERITIES,
  type ContactSubscription,
  type EscalationContact,
  type EscalationContacts,
  type Severity,
} from '../config';
import { EncryptionKey } from './encryption-key';

/** Props of {@link AlertTopics}. */
export interface AlertTopicsProps {
  /** Prefix of the topic names, for example `async-toolformer-prod`. */
  readonly namePrefix: string;
  /**
   * Subscriptions per severity, and the escalation, whose on-call engineer is paged by the high topic
   * and notified by the medium one (the critical topic's alarms page through `Escalation` (lib/constructs/paging)).
   */
  readonly contacts: EscalationContacts;
}

/** The SNS subscription of one configured contact channel. */
export function subscriptionFor(contact: ContactSubscription): sns.ITopicSubscription {
  switch (contact.protocol) {
    case 'email':
      return new subscriptions.EmailSubscription(contact.endpoint);
    case 'sms':
      return new subscriptions.SmsSubscription(contact.endpoint);
    case 'https':
      return new subscriptions.UrlSubscription(contact.endpoint, { protocol: sns.SubscriptionProtocol.HTTPS });
  }
}

/** An escalation contact's channels, as the subscriptions of its topics. */
export function channelsOf(contact: EscalationContact): ContactSubscription[] {
  return (['sms', 'https', 'email'] as const).flatMap((protocol) =>
    contact[protocol] === undefined ? [] : [{ protocol, endpoint: contact[protocol] }],
  );
}

/**
 * The on-call engineer's channels on each non-critical topic: high pages (text, paging service and
 * email), medium notifies (email, else the first pager). lib/config's `humansReached` counts the
 * same, so validation and subscriptions agree. A channel the severity's own list holds already is
 * left out: SNS takes one subscription per endpoint.
 */
function onCallChannels(contacts: EscalationContacts, severity: Severity): ContactSubscription[] {
  const onCall = contacts.escalation?.onCall;
  if (!onCall || severity === 'critical') return [];
  const channels = channelsOf(onCall);
  const wanted =
    severity === 'high' ? channels : [channels.find(({ protocol }) => protocol === 'email') ?? channels[0]!];
  const listed = new Set(contacts[severity].map(({ protocol, endpoint }) => `${protocol}:${endpoint}`));
  return wanted.filter(({ protocol, endpoint }) => !listed.has(`${protocol}:${endpoint}`));
}

/**
 * One topic per severity. Every alarm of the app publishes to one of these, so paging follows the
 * plan's priorities: critical escalates level by level (the alerting stack's `Escalation` (lib/constructs/paging)
 * starts on it), high pages the on-call engineer, medium notifies them.
 */
export class AlertTopics extends Construct {
  public readonly key: kms.IKey;
  private readonly topics: Record<Severity, sns.Topic>;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new EncryptionKey(this, 'Key', { purpose: `alert topics in ${stack.region}` }).key;
    // Alarms publish into encrypted topics only if they may use the key: alarms of this account and
    // region, which CloudWatch names in aws:SourceArn. EventBridge rules get their grant from the
    // rule's SnsTopic target (topic.grantPublish) without conditions: EventBridge sends KMS neither
    // aws:SourceAccount nor aws:SourceArn when it publishes to an encrypted topic, so a condition on
    // them would drop every event (SNS developer guide, key management).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.key = key;

    const topics = {} as Record<Severity, sns.Topic>;
    for (const severity of SEVERITIES) {
      const topic = new sns.Topic(this, severity, {
        topicName: `${props.namePrefix}-alerts-${severity}`,
        displayName: `${props.namePrefix} ${severity} alerts`,
        masterKey: key,
        enforceSSL: true,
      });
      for (const contact of props.contacts[severity]) topic.addSubscription(subscriptionFor(contact));
      for (const contact of onCallChannels(props.contacts, severity)) topic.addSubscription(subscriptionFor(contact));
      topics[severity] = topic;
    }
    this.topics = topics;
  }

  /** The topic that alarms of `severity` publish to. */
  public topic(severity: Severity): sns.ITopic {
    return this.topics[severity];
  }
}
