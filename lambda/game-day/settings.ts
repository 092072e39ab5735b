// The recorder's settings from its environment, parsed once at cold start; a bad value fails there, naming the variable.
import { GAME_DAY_ENV, GAME_DAY_IDS, type GameDayId } from '../../lib/contract/game-days';
import { parseComponents } from '../status-page/components';
import type { Component } from '../status-page/incidents';
import type { DueTime } from './audit';

export interface RecorderSettings {
  readonly bucket: string;
  readonly stateMachines: Readonly<Partial<Record<GameDayId, string>>>;
  readonly schedule: Readonly<Partial<Record<GameDayId, DueTime>>>;
  readonly graceHours: number;
  readonly objectiveSeconds: number;
  readonly components: readonly Component[];
  readonly statusHost: string;
}

function json(name: string, raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(
    `${name} must be a JSON object keyed by game day (${GAME_DAY_IDS.join(', ')}), got: ${raw.slice(0, 80)}`,
  );
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got: ${JSON.stringify(raw)}`);
  return value;
}

function keyedByGameDay<T>(
  name: string,
  raw: string,
  valid: (value: unknown) => value is T,
): Partial<Record<GameDayId, T>> {
  const parsed = json(name, raw);
  for (const [key, value] of Object.entries(parsed)) {
    if (!GAME_DAY_IDS.includes(key as GameDayId) || !valid(value)) {
      throw new Error(`${name}: "${key}" is not a game day with a valid value`);
    }
  }
  return parsed as Partial<Record<GameDayId, T>>;
}

const isDue = (value: unknown): value is DueTime =>
  typeof value === 'object' &&
  value !== null &&
  [1, 2, 3, 4].includes((value as DueTime).week) &&
  Number.isInteger((value as DueTime).hour) &&
  Number.isInteger((value as DueTime).minute);

/** Settings of the recorder from `env` (keys of {@link GAME_DAY_ENV}). */
export function parseSettings(env: Readonly<Record<string, string>>): RecorderSettings {
  return {
    bucket: env[GAME_DAY_ENV.bucket]!,
    stateMachines: keyedByGameDay(
      GAME_DAY_ENV.stateMachines,
      env[GAME_DAY_ENV.stateMachines]!,
      (value): value is string => typeof value === 'string' && value.startsWith('arn:'),
    ),
    schedule: keyedByGameDay(GAME_DAY_ENV.schedule, env[GAME_DAY_ENV.schedule]!, isDue),
    graceHours: positive(GAME_DAY_ENV.resultGraceHours, env[GAME_DAY_ENV.resultGraceHours]!),
    objectiveSeconds: positive(GAME_DAY_ENV.objectiveSeconds, env[GAME_DAY_ENV.objectiveSeconds]!),
    components: parseComponents(env[GAME_DAY_ENV.components]!),
    statusHost: env[GAME_DAY_ENV.statusHost]!,
  };
}
