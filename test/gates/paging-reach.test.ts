// Every alarm of both stages reaches a human path for its priority: alarm action → severity topic → (critical) escalation rule → state machine → level topics → subscriptions.
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { STAGES, type Severity, type Stage } from '../../lib/config';
import { ESCALATION_LEVELS } from '../../lib/contract';
import { synthStage } from '../helpers/synth';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

interface StackTemplate {
  readonly name: string;
  readonly region: string;
  readonly resources: Record<string, Resource>;
  readonly outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** A topic as the walk knows it: where it is and what it is called. */
interface TopicRef {
  readonly stack: StackTemplate;
  readonly logicalId: string;
}

function stacksOf(stage: Stage): StackTemplate[] {
  return synthStage(stage)
    .assembly.stacks.filter((artifact) => artifact instanceof CloudFormationStackArtifact)
    .map((artifact) => {
      const template = artifact.template as {
        Resources?: Record<string, Resource>;
        Outputs?: StackTemplate['outputs'];
      };
      return {
        name: artifact.stackName,
        region: artifact.environment.region,
        resources: template.Resources ?? {},
        outputs: template.Outputs ?? {},
      };
    });
}

/**
 * The topic an alarm action names: a Ref in the same stack, or another stack's output, read with
 * Fn::GetStackOutput (what this app's cross-stack references synthesize to) or Fn::ImportValue.
 */
function topicOf(action: unknown, stack: StackTemplate, stacks: readonly StackTemplate[]): TopicRef | undefined {
  const ref = (action as { Ref?: string }).Ref;
  if (ref && stack.resources[ref]?.Type === 'AWS::SNS::Topic') return { stack, logicalId: ref };
  const topicIn = (other: StackTemplate | undefined, value: unknown): TopicRef | undefined => {
    const id = (value as { Ref?: string } | undefined)?.Ref;
    return other && id && other.resources[id]?.Type === 'AWS::SNS::Topic' ? { stack: other, logicalId: id } : undefined;
  };
  const output = (action as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })['Fn::GetStackOutput'];
  if (output) {
    const other = stacks.find((candidate) => candidate.name === output.StackName);
    return topicIn(other, other?.outputs[output.OutputName]?.Value);
  }
  const imported = (action as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue'];
  for (const other of stacks.filter((candidate) => candidate.region === stack.region)) {
    for (const value of Object.values(other.outputs)) {
      if (imported !== undefined && value.Export?.Name === imported) return topicIn(other, value.Value);
    }
  }
  return undefined;
}

const topicName = (topic: TopicRef) => String(topic.stack.resources[topic.logicalId]!.Properties?.TopicName ?? '');

/** The severity of an alert topic, from its name (`<prefix>-alerts-<severity>`). */
function severityOf(topic: TopicRef): Severity | undefined {
  return /-alerts-(critical|high|medium)$/.exec(topicName(topic))?.[1] as Severity | undefined;
}

/** Protocols of the subscriptions of a topic. */
function subscribers(topic: TopicRef): string[] {
  return Object.values(topic.stack.resources)
    .filter((resource) => resource.Type === 'AWS::SNS::Subscription')
    .filter((resource) => (resource.Properties?.TopicArn as { Ref?: string })?.Ref === topic.logicalId)
    .map((resource) => String(resource.Properties?.Protocol));
}

const PAGERS = new Set(['sms', 'https']);

/**
 * The critical path of a region's alerting stack: a rule on every alarm's change to ALARM that starts
 * a state machine whose Classify compares with this critical topic and which publishes to the level
 * topics. Returns the level topics in order, or why the path is broken.
 */
function escalationFrom(critical: TopicRef): { levels: TopicRef[] } | { broken: string } {
  const { stack } = critical;
  const rules = Object.values(stack.resources).filter((resource) => {
    if (resource.Type !== 'AWS::Events::Rule') return false;
    const pattern = resource.Properties?.EventPattern as Record<string, unknown> | undefined;
    return (
      JSON.stringify(pattern?.source) === '["aws.cloudwatch"]' &&
      JSON.stringify(pattern?.['detail-type']) === '["CloudWatch Alarm State Change"]' &&
      JSON.stringify(pattern?.detail) === '{"state":{"value":["ALARM"]}}' &&
      pattern?.resources === undefined &&
      resource.Properties?.State !== 'DISABLED'
    );
  });
  if (rules.length === 0) return { broken: `${stack.name} has no enabled rule on every alarm's change to ALARM` };
  const targets = rules.flatMap((rule) =>
    (rule.Properties?.Targets as { Arn: { Ref?: string } }[]).map((target) => target.Arn.Ref),
  );
  const machineId = targets.find((id) => id && stack.resources[id]?.Type === 'AWS::StepFunctions::StateMachine');
  if (!machineId) return { broken: `the rule of ${stack.name} starts no state machine of its stack` };
  const definition = JSON.stringify(stack.resources[machineId]!.Properties?.DefinitionString);
  // The Classify state compares the alarm's actions with the critical topic's ARN (a Ref in the definition).
  if (!definition.includes(`"' in $append`) || !definition.includes(`{"Ref":"${critical.logicalId}"}`)) {
    return { broken: `${machineId} does not classify alarms by ${critical.logicalId}` };
  }
  const levels = ESCALATION_LEVELS.map(({ level }) =>
    Object.keys(stack.resources).find(
      (id) =>
        stack.resources[id]!.Type === 'AWS::SNS::Topic' &&
        String(stack.resources[id]!.Properties?.TopicName).endsWith(`-page-level-${level}`) &&
        definition.includes(`{"Ref":"${id}"}`),
    ),
  );
  if (levels.some((id) => id === undefined)) return { broken: `${machineId} does not publish to every level topic` };
  return { levels: levels.map((logicalId) => ({ stack, logicalId: logicalId! })) };
}

/** What each alarm reaches: its priority and the problem with its path, if any. */
function walk(stage: Stage): { alarms: number; problems: string[]; byPriority: Record<string, number> } {
  const stacks = stacksOf(stage);
  const humans = stage === 'prod';
  const problems: string[] = [];
  const byPriority: Record<string, number> = {};
  let alarms = 0;
  for (const stack of stacks) {
    for (const [id, resource] of Object.entries(stack.resources)) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm' && resource.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
      alarms += 1;
      const where = `${stack.name}/${id}`;
      const actions = (resource.Properties?.AlarmActions as unknown[] | undefined) ?? [];
      const severities = actions
        .map((action) => topicOf(action, stack, stacks))
        .filter((topic): topic is TopicRef => topic !== undefined && severityOf(topic) !== undefined);
      if (severities.length === 0) {
        problems.push(`${where}: no alarm action notifies an alert topic`);
        continue;
      }
      for (const topic of severities) {
        const severity = severityOf(topic)!;
        byPriority[severity] = (byPriority[severity] ?? 0) + 1;
        if (severity === 'critical') {
          const escalation = escalationFrom(topic);
          if ('broken' in escalation) {
            problems.push(`${where}: ${escalation.broken}`);
            continue;
          }
          if (humans) {
            for (const [index, level] of escalation.levels.entries()) {
              if (!subscribers(level).some((protocol) => PAGERS.has(protocol))) {
                problems.push(`${where}: escalation level ${index + 1} (${topicName(level)}) pages nobody`);
              }
            }
          }
        } else if (humans) {
          const reached = subscribers(topic).filter((protocol) => severity === 'medium' || PAGERS.has(protocol));
          if (reached.length === 0) problems.push(`${where}: ${topicName(topic)} reaches nobody`);
        }
      }
    }
  }
  return { alarms, problems, byPriority };
}

