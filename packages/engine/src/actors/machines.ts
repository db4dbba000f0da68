/**
 * Each party's postures are an XState v5 machine, declared from the scenario's
 * `machine:` section with `setup({ guards, actions })` + `createMachine`: this
 * is where a party's behaviour is defined. Guards are referenced by name with
 * parameters, as data (`{ type: 'when', params: { when, transition } }` for an
 * inline condition, `{ type: <named guard>, params: { …, transition } }` for a
 * scenario guard); each transition carries a `fired` action naming it.
 *
 * The transition table the kernel steps is *derived from the machine*: its
 * state nodes and their event transitions, in XState's priority order (the
 * first enabled transition wins). Two drivers step a posture and must agree
 * (tested): XState's pure `transition()` on the machine, and the derived table.
 */
import { setup, transition, type AnyStateMachine } from 'xstate';
import type { BoolFn, World } from '../expr/compile.js';
import type { CompiledParty, CompiledScenario, CompiledTransition } from '../scenario/compiled.js';
import type { Citation } from '../scenario/schema.js';

export type MachineDriver = 'xstate' | 'table';

/** An event a party's machine receives: `TURN` every turn, a message id when it receives that message. */
export interface PartyEvent {
  type: string;
  world: World;
}

/** A transition as the scenario declares it, with its guard compiled. */
export interface DeclaredTransition {
  /** The event it answers: `TURN`, or a message id. */
  event: string;
  from: string;
  target: string;
  /** A guard reference as data: `when` with its text, or a named scenario guard with its params; none: always. */
  guard: { type: 'when'; when: string } | { type: string; params: Record<string, number> } | null;
  /** The compiled condition (null: always). */
  test: BoolFn | null;
  guardText: string;
  reason?: string;
  cite: Citation[];
}

/** The machine of a party, declared with setup(): guards by name, a `fired` action that names the transition taken. */
export function declareMachine(id: string, postures: readonly string[], initial: string, labels: readonly string[], declared: readonly DeclaredTransition[]): AnyStateMachine {
  const byIndex = declared;
  const check = ({ event }: { event: PartyEvent }, params: { transition: number }) => {
    const t = byIndex[params.transition]!;
    return t.test === null || t.test(event.world);
  };
  // One implementation per guard name: every guard is "look up the compiled condition of this transition".
  const names = new Set<string>(['when']);
  for (const t of declared) if (t.guard) names.add(t.guard.type);
  const guards = Object.fromEntries([...names].map((n) => [n, check]));
  const states = Object.fromEntries(
    postures.map((name, i) => {
      const on: Record<string, unknown[]> = {};
      declared.forEach((t, k) => {
        if (t.from !== name) return;
        const guard =
          t.guard === null ? undefined : t.guard.type === 'when' ? { type: 'when', params: { when: (t.guard as { when: string }).when, transition: k } } : { type: t.guard.type, params: { ...(t.guard as { params: Record<string, number> }).params, transition: k } };
        on[t.event] ??= [];
        on[t.event]!.push({
          target: t.target,
          ...(guard ? { guard } : {}),
          actions: [{ type: 'fired', params: { transition: k } }],
          ...(t.reason === undefined ? {} : { description: t.reason }),
        });
      });
      return [name, { on, meta: { label: labels[i] ?? name } }];
    }),
  );
  const declaredSetup = setup({
    types: { events: {} as PartyEvent },
    guards: guards as Record<string, (args: { event: PartyEvent }, params: { transition: number }) => boolean>,
    actions: { fired: () => {} },
  });
  // The states are data built above; their shape is XState's config, checked by XState when the machine is made.
  return declaredSetup.createMachine({ id, initial, states } as unknown as Parameters<typeof declaredSetup.createMachine>[0]);
}

/**
 * The table the kernel steps, read off the machine: for each posture, the
 * transitions on `event` in priority order. `declared` supplies what the
 * machine refers to by index (the compiled guard, the text, the citations).
 */
export function deriveTable(machine: AnyStateMachine, postures: readonly string[], declared: readonly DeclaredTransition[], event: string, startIndex = 0): CompiledTransition[][] {
  let index = startIndex;
  return postures.map((name, from) => {
    const node = machine.root.states[name];
    const defs = node?.transitions.get(event) ?? [];
    return defs.map((def): CompiledTransition => {
      const fired = def.actions.find((a) => (a as { type?: string }).type === 'fired') as { params?: { transition?: number } } | undefined;
      const k = fired?.params?.transition;
      if (k === undefined) throw new Error(`internal: a transition of ${machine.id}.${name} names no declared transition`);
      const t = declared[k]!;
      const target = def.target?.[0]?.key;
      return {
        index: index++,
        declared: k,
        from,
        to: target === undefined ? from : postures.indexOf(target),
        guard: t.test,
        guardText: t.guardText,
        ...(t.reason === undefined ? {} : { reason: t.reason }),
        cite: t.cite,
      };
    });
  });
}

/** The XState machines of a scenario's parties (declared at compile time). */
export function partyMachines(scenario: CompiledScenario): AnyStateMachine[] {
  return scenario.parties.map((p) => p.machine);
}

/** Kept for callers that build a machine from a compiled party: it is the party's declared machine. */
export function buildPartyMachine(party: CompiledParty): AnyStateMachine {
  return party.machine;
}

/** The transition a party takes from its posture this turn, or null if it stays. */
export function nextTransition(
  _scenario: CompiledScenario,
  party: CompiledParty,
  posture: number,
  world: World,
  driver: MachineDriver,
): CompiledTransition | null {
  if (driver === 'table') {
    for (const t of party.transitions[posture]!) if (t.guard === null || t.guard(world)) return t;
    return null;
  }
  const snapshot = party.machine.resolveState({ value: party.postures[posture]!, context: {} });
  const [, actions] = transition(party.machine, snapshot, { type: 'TURN', world });
  for (const a of actions) {
    const params = (a as { params?: { transition?: number } }).params;
    if ((a.type as string) === 'fired' && params?.transition !== undefined) return party.transitions[posture]!.find((t) => t.declared === params.transition) ?? null;
  }
  return null;
}

