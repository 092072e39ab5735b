// The failover decision as the seeded world holds it: the two signal alarms the machine re-checks, the composite alarms built from the table, and the rule that starts a run.
import { evaluateAlarmRule, type AlarmStateValue } from '../alarm-rule';
import { callArgument, callArguments } from '../machine';
import type { ScenarioContext } from '../scenario';
import type { FailoverDeployment } from './failover-facts';

/** A composite alarm of the secondary, its rule evaluated against the alarm states now. */
export interface EvaluatedComposite {
  readonly name: string;
  readonly arn: string;
  readonly rule: string;
  readonly inAlarm: boolean;
  readonly alarmActions: string[];
}

/** The signal alarms the machine's RecheckDecision reads, in the order of the decision: S1 (probe), S2 (Route 53 view). */
export function signalAlarms(deployment: FailoverDeployment): { probe: string; route53: string } {
  const [names] = callArguments(deployment.machine, 'cloudwatch:describeAlarms').map((args) => args.AlarmNames);
  if (!Array.isArray(names) || names.length !== 2) {
    throw new Error(`${deployment.machine.name} re-checks no pair of signal alarms`);
  }
  return { probe: String(names[0]), route53: String(names[1]) };
}

/** Sets an alarm's state as its metric would (moto evaluates no metric alarm). */
export async function setAlarmState(
  context: ScenarioContext,
  region: string,
  name: string,
  state: AlarmStateValue,
): Promise<void> {
  await context.client.call('cloudwatch', region, 'SetAlarmState', {
    AlarmName: name,
    StateValue: state,
    StateReason: `drill: set to ${state}`,
  });
}

/** Every composite alarm of the secondary (from the assembly), evaluated against the alarm states moto holds now. */
export async function evaluateComposites(
  context: ScenarioContext,
  deployment: FailoverDeployment,
): Promise<EvaluatedComposite[]> {
  const states = new Map<string, AlarmStateValue>();
  let nextToken: string | undefined;
  do {
    const page = await context.client.call<{
      MetricAlarms?: { AlarmName: string; AlarmArn: string; StateValue: AlarmStateValue }[];
      NextToken?: string;
    }>('cloudwatch', deployment.secondary, 'DescribeAlarms', {
      AlarmTypes: ['MetricAlarm'],
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
    for (const alarm of page.MetricAlarms ?? []) {
      states.set(alarm.AlarmName, alarm.StateValue);
      states.set(alarm.AlarmArn, alarm.StateValue);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  const stateOf = (alarm: string): AlarmStateValue => {
    const state = states.get(alarm);
    if (!state)
      throw new Error(`a composite alarm rule names ${alarm}, which is not an alarm of ${deployment.secondary}`);
    return state;
  };
  return context.world
    .resources('AWS::CloudWatch::CompositeAlarm', deployment.secondary)
    .map(({ stack, properties }) => {
      const name = String(properties.AlarmName);
      const rule = String(properties.AlarmRule);
      return {
        name,
        arn: `arn:aws:cloudwatch:${stack.region}:${stack.account}:alarm:${name}`,
        rule,
        inAlarm: evaluateAlarmRule(rule, stateOf),
        alarmActions: ((properties.AlarmActions as unknown[] | undefined) ?? []).map(String),
      };
    });
}

/** The EventBridge rule that starts the machine: the alarms its pattern matches, and its target's input transformer. */
export interface FailoverTrigger {
  readonly ruleName: string;
  readonly alarmArns: string[];
  readonly inputPaths: Record<string, string>;
  readonly inputTemplate: string;
}

export function failoverTrigger(context: ScenarioContext, deployment: FailoverDeployment): FailoverTrigger {
  for (const { logicalId, properties } of context.world.resources('AWS::Events::Rule', deployment.secondary)) {
    const targets = (properties.Targets as { Arn: string; InputTransformer?: Record<string, unknown> }[]) ?? [];
    const target = targets.find((candidate) => candidate.Arn === deployment.machine.arn);
    if (!target?.InputTransformer) continue;
    const pattern = properties.EventPattern as { resources?: string[] };
    return {
      ruleName: String(properties.Name ?? logicalId),
      alarmArns: pattern.resources ?? [],
      inputPaths: target.InputTransformer.InputPathsMap as Record<string, string>,
      inputTemplate: String(target.InputTransformer.InputTemplate),
    };
  }
  throw new Error(`no rule of ${deployment.secondary} starts ${deployment.machine.name} with an input transformer`);
}

/** The input EventBridge gives the target for `event`: each `<name>` of the template replaced by its path's value, as JSON. */
export function transformInput(trigger: FailoverTrigger, event: unknown): unknown {
  const valueAt = (path: string) =>
    path
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
  const text = trigger.inputTemplate.replace(/<([\w-]+)>/g, (_whole, name: string) => {
    const path = trigger.inputPaths[name];
    if (path === undefined)
      throw new Error(`the input template of ${trigger.ruleName} names <${name}>, not in its paths`);
    return JSON.stringify(valueAt(path) ?? null);
  });
  return JSON.parse(text) as unknown;
}

/** The topic the machine's notices go to (its sns:publish calls). */
export function alertTopicArn(deployment: FailoverDeployment): string {
  return callArgument(deployment.machine, 'sns:publish', 'TopicArn');
}
