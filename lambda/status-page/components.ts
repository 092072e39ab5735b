// The plan's components as the publisher's environment hands them over (built by its construct from the config's objectives).
import type { Component } from './incidents';

/** The components of `json` (`[{ "id": "core-api", "name": "Core API Service" }, ...]`); throws naming what is wrong. */
export function parseComponents(json: string): Component[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`STATUS_COMPONENTS must be a JSON list of { id, name }, got: ${json.slice(0, 80)}`);
  }
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Component).id === 'string' &&
        typeof (item as Component).name === 'string',
    )
  ) {
    throw new Error(`STATUS_COMPONENTS must be a non-empty JSON list of { id, name }, got: ${json.slice(0, 80)}`);
  }
  return (value as Component[]).map(({ id, name }) => ({ id, name }));
}
