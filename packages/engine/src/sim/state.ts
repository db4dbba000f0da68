/**
 * The game state: plain JSON, arrays indexed as in the compiled scenario. It is
 * also the `World` that compiled expressions read, so evaluating a guard never
 * builds a view object.
 */
import type { World } from '../expr/compile.js';
import { monthText } from '../expr/parse.js';
import type { CompiledScenario } from '../scenario/compiled.js';
import { fastHash } from '../util/hash.js';
import { seedStream, type AleaState } from '../rng/streams.js';

export interface GameState extends World {
  /** Format of this object, for saves. */
  v: 1;
  /** Hash of the scenario this state belongs to. */
  scenario: string;
  seed: string;
  /** First turn after which each `over: ever` outcome held, or -1. */
  ever: number[];
  /** Random stream states, in the order of `scenario.streams`. */
  rng: AleaState[];
  ended: boolean;
  /**
   * The actor features' bookkeeping, each empty unless the scenario uses the
   * feature (so a scenario without them keeps its states and hashes):
   * `made`: per move (global index), the turn it was last made, or -1 (exclusions);
   * `agreed`: per message × party, the turn (1-based) the party first became a side of an accepted message, or -1;
   * `bound`: per message × party, the first turn the party is no longer bound by its commitment, or -1;
   * `broken`: per message × party, how often the party broke that commitment;
   * `belief`: per party × indicator, the party's belief about an indicator it cannot see.
   */
  made: number[];
  agreed: number[];
  bound: number[];
  broken: number[];
  belief: number[];
}

export type Params = Record<string, number>;

export type InitError = { code: 'param/unknown' | 'param/range' | 'param/integer' | 'seed/invalid'; message: string };

/** Resolves parameter overrides against the scenario's declared parameters (unknown names and out-of-range values are errors). */
export function resolveParams(scenario: CompiledScenario, overrides: Params = {}): { ok: true; values: number[] } | { ok: false; error: InitError } {
  const ids = scenario.parameters.map((p) => p.id);
  for (const [name, value] of Object.entries(overrides)) {
    const p = scenario.parameters.find((x) => x.id === name);
    if (!p) {
      const known = ids.length > 0 ? `; the scenario's parameters are ${ids.join(', ')}` : '; the scenario declares no parameters';
      return { ok: false, error: { code: 'param/unknown', message: `unknown parameter "${name}"${known}` } };
    }
    if (!Number.isFinite(value) || value < p.min || value > p.max)
      return { ok: false, error: { code: 'param/range', message: `parameter "${name}" must be between ${p.min} and ${p.max}, got ${value}` } };
    if (p.integer && !Number.isInteger(value))
      return { ok: false, error: { code: 'param/integer', message: `parameter "${name}" must be a whole number, got ${value}` } };
  }
  return { ok: true, values: scenario.parameters.map((p) => (Object.hasOwn(overrides, p.id) ? overrides[p.id]! : p.default)) };
}

/**
 * The state before the first turn.
 *
 * @example
 * const r = createInitialState(scenario, { seed: '42', params: { western_pressure: 60 } });
 * if (r.ok) stepTurn(scenario, r.state, {});
 */
export function createInitialState(
  scenario: CompiledScenario,
  opts: { seed: string; params?: Params },
): { ok: true; state: GameState } | { ok: false; error: InitError } {
  if (typeof opts.seed !== 'string' || opts.seed.length === 0 || opts.seed.length > 200)
    return { ok: false, error: { code: 'seed/invalid', message: 'the seed must be a non-empty string of at most 200 characters' } };
  const params = resolveParams(scenario, opts.params);
  if (!params.ok) return params;
  const actors = actorBookkeeping(scenario);
  return {
    ok: true,
    state: {
      v: 1,
      scenario: scenario.hash,
      seed: opts.seed,
      turn: 0,
      month: scenario.calendar.start,
      ind: scenario.indicators.map((i) => i.initial),
      rel: [...scenario.relations.initial],
      posture: scenario.parties.map((p) => p.initial),
      lastMove: scenario.parties.map(() => -1),
      moveCount: new Array<number>(scenario.moveCount).fill(0),
      eventCount: scenario.events.map(() => 0),
      params: params.values,
      ever: scenario.everOutcomes.map(() => -1),
      rng: scenario.streams.map((name) => seedStream(opts.seed, name)),
      ended: false,
      // Written out, not spread: the state keeps one fixed shape, which every expression reads through.
      made: actors.made,
      agreed: actors.agreed,
      bound: actors.bound,
      broken: actors.broken,
      belief: actors.belief,
    },
  };
}

