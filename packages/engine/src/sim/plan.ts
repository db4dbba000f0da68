/**
 * What the turn kernel needs besides the compiled scenario, prepared once:
 * per-party tables (candidate moves by posture, interest weights by posture,
 * the interests each move can change), stream indices, ranges as flat arrays
 * and the history track by month. A plan is immutable once built, so one plan
 * serves any number of runs, interleaved or not; everything a run writes
 * while it plays lives in its `RunContext`.
 */
import type { WorldReads } from '../expr/reads.js';
import type { CompiledEffect, CompiledParty, CompiledScenario } from '../scenario/compiled.js';

export interface PartyPlan {
  party: CompiledParty;
  policyStream: number;
  effectsStream: number;
  /** The stream of its replies in the reaction phase, or -1 when the scenario has no messages. */
  reactStream: number;
  /** Local indices of the moves each posture allows (their `when` is checked each turn). */
  byPosture: Int32Array[];
  /** Per move (local index): the interests (local indices, ascending) whose utility the move can change. */
  affected: Int32Array[];
  /** Interest weights, by posture. */
  weights: Float64Array[];
  /** Per move (local index): the messages whose commitment the move breaks when this party is bound by it. */
  breaks: number[][];
}

export interface TurnPlan {
  scenario: CompiledScenario;
  parties: PartyPlan[];
  eventsStream: number;
  indMin: Float64Array;
  indMax: Float64Array;
  relMin: number;
  relMax: number;
  everOutcomes: Extract<CompiledScenario['outcomes'][number], { type: 'boolean' }>[];
  /** The history track: for each month on it, the recorded local move of each party (-1: none). */
  history: Map<number, Int32Array>;
  /** Sizes for scratch buffers. */
  maxEffects: number;
  maxInterests: number;
  maxMoves: number;
}

function writes(effects: readonly CompiledEffect[], ind: Set<number>, rel: Set<number>): void {
  for (const e of effects) (e.target.kind === 'indicator' ? ind : rel).add(e.target.index);
}

function intersects(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

const plans = new WeakMap<CompiledScenario, TurnPlan>();

/**
 * The plan of a compiled scenario, built once and cached.
 *
 * @example
 * const plan = planTurns(scenario);
 * const r = fastRun(plan, { seed: '42.0' });
 */
export function planTurns(scenario: CompiledScenario): TurnPlan {
  const cached = plans.get(scenario);
  if (cached) return cached;
  const streams = scenario.streams;
  const parties = scenario.parties.map((party): PartyPlan => {
    const reads: WorldReads[] = party.interests.map((it) => it.reads);
    const affected = party.moves.map((move) => {
      const ind = new Set<number>();
      const rel = new Set<number>();
      writes(move.effects, ind, rel);
      writes(move.failure, ind, rel);
      // A move that can break a commitment is valued with its cost while the party is bound.
      for (const msg of scenario.messages)
        if (msg.commitment?.breaks.some((b) => b.party === party.index && b.moves.includes(move.index))) writes(msg.commitment.cost, ind, rel);
      const out: number[] = [];
      reads.forEach((r, k) => {
        // A move also changes its party's last move and its own count, which interests may read.
        if (r.any || r.lastMove.has(party.index) || r.moveCount.has(move.global) || intersects(r.ind, ind) || intersects(r.rel, rel)) out.push(k);
      });
      return Int32Array.from(out);
    });
    return {
      party,
      policyStream: streams.indexOf(`policy:${party.id}`),
      effectsStream: streams.indexOf(`effects:${party.id}`),
      reactStream: streams.indexOf(`react:${party.id}`),
      // Reaction moves are offered only in the reaction phase.
      byPosture: party.postures.map((_, p) => Int32Array.from(party.moves.filter((m) => m.postures[p] && m.reactsTo.length === 0).map((m) => m.index))),
      affected,
      weights: party.postures.map((_, p) => Float64Array.from(party.interests.map((it) => it.weights[p]!))),
      breaks: party.moves.map((m) =>
        scenario.messages.filter((msg) => msg.commitment?.breaks.some((b) => b.party === party.index && b.moves.includes(m.index))).map((msg) => msg.index),
      ),
    };
  });
  const history = new Map<number, Int32Array>();
  for (const step of scenario.history) {
    let row = history.get(step.month);
    if (!row) {
      row = new Int32Array(scenario.parties.length).fill(-1);
      history.set(step.month, row);
    }
    row[step.party] = step.move;
  }
  const effectCounts = [
    ...scenario.parties.flatMap((p) => p.moves.map((m) => Math.max(m.effects.length, m.failure.length))),
    ...scenario.events.map((e) => e.effects.length),
  ];
  const plan: TurnPlan = {
    scenario,
    parties,
    eventsStream: streams.indexOf('events'),
    indMin: Float64Array.from(scenario.indicators.map((i) => i.min)),
    indMax: Float64Array.from(scenario.indicators.map((i) => i.max)),
    relMin: scenario.relations.min,
    relMax: scenario.relations.max,
    everOutcomes: scenario.outcomes.filter((o): o is TurnPlan['everOutcomes'][number] => o.type === 'boolean' && o.over === 'ever'),
    history,
    maxEffects: Math.max(1, ...effectCounts),
    maxInterests: Math.max(1, ...scenario.parties.map((p) => p.interests.length)),
    maxMoves: Math.max(1, ...scenario.parties.map((p) => p.moves.length)),
  };
  plans.set(scenario, plan);
  return plan;
}
