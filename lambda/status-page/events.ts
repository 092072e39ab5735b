// What each event the publisher receives means for the status page: a table from alarms and failover runs to incident changes, worded for customers.
import { FAILOVER_ACTIONS, type FailoverAction } from '../../lib/contract/failover-input';
import {
  INCIDENT_STATUSES,
  STATUS_COMPONENT,
  type OperatorUpdate,
  type StatusComponentId,
} from '../../lib/contract/status-page';
import type { StatusChange } from './incidents';

/** The names the publisher recognizes, from its environment. */
export interface EventNames {
  readonly failoverStateMachineName: string;
  readonly activateAlarmName: string;
  readonly disagreementAlarmName: string;
}

/** Thrown for an event the publisher cannot read: Lambda retries it and then keeps it in the DLQ. */
export class MalformedEventError extends Error {}

/** One source for everything the region failover does, so the decision, the activation and the failback are one incident. */
const FAILOVER_SOURCE = 'region-failover';

const REGION_LOSS = {
  title: 'errors and unavailability of the API in one of our regions',
  affected: [STATUS_COMPONENT.coreApi, STATUS_COMPONENT.rateLimiting],
} as const;

/** Customer words for a failover run's state, by action; absent: the run changes nothing a customer sees. */
const FAILOVER_RUNS: Partial<
  Record<FailoverAction, Partial<Record<string, { status: 'identified' | 'monitoring' | 'resolved'; message: string }>>>
> = {
  activate: {
    RUNNING: { status: 'identified', message: 'We are moving the service to our standby region.' },
    SUCCEEDED: {
      status: 'monitoring',
      message: 'The service now runs from our standby region. We are monitoring it closely.',
    },
    FAILED: {
      status: 'identified',
      message: 'The automated move to our standby region did not complete; our engineers are completing it.',
    },
    TIMED_OUT: {
      status: 'identified',
      message: 'The automated move to our standby region did not complete; our engineers are completing it.',
    },
    ABORTED: { status: 'identified', message: 'Our engineers are moving the service to our standby region by hand.' },
  },
  failback: {
    RUNNING: { status: 'monitoring', message: 'We are moving the service back to our primary region.' },
    SUCCEEDED: {
      status: 'resolved',
      message: 'The service runs from our primary region again.',
    },
    FAILED: {
      status: 'identified',
      message: 'Moving back to our primary region did not complete; the service keeps running from the standby region.',
    },
  },
  // A planned switchover moves no customer into an incident: the page says nothing.
};

const FAILBACK_ROOT_CAUSE =
  'loss of service in our primary region; the service was moved to our standby region and, once the primary region had recovered, back to it';

/**
 * What CloudWatch namespaces say about the plan's components, for a critical alarm's notice: the
 * alarm's own name and description are internal and never reach the page.
 */
const NAMESPACE_COMPONENTS: readonly { prefix: string; affected: readonly StatusComponentId[] }[] = [
  { prefix: 'AWS/ElastiCache', affected: [STATUS_COMPONENT.rateLimiting] },
  { prefix: 'AWS/RDS', affected: [STATUS_COMPONENT.coreApi] },
  { prefix: 'AWS/S3', affected: [STATUS_COMPONENT.docs] },
  { prefix: 'AWS/Backup', affected: [STATUS_COMPONENT.monitoring] },
  { prefix: 'AWS/States', affected: [STATUS_COMPONENT.monitoring] },
];

function componentsOf(namespace: string | undefined): readonly StatusComponentId[] {
  return (
    NAMESPACE_COMPONENTS.find((entry) => namespace?.startsWith(entry.prefix))?.affected ?? [STATUS_COMPONENT.coreApi]
  );
}

/** What a changed alarm means: the decision's composites are the region failover; any other critical alarm is its own incident. */
export function alarmChange(
  names: EventNames,
  alarm: { name: string; state: string; namespace?: string },
): StatusChange | undefined {
  const decision = alarm.name === names.activateAlarmName || alarm.name === names.disagreementAlarmName;
  if (alarm.state === 'ALARM') {
    return decision
      ? {
          kind: 'open',
          source: FAILOVER_SOURCE,
          ...REGION_LOSS,
          impact: alarm.name === names.activateAlarmName ? 'outage' : 'degraded',
          status: 'investigating',
          message: 'Our monitoring shows the API failing in one of our regions. We are investigating.',
        }
      : {
          kind: 'open',
          source: `alarm:${alarm.name}`,
          title: 'degraded performance',
          impact: 'degraded',
          affected: componentsOf(alarm.namespace),
          status: 'investigating',
          message: 'Our monitoring raised a critical alert. We are investigating.',
        };
  }
  if (alarm.state === 'OK') {
    return decision
      ? {
          kind: 'resolve',
          source: FAILOVER_SOURCE,
          // After an activation, the failback resolves the incident, not the primary answering again.
          whileInvestigating: true,
          rootCause: 'a short loss of reachability of one region; it recovered without moving the service',
          message: 'The affected region serves normally again.',
        }
      : {
          kind: 'resolve',
          source: `alarm:${alarm.name}`,
          rootCause: 'the fault our monitoring detected cleared; the post-mortem will give its cause',
          message: 'The affected component performs normally again.',
        };
  }
  return undefined;
}