function actorBookkeeping(scenario: CompiledScenario): Pick<GameState, 'made' | 'agreed' | 'bound' | 'broken' | 'belief'> {
  const { features } = scenario;
  const n = scenario.parties.length;
  const pairs = features.messages ? scenario.messages.length * n : 0;
  const belief: number[] = [];
  if (features.beliefs) {
    // Visible indicators keep their initial value here; it is never read.
    for (const party of scenario.parties) {
      const row = scenario.indicators.map((i) => i.initial);
      for (const h of party.hidden) row[h.indicator] = h.prior;
      belief.push(...row);
    }
  }
  return {
    made: features.exclusions ? new Array<number>(scenario.moveCount).fill(-1) : [],
    agreed: new Array<number>(pairs).fill(-1),
    bound: new Array<number>(pairs).fill(-1),
    broken: new Array<number>(pairs).fill(0),
    belief,
  };
}

/** A deep copy, cheap because the state is flat arrays of numbers. */
export function cloneState(s: GameState): GameState {
  return {
    ...s,
    ind: s.ind.slice(),
    rel: s.rel.slice(),
    posture: s.posture.slice(),
    lastMove: s.lastMove.slice(),
    moveCount: s.moveCount.slice(),
    eventCount: s.eventCount.slice(),
    params: s.params.slice(),
    ever: s.ever.slice(),
    rng: s.rng.map((r) => ({ ...r })),
    made: s.made.slice(),
    agreed: s.agreed.slice(),
    bound: s.bound.slice(),
    broken: s.broken.slice(),
    belief: s.belief.slice(),
  };
}

/**
 * The state hash: equal states (in every field, random streams included) have
 * equal hashes. Fields are serialised in a fixed order rather than through a
 * key-sorting canonical JSON, and hashed with a fast 64-bit hash: a SHA-256
 * of the canonical JSON cost more than the turn itself.
 */
export function stateHash(s: GameState): string {
  const fields: unknown[] = [
    s.v, s.scenario, s.seed, s.turn, s.month, s.ended, s.ind, s.rel, s.posture, s.lastMove,
    s.moveCount, s.eventCount, s.params, s.ever, s.rng.map((r) => [r.c, r.s0, r.s1, r.s2]),
  ];
  // The actor bookkeeping joins the hash only where a scenario uses it, so other scenarios keep their hashes.
  if (s.made.length + s.agreed.length + s.belief.length > 0) fields.push(s.made, s.agreed, s.bound, s.broken, s.belief);
  return fastHash(JSON.stringify(fields));
}

/** The date of the turn a state is about to play (or, once ended, just after the last one). */
export function stateDate(s: GameState): string {
  return monthText(s.month);
}

/** Indicators by id, for reports. */
export function namedIndicators(scenario: CompiledScenario, s: GameState): Record<string, number> {
  return Object.fromEntries(scenario.indicators.map((ind, i) => [ind.id, s.ind[i]!]));
}

const pairNames = new WeakMap<CompiledScenario, string[]>();

/** Relations by "a–b" pair, for reports. */
export function namedRelations(scenario: CompiledScenario, s: GameState): Record<string, number> {
  let names = pairNames.get(scenario);
  if (!names) {
    names = scenario.relations.pairs.map(([a, b]) => `${scenario.parties[a]!.id}-${scenario.parties[b]!.id}`);
    pairNames.set(scenario, names);
  }
  const out: Record<string, number> = {};
  for (let k = 0; k < names.length; k++) out[names[k]!] = s.rel[k]!;
  return out;
}

/** Postures by party id. */
export function namedPostures(scenario: CompiledScenario, s: GameState): Record<string, string> {
  return Object.fromEntries(scenario.parties.map((p, i) => [p.id, p.postures[s.posture[i]!]!]));
}
