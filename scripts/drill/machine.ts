// What a scenario reads from a seeded state machine's definition: its states (Parallel branches included), by name or by the call they make.
import type { SeededStateMachine } from './world';

/** A state of an ASL definition, as much of it as the drill reads. */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Arguments?: Record<string, unknown>;
  readonly Assign?: unknown;
  readonly Branches?: { States: Record<string, AslState> }[];
}

/** Every state of `machine`, with its name, those of Parallel branches included. */
export function statesOf(machine: SeededStateMachine): { name: string; state: AslState }[] {
  const found: { name: string; state: AslState }[] = [];
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push({ name, state });
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit((JSON.parse(machine.definition) as { States: Record<string, AslState> }).States);
  return found;
}

/**
 * The arguments of the states of `machine` that call `service:action` (an aws-sdk task such as
 * `dynamodb:putItem`, or an optimized one such as `sns:publish`), those matching `where` only.
 */
export function callArguments(
  machine: SeededStateMachine,
  call: string,
  where: (args: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown>[] {
  return statesOf(machine)
    .filter(({ state }) => state.Resource?.endsWith(`:${call}`) && where(state.Arguments ?? {}))
    .map(({ state }) => state.Arguments ?? {});
}

/** The one string argument `member` of the calls to `call` (matching `where`); throws when absent or ambiguous. */
export function callArgument(
  machine: SeededStateMachine,
  call: string,
  member: string,
  where?: (args: Record<string, unknown>) => boolean,
): string {
  const values = [
    ...new Set(
      callArguments(machine, call, where)
        .map((args) => args[member])
        .filter((value): value is string => typeof value === 'string' && !value.startsWith('{%')),
    ),
  ];
  if (values.length !== 1) {
    throw new Error(
      `${machine.name} has ${values.length} literal ${member} in its ${call} calls: ${values.join(', ')}`,
    );
  }
  return values[0]!;
}