/** What a failover run's state change means, from its action (its input) and status. */
export function failoverRunChange(action: string | undefined, status: string): StatusChange | undefined {
  if (!FAILOVER_ACTIONS.includes(action as FailoverAction)) return undefined;
  const run = FAILOVER_RUNS[action as FailoverAction]?.[status];
  if (!run) return undefined;
  const { status: next, message } = run;
  if (next === 'resolved') {
    return { kind: 'resolve', source: FAILOVER_SOURCE, rootCause: FAILBACK_ROOT_CAUSE, message };
  }
  if (action === 'activate' && status === 'RUNNING') {
    // An activation an operator started without the decision's alarm opens the incident itself.
    return { kind: 'open', source: FAILOVER_SOURCE, ...REGION_LOSS, impact: 'outage', status: next, message };
  }
  return { kind: 'update', source: FAILOVER_SOURCE, status: next, message };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedEventError(`${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** True for `{ "kind": "refresh" }`: render and write the page with no change (the first page after a deploy). */
export function isRefresh(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { kind?: unknown }).kind === 'refresh';
}

/** The operator command's payload, validated: the same rules as its command line. */
export function operatorChange(update: Record<string, unknown>): StatusChange {
  const status = text(update.status);
  const message = text(update.message)?.trim();
  if (!INCIDENT_STATUSES.includes(status as OperatorUpdate['status'])) {
    throw new MalformedEventError(
      `status must be one of ${INCIDENT_STATUSES.join(', ')}, got: ${JSON.stringify(status)}`,
    );
  }
  if (!message) throw new MalformedEventError('message must be a non-empty string');
  const affected = update.affected;
  if (affected !== undefined && !(Array.isArray(affected) && affected.every((id) => typeof id === 'string'))) {
    throw new MalformedEventError('affected must be a list of component ids when given');
  }
  return {
    kind: 'operator',
    status: status as OperatorUpdate['status'],
    message,
    ...(affected ? { affected: affected as string[] } : {}),
  };
}

/**
 * The changes an event asks for: an EventBridge alarm or Step Functions event, an SNS delivery of
 * alarm notifications (the critical topic), or the operator command's update. An event of another
 * alarm or state machine than the publisher's names gives none.
 */
export function changesOf(event: unknown, names: EventNames): StatusChange[] {
  const body = record(event, 'the event');
  if (body.kind === 'operator-update') return [operatorChange(body)];
  // Writes the page again from the feed, as after the first deploy; see isRefresh.
  if (body.kind === 'refresh') return [];
  if (Array.isArray(body.Records)) {
    return body.Records.flatMap((entry) => {
      const sns = record(record(entry, 'an SNS record').Sns, 'an SNS record');
      let message: Record<string, unknown>;
      try {
        message = record(JSON.parse(text(sns.Message) ?? ''), 'the SNS message');
      } catch {
        throw new MalformedEventError('an SNS message is not a CloudWatch alarm notification');
      }
      const name = text(message.AlarmName);
      const state = text(message.NewStateValue);
      if (!name || !state) throw new MalformedEventError('an SNS message has no AlarmName or NewStateValue');
      const trigger = message.Trigger as Record<string, unknown> | undefined;
      const change = alarmChange(names, { name, state, namespace: text(trigger?.Namespace) });
      return change ? [change] : [];
    });
  }
  const detail = record(body.detail, 'the event detail');
  if (body['detail-type'] === 'CloudWatch Alarm State Change') {
    const name = text(detail.alarmName);
    const state = text(record(detail.state, 'the alarm state').value);
    if (!name || !state) throw new MalformedEventError('an alarm event has no alarmName or state.value');
    if (name !== names.activateAlarmName && name !== names.disagreementAlarmName) return [];
    const change = alarmChange(names, { name, state });
    return change ? [change] : [];
  }
  if (body['detail-type'] === 'Step Functions Execution Status Change') {
    const arn = text(detail.stateMachineArn) ?? '';
    if (!arn.endsWith(`:stateMachine:${names.failoverStateMachineName}`)) return [];
    let action: string | undefined;
    try {
      action = text(record(JSON.parse(text(detail.input) ?? '{}'), 'the run input').action);
    } catch {
      action = undefined;
    }
    const change = failoverRunChange(action, text(detail.status) ?? '');
    return change ? [change] : [];
  }
  throw new MalformedEventError(
    `an event of type ${JSON.stringify(body['detail-type'])} is not one the publisher reads`,
  );
}
