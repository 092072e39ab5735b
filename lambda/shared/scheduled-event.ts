// The payload every EventBridge Scheduler target of this app receives, and its validation.

/** What a schedule sends: which schedule fired, so a function can refuse a payload meant for another. */
export interface ScheduledInvocation {
  readonly schedule: string;
}

/** Thrown for a payload that is not a {@link ScheduledInvocation} for this function; Scheduler retries, then dead-letters it. */
export class MalformedEventError extends Error {
  constructor(reason: string) {
    super(`malformed scheduled event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/** Validates `event` as a scheduled invocation of one of `schedules`. */
export function parseScheduledInvocation(event: unknown, schedules: readonly string[]): ScheduledInvocation {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MalformedEventError(`expected an object, got ${JSON.stringify(event)}`);
  }
  const { schedule } = event as { schedule?: unknown };
  if (typeof schedule !== 'string' || !schedules.includes(schedule)) {
    throw new MalformedEventError(`schedule must be one of ${schedules.join(', ')}, got ${JSON.stringify(schedule)}`);
  }
  return { schedule };
}
