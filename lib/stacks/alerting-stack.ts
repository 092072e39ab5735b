// Alerting of one region: the severity topics that every alarm in that region publishes to, and the escalation that pages on the critical one.
import type { Construct } from 'constructs';
import { incidentTableName } from '../contract';
import {
  alertTopicNamePrefix,
  deployFreezeGuardPolicyName,
  stackDescription,
  stageLabel,
  stateMachineName,
} from '../naming';
import { AlertTopics } from '../constructs/alert-topics';
import { DeployFreezeSwitch } from '../constructs/deploy-freeze';
import { DeployFreezeGuard } from '../constructs/deploy-freeze-guard';
import { Escalation } from '../constructs/paging';
import { DrStack, type DrStackProps } from './dr-stack';

/** Props of {@link AlertingStack}. */
export type AlertingStackProps = Omit<DrStackProps, 'purpose' | 'priority'>;

/** The acknowledgement command (scripts/page-ack.ts) as pages tell the operator to run it. */
export const PAGE_ACK_COMMAND = 'node --import tsx scripts/page-ack.ts';

/** Severity topics of one region and stage, and the escalation of its critical alarms. */
export class AlertingStack extends DrStack {
  public readonly alerts: AlertTopics;
  /** Pages the plan's three levels for each critical alarm of this region until acknowledged. */
  public readonly escalation: Escalation;
  /** This region's copy of the deploy freeze switch, which pages the high topic when it changes. */
  public readonly deployFreeze: DeployFreezeSwitch;

  constructor(scope: Construct, props: AlertingStackProps) {
    super(scope, {
      ...props,
      purpose: 'Alerting',
      priority: 'critical',
      description: stackDescription(props.config, props.regionConfig, 'alert topics and paging'),
    });
    this.alerts = new AlertTopics(this, 'Alerts', {
      namePrefix: alertTopicNamePrefix(this.config),
      contacts: this.config.contacts,
    });
    this.escalation = new Escalation(this, 'Escalation', {
      stageLabel: stageLabel(this.config),
      namePrefix: alertTopicNamePrefix(this.config),
      stateMachineName: stateMachineName(this.config, props.regionConfig, 'escalation'),
      tableName: incidentTableName(this.config.stage),
      ...(this.config.contacts.escalation ? { levels: this.config.contacts.escalation } : {}),
      criticalTopic: this.alerts.topic('critical'),
      highTopic: this.alerts.topic('high'),
      key: this.alerts.key,
      ackCommand: `${PAGE_ACK_COMMAND} --stage ${this.config.stage} --region ${props.regionConfig.region}`,
    });
    // Step 1 of the deploy order: the switch exists before any other stack, in both regions.
    this.deployFreeze = new DeployFreezeSwitch(this, 'DeployFreeze', {
      stage: this.config.stage,
      guardedRoleNames: this.config.pipeline.deployRoleNames,
      highTopic: this.alerts.topic('high'),
      stageLabel: stageLabel(this.config),
    });
    // IAM is global: the primary's stack holds the one guard policy of the stage.
    if (props.regionConfig.role === 'primary') {
      new DeployFreezeGuard(this, 'DeployFreezeGuard', {
        policyName: deployFreezeGuardPolicyName(this.config),
        roleNames: this.config.pipeline.deployRoleNames,
      });
    }
  }
}
