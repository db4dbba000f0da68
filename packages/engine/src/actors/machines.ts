/**
 * Each party's postures are an XState v5 machine, declared from the scenario's
 * `machine:` section with `setup({ guards, actions })` + `createMachine`: this
 * is where a party's behaviour is defined. The machine holds everything about
 * a transition as data: its target, its guard as a reference by name with
 * params (`{ type: 'when', params: { when } }` for an inline condition,
 * `{ type: <named guard>, params }` for a scenario guard), its reason
 * (`description`) and citations (`meta`), and a `fired` action naming it.
 * The guards' implementations evaluate the conditions the compiler built for
 * those references (`GuardConditions`).
 *
 * The transition table the kernel steps is derived from the machine
 * (table.ts). Two drivers step a posture and must agree (tested): XState's
 * pure `transition()` on the machine, and the derived table.
 */
import { setup, transition, type AnyStateMachine } from 'xstate';
import type { BoolFn, World } from '../expr/compile.js';
import type { CompiledParty, CompiledScenario, CompiledTransition } from '../scenario/compiled.js';
import type { Citation, Party } from '../scenario/schema.js';

export type MachineDriver = 'xstate' | 'table';

/** An event a party's machine receives: `TURN` every turn, a message id when it receives that message. */
export interface PartyEvent {
  type: string;
  world: World;
}

/** A guard as the machine references it: by name, with params (data, never a closure). */
export type GuardRef = { type: 'when'; params: { when: string } } | { type: string; params: Record<string, number> };

/** The `machine:` section of a party, as the scenario declares it. */
export type MachineSection = Party['machine'];

/** What a state node of a party's machine carries in `meta`. */
export interface PostureMeta {
  label: string;
  cite?: Citation[];
}

/** What a transition of a party's machine carries in `meta`. */
export interface TransitionMeta {
  cite: Citation[];
}

const never: BoolFn = () => false;

function isInline(ref: GuardRef): ref is { type: 'when'; params: { when: string } } {
  return ref.type === 'when' && typeof (ref.params as { when?: unknown }).when === 'string';
}

/** A guard reference as text, for explanations and diagrams: the condition as written, or `name(k=v, …)`; none: `always` (or `on <event>` for a message). */
export function describeGuard(ref: GuardRef | undefined, event = 'TURN'): string {
  if (ref === undefined) return event === 'TURN' ? 'always' : `on ${event}`;
  if (isInline(ref)) return ref.params.when;
  return `${ref.type}(${Object.entries(ref.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')})`;
}

function guardKey(ref: GuardRef): string {
  if (isInline(ref)) return `when ${ref.params.when}`;
  const params = ref.params as Record<string, number>;
  return `${ref.type}(${Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(',')})`;
}

/**
 * The compiled conditions behind a party's guard references: what the
 * machine's guard implementations evaluate and what the derived table steps.
 * The compiler adds one per reference it checked (an inline condition, or a
 * named guard compiled with those params); a reference it could not compile
 * (reported as an issue) never holds.
 */
export class GuardConditions {
  private readonly byKey = new Map<string, BoolFn>();
  // The machine keeps the params objects it was declared with, so most look-ups skip building the key.
  private readonly byParams = new WeakMap<object, BoolFn>();

  add(ref: GuardRef, fn: BoolFn): void {
    this.byKey.set(guardKey(ref), fn);
  }

  /** The condition a reference stands for. */
  get(ref: GuardRef): BoolFn {
    const hit = this.byParams.get(ref.params);
    if (hit) return hit;
    const fn = this.byKey.get(guardKey(ref)) ?? never;
    this.byParams.set(ref.params, fn);
    return fn;
  }
}

/** The guard reference of a transition as the scenario writes it. */
export function guardRefOf(guard: MachineSection['states'][string]['on']['TURN'][number]['guard']): GuardRef | undefined {
  if (guard === undefined) return undefined;
  if ('when' in guard) return { type: 'when', params: { when: guard.when } };
  return { type: guard.type, params: { ...guard.params } };
}

/**
 * Declares a party's machine from its `machine:` section. Unknown targets and
 * an unknown initial state are the compiler's issues to report; here they
 * become a transition that stays and the first state, so the machine can still
 * be built.
 *
 * @example
 * const guards = new GuardConditions();
 * guards.add({ type: 'when', params: { when: 'tension >= 60' } }, compiled);
 * const machine = declareMachine('armenia', doc.parties.armenia.machine, guards);
 */
export function declareMachine(id: string, section: MachineSection, conditions: GuardConditions, description?: string): AnyStateMachine {
  const postures = Object.keys(section.states);
  const names = new Set<string>(['when']);
  const states = Object.fromEntries(
    postures.map((name) => {
      const state = section.states[name]!;
      const on: Record<string, unknown[]> = {};
      for (const [event, list] of Object.entries(state.on)) {
        if (!list || list.length === 0) continue;
        on[event] = list.map((t, order) => {
          const guard = guardRefOf(t.guard);
          if (guard) names.add(guard.type);
          const meta: TransitionMeta = { cite: t.cite ? [...t.cite] : [] };
          return {
            ...(postures.includes(t.target) ? { target: t.target } : {}),
            ...(guard ? { guard } : {}),
            actions: [{ type: 'fired', params: { event, order } }],
            ...(t.reason === undefined ? {} : { description: t.reason }),
            meta,
          };
        });
      }
      const meta: PostureMeta = { label: state.label ?? name, ...(state.cite ? { cite: [...state.cite] } : {}) };
      return [name, { ...(state.description === undefined ? {} : { description: state.description }), meta, on }];
    }),
  );
  // One implementation per guard name: evaluate the condition compiled for this reference, on the event's world.
  const guards = Object.fromEntries(
    [...names].map((type) => [
      type,
      ({ event }: { event: PartyEvent }, params: GuardRef['params']) => conditions.get({ type, params } as GuardRef)(event.world),
    ]),
  );
  const declaredSetup = setup({
    types: { events: {} as PartyEvent },
    guards: guards as Record<string, (args: { event: PartyEvent }, params: GuardRef['params']) => boolean>,
    // Names the transition taken (its event and its place among that event's transitions); it has no effect.
    actions: { fired: () => {} },
  });
  const initial = postures.includes(section.initial) ? section.initial : postures[0]!;
  // The states are built above as data; their shape is XState's config, checked by XState when the machine is made.
  return declaredSetup.createMachine({ id, initial, ...(description === undefined ? {} : { description }), states } as unknown as Parameters<
    typeof declaredSetup.createMachine
  >[0]);
}

/** The XState machines of a scenario's parties (declared at compile time). */
export function partyMachines(scenario: CompiledScenario): AnyStateMachine[] {
  return scenario.parties.map((p) => p.machine);
}

/** The machine of a compiled party: the one declared from its scenario. */
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
  const [, actions] = transition(party.machine, party.machine.resolveState({ value: party.postures[posture]!, context: {} }), { type: 'TURN', world });
  for (const a of actions) {
    const params = (a as { params?: { event?: string; order?: number } }).params;
    if ((a.type as string) === 'fired' && params?.event === 'TURN' && params.order !== undefined) return party.transitions[posture]![params.order] ?? null;
  }
  return null;
}
