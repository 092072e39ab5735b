// The deploy freeze of one region: the switch `dr freeze` flips, the list of roles it tags, and the rule that pages at high priority on every change to the switch.
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FREEZE_INITIAL, freezeParameters } from '../contract/deploy-freeze';

/** Props of {@link DeployFreezeSwitch}. */
export interface DeployFreezeSwitchProps {
  /** The stage whose parameters these are (lib/contract `freezeParameters`). */
  readonly stage: string;
  /** The deploy roles `dr freeze on` tags, so the guard attached to them denies (config `pipeline.deployRoleNames`). */
  readonly guardedRoleNames: readonly string[];
  /** The region's high alert topic: it pages the on-call engineer at once (lib/constructs/alert-topics.ts). */
  readonly highTopic: sns.ITopic;
  /** How pages name the stage, for example `async-toolformer prod`. */
  readonly stageLabel: string;
}

/**
 * One region's copy of the freeze switch. Both regions hold one, so a freeze can be set and read
 * while either region is lost; `dr freeze on|off` writes both.
 *
 * The page comes from an EventBridge rule on the parameter's changes rather than from the CLI: any
 * write pages, including the raw `aws ssm put-parameter` of the runbook and a lift by someone who
 * should not (a compromised pipeline is the scenario the freeze exists for), and a CLI that crashed
 * after writing cannot skip it. The rule matches updates and deletes, not the create of the first
 * deploy, which sets the switch off.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
export class DeployFreezeSwitch extends Construct {
  public readonly parameter: ssm.StringParameter;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DeployFreezeSwitchProps) {
    super(scope, id);
    if (props.guardedRoleNames.length === 0) {
      throw new Error(
        `${this.node.path}: guardedRoleNames is empty; name the deploy role (config pipeline.deployRoleNames)`,
      );
    }
    const names = freezeParameters(props.stage);
    // CloudFormation writes the value only when it creates the parameter (or its definition changes);
    // after that `dr freeze` owns it, and a deploy cannot run while it is on.
    this.parameter = new ssm.StringParameter(this, 'Resource', {
      parameterName: names.freeze,
      stringValue: JSON.stringify(FREEZE_INITIAL),
      description:
        'Deploy freeze switch, written by dr freeze on|off in both regions; the deploy workflow refuses while it is on',
    });
    new ssm.StringListParameter(this, 'GuardedRoles', {
      parameterName: names.guardedRoles,
      stringListValue: [...props.guardedRoleNames],
      description: 'Deploy roles that dr freeze on tags; the freeze guard policy attached to them then denies',
    });
    this.rule = new events.Rule(this, 'Changed', {
      description: `Pages at high priority when the deploy freeze switch ${names.freeze} is set, lifted or deleted`,
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['Parameter Store Change'],
        detail: { name: [names.freeze], operation: ['Update', 'Delete'] },
      },
    });
    const operation = events.EventField.fromPath('$.detail.operation');
    this.rule.addTarget(
      new targets.SnsTopic(props.highTopic, {
        message: events.RuleTargetInput.fromText(
          `${props.stageLabel}: the deploy freeze switch ${names.freeze} changed (${operation}) in ` +
            `${events.EventField.region} at ${events.EventField.time}. Read who set it and why: ` +
            `dr freeze status --stage ${props.stage}`,
        ),
      }),
    );
  }
}
