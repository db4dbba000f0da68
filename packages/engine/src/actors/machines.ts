/**
 * Each party's postures as an XState v5 machine, built from the compiled
 * scenario with `setup({ guards, actions })`: guards are referenced by name with
 * parameters, never as inline closures, so the machine definition stays data.
 *
 * Two drivers step a party's posture and must agree exactly (tested):
 * - `xstate`: XState's pure `transition()` on the machine (sessions, play);
 * - `table`: the same transitions read from the compiled table, without the
 *   interpreter's per-event cost (batch runs).
 */
import { setup, transition, type AnyStateMachine } from 'xstate';
import type { World } from '../expr/compile.js';
import type { CompiledParty, CompiledScenario, CompiledTransition } from '../scenario/compiled.js';

export type MachineDriver = 'xstate' | 'table';

export interface TurnEvent {
  type: 'TURN';
  world: World;
}

/** Builds the XState machine of a party. The `fired` action carries the index of the transition taken, so the engine can explain it. */
export function buildPartyMachine(party: CompiledParty): AnyStateMachine {
  const guards: Record<string, (args: { event: TurnEvent }, params: { transition: number }) => boolean> = {
    // One guard implementation for every scenario condition: its params name the compiled condition.
    condition: ({ event }, params) => {
      const t = party.allTransitions[params.transition]!;
      return t.guard === null || t.guard(event.world);
    },
  };
  const states = Object.fromEntries(
    party.postures.map((name, i) => [
      name,
      {
        on: {
          TURN: party.transitions[i]!.map((t) => ({
            target: party.postures[t.to]!,
            ...(t.guard === null ? {} : { guard: { type: 'condition' as const, params: { transition: t.index } } }),
            actions: [{ type: 'fired' as const, params: { transition: t.index } }],
          })),
        },
      },
    ]),
  );
  return setup({
    types: { events: {} as TurnEvent },
    guards,
    actions: { fired: () => {} },
  }).createMachine({ id: party.id, initial: party.postures[party.initial]!, states });
}

const machineCache = new WeakMap<CompiledScenario, AnyStateMachine[]>();

/** The XState machines of a scenario's parties, built once per compiled scenario. */
export function partyMachines(scenario: CompiledScenario): AnyStateMachine[] {
  let machines = machineCache.get(scenario);
  if (!machines) {
    machines = scenario.parties.map(buildPartyMachine);
    machineCache.set(scenario, machines);
  }
  return machines;
}

/** The transition a party takes from its posture this turn, or null if it stays. */
export function nextTransition(
  scenario: CompiledScenario,
  party: CompiledParty,
  posture: number,
  world: World,
  driver: MachineDriver,
): CompiledTransition | null {
  if (driver === 'table') {
    for (const t of party.transitions[posture]!) if (t.guard === null || t.guard(world)) return t;
    return null;
  }
  const machine = partyMachines(scenario)[party.index]!;
  const snapshot = machine.resolveState({ value: party.postures[posture]!, context: {} });
  const [, actions] = transition(machine, snapshot, { type: 'TURN', world });
  for (const a of actions) {
    const params = (a as { params?: { transition?: number } }).params;
    if ((a.type as string) === 'fired' && params?.transition !== undefined) return party.allTransitions[params.transition]!;
  }
  return null;
}
