// Validation of the state Step Functions hands the Aurora restore validation: anything else is refused before AWS is called.
import { MalformedRestoreEventError, type RestoreJobEvent } from './validate-restore';
import type { ValidationState } from './restore-steps';

type Fields = Partial<Record<string, unknown>>;

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isVerdict = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as Fields).passed === 'boolean';

/** A start as the restore-job rule sends it: the job id, status and resource type of the event. */
function parseStart(state: Fields): RestoreJobEvent {
  if (!isString(state.restoreJobId) || !isString(state.status)) {
    throw new MalformedRestoreEventError(`a start needs restoreJobId and status, got ${JSON.stringify(state)}`);
  }
  return {
    restoreJobId: state.restoreJobId,
    status: state.status,
    resourceType: isString(state.resourceType) ? state.resourceType : undefined,
  };
}

/** Parses a state of {@link ValidationState}; throws {@link MalformedRestoreEventError} on anything else. */
export function parseState(event: unknown): ValidationState {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MalformedRestoreEventError(`expected a validation state, got ${JSON.stringify(event)}`);
  }
  const state = event as Fields;
  if (state.phase === 'start') return { phase: 'start', ...parseStart(state) };
  const validating =
    isString(state.restoreJobId) &&
    isString(state.clusterId) &&
    isString(state.clusterArn) &&
    isString(state.instanceId) &&
    isString(state.startedAt) &&
    isString(state.recoveryPointAt) &&
    typeof state.restoreSeconds === 'number';
  const known =
    ((state.phase === 'preparing' || state.phase === 'warming' || state.phase === 'reading') && validating) ||
    // A cleanup or a report carries the verdict it reports; without one it would act, then fail to record.
    ((state.phase === 'cleaning' || state.phase === 'reporting') &&
      isString(state.restoreJobId) &&
      isVerdict(state.verdict));
  if (known) return state as unknown as ValidationState;
  throw new MalformedRestoreEventError(`not a validation state: ${JSON.stringify(event).slice(0, 300)}`);
}
