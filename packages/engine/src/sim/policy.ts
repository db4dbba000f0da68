/**
 * The arithmetic of the computer policy's choice, one implementation each:
 * softmax at a temperature and the inverse-CDF pick. The valuation of moves
 * (one-step look-ahead against the party's interests) is part of the turn
 * kernel (kernel.ts), which is the only place that values moves.
 */

export interface OptionValue {
  move: string;
  /** Σ weight × (interest utility after the move − now), expected over success and failure. */
  utility: number;
  /** Each interest's weighted contribution to `utility` (every interest of the party; 0 where the move changes nothing it reads). */
  byInterest: Record<string, number>;
  /** The seeded noise added before the softmax. */
  noise: number;
  probability: number;
}

/**
 * Softmax probabilities of the first `n` values at temperature T, written into
 * `out`; T ≤ 1e-9 puts all mass on the first best.
 */
export function softmaxInto(values: ArrayLike<number>, n: number, temperature: number, out: { [i: number]: number }): void {
  if (n === 0) return;
  let best = 0;
  for (let i = 1; i < n; i++) if (values[i]! > values[best]!) best = i;
  if (!(temperature > 1e-9)) {
    for (let i = 0; i < n; i++) out[i] = i === best ? 1 : 0;
    return;
  }
  const max = values[best]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((values[i]! - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
}

/** Softmax probabilities at temperature T (an array in, a new array out). */
export function softmax(values: readonly number[], temperature: number): number[] {
  const out = new Array<number>(values.length);
  softmaxInto(values, values.length, temperature, out);
  return out;
}

/** Picks an index among the first `n` probabilities by inverse CDF with a uniform draw u. */
export function pickIndex(probabilities: ArrayLike<number>, u: number, n: number = probabilities.length): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += probabilities[i]!;
    if (u < acc) return i;
  }
  // Rounding can leave the sum a hair under 1: fall back to the last option with mass.
  for (let i = n - 1; i >= 0; i--) if (probabilities[i]! > 0) return i;
  return n - 1;
}
