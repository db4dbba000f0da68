/**
 * The transition table the kernel steps, read off a party's machine: its
 * state nodes in order, and for each the transition definitions of one event
 * in XState's priority order (the first enabled one wins), with their
 * targets, guard references, reasons (`description`) and citations (`meta`).
 * The machine is the one description of a party's behaviour; the table is a
 * flat, index-based view of it for the turn loop.
 */
import type { AnyStateMachine } from 'xstate';
import type { CompiledTransition } from '../scenario/compiled.js';
import { describeGuard, type GuardConditions, type GuardRef, type TransitionMeta } from './machines.js';

/**
 * For each state of the machine (in its declared order, which is the party's
 * posture order), the transitions on `event`, numbered from 0 across states.
 *
 * @example
 * const turn = deriveTable(party.machine, guards, 'TURN');
 * turn[posture].find((t) => t.guard === null || t.guard(world)); // the transition that fires
 */
export function deriveTable(machine: AnyStateMachine, conditions: GuardConditions, event: string): CompiledTransition[][] {
  const postures = Object.keys(machine.root.states);
  let index = 0;
  return postures.map((name, from) => {
    const defs = machine.root.states[name]!.transitions.get(event) ?? [];
    return defs.map((def): CompiledTransition => {
      const guard = def.guard as GuardRef | undefined;
      const target = def.target?.[0]?.key;
      const meta = def.meta as TransitionMeta | undefined;
      return {
        index: index++,
        from,
        // No target: the transition stays (the compiler has reported the unknown state).
        to: target === undefined ? from : postures.indexOf(target),
        guard: guard === undefined ? null : conditions.get(guard),
        guardText: describeGuard(guard, event),
        ...(def.description === undefined ? {} : { reason: def.description }),
        cite: meta?.cite ?? [],
      };
    });
  });
}