describe.each(STAGES)('%s', (stage) => {
  test(
    stage === 'prod'
      ? 'every alarm notifies a severity topic, and each reaches a person: critical through every escalation level, high by a pager, medium by anyone'
      : 'every alarm notifies a severity topic, and every critical one is escalated (staging has no contacts by default, so who is reached is config)',
    () => {
      const { alarms, problems, byPriority } = walk(stage);
      expect(alarms).toBeGreaterThan(20);
      expect(byPriority.critical).toBeGreaterThan(0);
      expect(byPriority.high).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );
});

test('fails when the escalation rule of a region filters on some alarms only', () => {
  const stacks = stacksOf('prod');
  const alerting = stacks.find((stack) => stack.name.endsWith('-Alerting'))!;
  const criticalId = Object.keys(alerting.resources).find((id) =>
    String(alerting.resources[id]!.Properties?.TopicName).endsWith('-alerts-critical'),
  )!;
  const narrowed: StackTemplate = {
    ...alerting,
    resources: Object.fromEntries(
      Object.entries(alerting.resources).map(([id, resource]) => [
        id,
        resource.Type === 'AWS::Events::Rule'
          ? {
              ...resource,
              Properties: {
                ...resource.Properties,
                EventPattern: {
                  ...(resource.Properties?.EventPattern as object),
                  resources: ['arn:aws:cloudwatch:us-east-1:1:alarm:one'],
                },
              },
            }
          : resource,
      ]),
    ),
  };
  expect(escalationFrom({ stack: alerting, logicalId: criticalId })).toHaveProperty('levels');
  expect(escalationFrom({ stack: narrowed, logicalId: criticalId })).toEqual({
    broken: `${alerting.name} has no enabled rule on every alarm's change to ALARM`,
  });
});
