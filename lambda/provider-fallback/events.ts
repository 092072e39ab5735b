// What the fallback reads from its event: the alarm that changed and its new state, from EventBridge's CloudWatch alarm state change.

/** Thrown for an event the fallback cannot read: Lambda retries it and then keeps it in the DLQ. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/** The alarm change an event reports. */
export interface AlarmChange {
  readonly alarmName: string;
  readonly state: string;
  /** CloudWatch's reason, for the page. */
  readonly reason: string;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedEventError(`${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

/** The alarm change of a `CloudWatch Alarm State Change` event. */
export function parseAlarmChange(event: unknown): AlarmChange {
  const body = record(event, 'the event');
  if (body['detail-type'] !== 'CloudWatch Alarm State Change') {
    throw new MalformedEventError(
      `an event of type ${JSON.stringify(body['detail-type'])} is not a CloudWatch alarm state change`,
    );
  }
  const detail = record(body.detail, 'the event detail');
  const state = record(detail.state, 'the alarm state');
  if (typeof detail.alarmName !== 'string' || detail.alarmName === '' || typeof state.value !== 'string') {
    throw new MalformedEventError('the alarm event has no alarmName or state.value');
  }
  return {
    alarmName: detail.alarmName,
    state: state.value,
    reason: typeof state.reason === 'string' ? state.reason : '',
  };
}
