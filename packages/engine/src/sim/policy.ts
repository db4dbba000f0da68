/**
 * The computer policy: each available move is valued against the party's
 * interests by looking one step ahead at the move's expected effects; seeded
 * noise is added, and a move is drawn by softmax at the party's temperature.
 */
import type { World } from '../expr/compile.js';
import type { CompiledMove, CompiledParty, CompiledScenario } from '../scenario/compiled.js';
import { gaussian } from '../rng/streams.js';
import { clampTarget, expectedAmount, readTarget, writeTarget } from './effects.js';

export interface OptionValue {
  move: string;
  /** Σ weight × (interest utility after the move − now). */
  utility: number;
  /** Each interest's weighted contribution to `utility`. */
  byInterest: Record<string, number>;
  /** The seeded noise added before the softmax. */
  noise: number;
  probability: number;
}

export interface PolicyChoice {
  /** Local index of the chosen move in the party's moves. */
  chosen: number;
  options: OptionValue[];
  temperature: number;
  noiseSd: number;
}

/** Weighted utility of each available move, by interest. Leaves `world` as it found it. */
export function valueMoves(
  scenario: CompiledScenario,
  party: CompiledParty,
  world: World,
  moves: readonly CompiledMove[],
): { utility: number; byInterest: number[] }[] {
  const posture = world.posture[party.index]!;
  const weights = party.interests.map((it) => it.weights[posture]!);
  const now = party.interests.map((it) => it.utility(world));
  // The look-ahead writes into copies, so a guard or interest can never see a half-applied move.
  const ahead: World = {
    ...world,
    ind: world.ind.slice(),
    rel: world.rel.slice(),
    moveCount: world.moveCount.slice(),
    lastMove: world.lastMove.slice(),
  };
  // Utility of the world after a list of effects (restored afterwards).
  const after = (m: CompiledMove, effects: CompiledMove['effects']): number[] => {
    const touched: { target: CompiledMove['effects'][number]['target']; value: number }[] = [];
    for (const e of effects) {
      const a = expectedAmount(e, world);
      const cur = readTarget(ahead, e.target);
      touched.push({ target: e.target, value: readTarget(world, e.target) });
      writeTarget(ahead, e.target, clampTarget(scenario, e.target, e.op === 'set' ? a : cur + a));
    }
    ahead.moveCount[m.global] = world.moveCount[m.global]! + 1;
    ahead.lastMove[party.index] = m.index;
    const values = party.interests.map((it, i) => weights[i]! * (it.utility(ahead) - now[i]!));
    for (const t of touched) writeTarget(ahead, t.target, t.value);
    ahead.moveCount[m.global] = world.moveCount[m.global]!;
    ahead.lastMove[party.index] = world.lastMove[party.index]!;
    return values;
  };
  return moves.map((m) => {
    const c = m.chance === null ? 1 : Math.min(1, Math.max(0, m.chance(world)));
    // Expected utility over success and failure, not the utility of an averaged world:
    // a `hold` or `band` interest must see a risky move as the gamble it is.
    const success = after(m, m.effects);
    const byInterest = c < 1 ? after(m, m.failure).map((f, i) => c * success[i]! + (1 - c) * f) : success;
    return { utility: byInterest.reduce((a, b) => a + b, 0), byInterest };
  });
}

/** Softmax probabilities at temperature T; T ≤ 1e-9 puts all mass on the first best. */
export function softmax(values: readonly number[], temperature: number): number[] {
  if (values.length === 0) return [];
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  if (!(temperature > 1e-9)) return values.map((_, i) => (i === best ? 1 : 0));
  const max = values[best]!;
  const e = values.map((v) => Math.exp((v - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** Picks an index by inverse CDF with a uniform draw u. */
export function pickIndex(probabilities: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i]!;
    if (u < acc) return i;
  }
  // Rounding can leave the sum a hair under 1: fall back to the last option with mass.
  for (let i = probabilities.length - 1; i >= 0; i--) if (probabilities[i]! > 0) return i;
  return probabilities.length - 1;
}

/**
 * Chooses among the available moves. `next` is the party's per-turn generator:
 * the choice draw comes first, then one noise draw per declared move (available
 * or not), so the number of draws never depends on the state.
 */
export function chooseMove(
  scenario: CompiledScenario,
  party: CompiledParty,
  world: World,
  available: readonly CompiledMove[],
  next: () => number,
): PolicyChoice {
  const u = next();
  const noiseByMove = party.moves.map(() => gaussian(next));
  const temperature = Math.max(0, party.temperature(world));
  const noiseSd = Math.max(0, party.noise(world));
  const values = valueMoves(scenario, party, world, available);
  const noisy = values.map((v, i) => v.utility + noiseSd * noiseByMove[available[i]!.index]!);
  const probabilities = softmax(noisy, temperature);
  const pick = pickIndex(probabilities, u);
  return {
    chosen: available[pick]?.index ?? -1,
    temperature,
    noiseSd,
    options: available.map((m, i) => ({
      move: m.id,
      utility: values[i]!.utility,
      byInterest: Object.fromEntries(party.interests.map((it, k) => [it.id, values[i]!.byInterest[k]!])),
      noise: noiseSd * noiseByMove[m.index]!,
      probability: probabilities[i]!,
    })),
  };
}
