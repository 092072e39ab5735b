// Alerting of one region: the severity topics that every alarm in that region publishes to.
import type { Construct } from 'constructs';
import { alertTopicNamePrefix, stackDescription } from '../naming';
import { AlertTopics } from '../constructs/alert-topics';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link AlertingStack}. */
export type AlertingStackProps = Omit<DrStackProps, 'purpose' | 'priority'>;

/** Severity topics of one region and stage. */
export class AlertingStack extends DrStack {
  public readonly alerts: AlertTopics;

  constructor(scope: Construct, props: AlertingStackProps) {
    super(scope, {
      ...props,
      purpose: 'Alerting',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'alert topics'),
    });
    this.alerts = new AlertTopics(this, 'Alerts', {
      namePrefix: alertTopicNamePrefix(this.config),
      contacts: this.config.contacts,
    });
  }
}
