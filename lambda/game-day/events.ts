// What the game-day recorder is asked to do, validated: record a run's result, audit missing results, or render the communication test's notices.
import { GAME_DAY_IDS, type GameDayId, type GameDayStep } from '../../lib/contract/game-days';

/** Thrown for an event the recorder cannot read; the state machine's step fails with it. */
export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

/** What the state machine read while the game day ran, for the checklist. */
export interface GameDayFacts {
  /** Region of the Aurora writer once the game day moved it back (DescribeGlobalClusters). */
  readonly writerRegionAfter?: string;
  /** The configured primary region, where the writer must end. */
  readonly primaryRegion?: string;
  /** Names of the region's alarms in INSUFFICIENT_DATA at the end of the run (DescribeAlarms). */
  readonly alarmsWithoutData?: readonly string[];
  /** Who acknowledged the test page (the incident table), absent when nobody did in time. */
  readonly acknowledgedBy?: string;
  /** Who approved a prod run (SendTaskSuccess output). */
  readonly approvedBy?: string;
  /** Why the application test did not run the cache warm-up (a read-only Global Datastore member); absent when it ran. */
  readonly warmUpNotExercised?: string;
}

export interface RecordRequest {
  readonly action: 'record';
  readonly gameDay: GameDayId;
  /** The execution's name and start time (`$states.context.Execution`). */
  readonly execution: string;
  readonly startedAt: string;
  readonly steps: readonly GameDayStep[];
  readonly facts: GameDayFacts;
}

export interface AuditRequest {
  readonly action: 'audit';
}

export interface RenderRequest {
  readonly action: 'render-notices';
  readonly gameDay: GameDayId;
  readonly execution: string;
  readonly startedAt: string;
}

export type GameDayRequest = RecordRequest | AuditRequest | RenderRequest;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new MalformedEventError(`${key} must be a non-empty string`);
  return value;
}

function gameDay(body: Record<string, unknown>): GameDayId {
  const value = body.gameDay;
  if (!GAME_DAY_IDS.includes(value as GameDayId)) {
    throw new MalformedEventError(`gameDay must be one of ${GAME_DAY_IDS.join(', ')}, got: ${JSON.stringify(value)}`);
  }
  return value as GameDayId;
}

function step(value: unknown, index: number): GameDayStep {
  const at = `steps[${index}]`;
  if (!isObject(value)) throw new MalformedEventError(`${at} must be an object`);
  const { name, startedAt, endedAt, succeeded, detail } = value;
  if (typeof name !== 'string' || name === '') throw new MalformedEventError(`${at}.name must be a non-empty string`);
  if (typeof startedAt !== 'number' || typeof endedAt !== 'number' || endedAt < startedAt) {
    throw new MalformedEventError(`${at} must have numeric startedAt <= endedAt (epoch milliseconds)`);
  }
  if (typeof succeeded !== 'boolean') throw new MalformedEventError(`${at}.succeeded must be true or false`);
  if (detail !== undefined && typeof detail !== 'string')
    throw new MalformedEventError(`${at}.detail must be a string`);
  return { name, startedAt, endedAt, succeeded, ...(detail !== undefined ? { detail } : {}) };
}

function facts(value: unknown): GameDayFacts {
  if (value === undefined) return {};
  if (!isObject(value)) throw new MalformedEventError('facts must be an object');
  const out: Record<string, unknown> = {};
  for (const key of [
    'writerRegionAfter',
    'primaryRegion',
    'acknowledgedBy',
    'approvedBy',
    'warmUpNotExercised',
  ] as const) {
    const field = value[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') throw new MalformedEventError(`facts.${key} must be a string`);
    out[key] = field;
  }
  const alarms = value.alarmsWithoutData;
  if (alarms !== undefined && alarms !== null) {
    if (!Array.isArray(alarms) || !alarms.every((name) => typeof name === 'string')) {
      throw new MalformedEventError('facts.alarmsWithoutData must be a list of alarm names');
    }
    out.alarmsWithoutData = alarms;
  }
  return out as GameDayFacts;
}

/** The request of `event`; throws {@link MalformedEventError} naming the first problem. */
export function parseRequest(event: unknown): GameDayRequest {
  if (!isObject(event)) throw new MalformedEventError('the event must be a JSON object with an action');
  switch (event.action) {
    case 'audit':
      return { action: 'audit' };
    case 'render-notices':
      return {
        action: 'render-notices',
        gameDay: gameDay(event),
        execution: text(event, 'execution'),
        startedAt: text(event, 'startedAt'),
      };
    case 'record': {
      // Step Functions hands over an empty JSONata list as `[]` and a one-item list as the item itself.
      const raw = Array.isArray(event.steps) ? event.steps : event.steps === undefined ? [] : [event.steps];
      return {
        action: 'record',
        gameDay: gameDay(event),
        execution: text(event, 'execution'),
        startedAt: text(event, 'startedAt'),
        steps: raw.map(step),
        facts: facts(event.facts),
      };
    }
    default:
      throw new MalformedEventError(
        `action must be one of record, audit, render-notices, got: ${JSON.stringify(event.action)}`,
      );
  }
}
