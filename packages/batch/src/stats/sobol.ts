/**
 * Sobol indices by Saltelli's scheme (Saltelli 2002, 2010; the layout and the
 * estimators of SALib's `saltelli.sample` and `sobol.analyze`), in the unit cube.
 *
 * Base matrices A and B are drawn from the batch's seeded stream, pseudo-random
 * rather than a scrambled Sobol sequence: the estimators are unbiased either
 * way (only their variance differs, and the bootstrap interval reports it), a
 * seeded stream keeps the design a function of the batch seed alone, and no
 * well-kept npm package offers a scrambled sequence (checked December 2026:
 * `sobol` 1.1.4 is unscrambled, unseeded and has one maintainer).
 */
import { BOOTSTRAP_RESAMPLES, drawIndices, intervalOf, pointInterval, type Interval } from './bootstrap.js';

/**
 * n blocks of rows, each A_j, AB_j^1 … AB_j^k, [BA_j^1 … BA_j^k,] B_j, where
 * AB^i is A with column i from B and BA^i is B with column i from A: k + 2
 * rows a block, or 2k + 2 with second order.
 *
 * @example
 * const rows = saltelliUnitSample(3, 1024, true, seedrandom.alea('S/sobol')); // 1024 × 8 rows in [0, 1)³
 */
export function saltelliUnitSample(k: number, n: number, secondOrder: boolean, rng: () => number): number[][] {
  const rows: number[][] = [];
  for (let j = 0; j < n; j++) {
    const a = Array.from({ length: k }, () => rng());
    const b = Array.from({ length: k }, () => rng());
    rows.push(a);
    for (let i = 0; i < k; i++) rows.push(a.map((v, m) => (m === i ? b[i]! : v)));
    if (secondOrder) for (let i = 0; i < k; i++) rows.push(b.map((v, m) => (m === i ? a[i]! : v)));
    rows.push(b);
  }
  return rows;
}

/** Rows per Saltelli block. */
export function saltelliBlockSize(k: number, secondOrder: boolean): number {
  return secondOrder ? 2 * k + 2 : k + 2;
}

export interface SobolOptions {
  /** The stream the bootstrap draws blocks from (seed it from the batch seed). */
  rng: () => number;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

export interface SobolIndices {
  k: number;
  /** Blocks (base rows) the indices were computed over. */
  n: number;
  /** The outputs do not vary: every index is 0. */
  constant: boolean;
  /** S_i, first order (Saltelli 2010), per factor. */
  first: Interval[];
  /** S_Ti, total order (Jansen 1999), per factor. */
  total: Interval[];
  /** S_ij for i < j (Saltelli 2002), when the design has the BA rows. */
  second?: ({ i: number; j: number } & Interval)[];
}

/** The outputs of a Saltelli design split into A, B, AB^i and BA^i (SALib's `separate_output_values`), centred on their mean. */
function separate(y: readonly number[], k: number, secondOrder: boolean) {
  const step = saltelliBlockSize(k, secondOrder);
  const n = y.length / step;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  // SALib standardises Y first: the first-order estimator mean(B·(AB − A)) is not shift-invariant.
  const col = (offset: number) => Float64Array.from({ length: n }, (_, j) => y[j * step + offset]! - mean);
  return {
    n,
    a: col(0),
    b: col(step - 1),
    ab: Array.from({ length: k }, (_, i) => col(i + 1)),
    ba: secondOrder ? Array.from({ length: k }, (_, i) => col(i + 1 + k)) : [],
  };
}

type Parts = ReturnType<typeof separate>;

/** All indices on the blocks `idx` (the identity for the estimate, a resample for the bootstrap). */
function estimate(p: Parts, k: number, secondOrder: boolean, idx: Uint32Array) {
  const m = idx.length;
  // np.var(np.r_[A, B]): the population variance of the 2m values.
  let s = 0;
  for (const j of idx) s += p.a[j]! + p.b[j]!;
  const mu = s / (2 * m);
  let ss = 0;
  for (const j of idx) ss += (p.a[j]! - mu) ** 2 + (p.b[j]! - mu) ** 2;
  const v = ss / (2 * m);
  const first = new Array<number>(k).fill(0);
  const total = new Array<number>(k).fill(0);
  const second: number[] = [];
  // Equal values can leave a variance of rounding error (~1e-33 for shares of 0.1), and dividing by it gives indices
  // of 1e29: a variance below 1e-20 of the squared mean is read as none.
  if (!(v > 1e-20 * mu * mu) || !(v > 0)) return { first, total, second: secondOrder ? new Array<number>((k * (k - 1)) / 2).fill(0) : second, constant: true };
  for (let i = 0; i < k; i++) {
    const ab = p.ab[i]!;
    let f = 0;
    let t = 0;
    for (const j of idx) {
      const d = ab[j]! - p.a[j]!;
      f += p.b[j]! * d;
      t += d * d;
    }
    first[i] = f / m / v;
    total[i] = (0.5 * t) / m / v;
  }
  if (secondOrder)
    for (let i = 0; i < k; i++)
      for (let l = i + 1; l < k; l++) {
        const ba = p.ba[i]!;
        const ab = p.ab[l]!;
        let c = 0;
        for (const j of idx) c += ba[j]! * ab[j]! - p.a[j]! * p.b[j]!;
        second.push(c / m / v - first[i]! - first[l]!);
      }
  return { first, total, second, constant: false };
}

/**
 * Sobol indices of the outputs `y` of a Saltelli design (rows in
 * {@link saltelliUnitSample}'s order) as SALib's `sobol.analyze` computes them:
 * S_i = mean(B·(AB^i − A)) / V (Saltelli 2010), S_Ti = ½·mean((A − AB^i)²) / V
 * (Jansen), S_ij = mean(BA^i·AB^j − A·B) / V − S_i − S_j (Saltelli 2002), with
 * V the variance of A and B together. Each comes with a bootstrap interval
 * over the n blocks (one resample of blocks serves every index).
 *
 * @example
 * const ix = sobolIndices(ys, 3, true, { rng: seedrandom.alea('S/bootstrap') });
 * ix.first[0]; // { value: 0.31…, lo, hi, se, conf }
 */
export function sobolIndices(y: readonly number[], k: number, secondOrder: boolean, options: SobolOptions): SobolIndices {
  const step = saltelliBlockSize(k, secondOrder);
  if (k < 1 || y.length === 0 || y.length % step !== 0) throw new RangeError(`sobolIndices: ${y.length} outputs are not whole blocks of ${step} for k = ${k}`);
  const p = separate(y, k, secondOrder);
  const all = Uint32Array.from({ length: p.n }, (_, j) => j);
  const point = estimate(p, k, secondOrder, all);
  const pairs: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let l = i + 1; l < k; l++) pairs.push([i, l]);
  const resamples = p.n < 2 || point.constant ? 0 : (options.resamples ?? BOOTSTRAP_RESAMPLES);
  const draws = { first: point.first.map((): number[] => []), total: point.total.map((): number[] => []), second: pairs.map((): number[] => []) };
  const idx = new Uint32Array(p.n);
  for (let r = 0; r < resamples; r++) {
    const e = estimate(p, k, secondOrder, drawIndices(p.n, options.rng, idx));
    for (let i = 0; i < k; i++) {
      draws.first[i]!.push(e.first[i]!);
      draws.total[i]!.push(e.total[i]!);
    }
    for (let q = 0; q < pairs.length; q++) draws.second[q]!.push(e.second[q]!);
  }
  const level = options.level ?? 0.95;
  const interval = (value: number, xs: number[]) => (resamples === 0 ? pointInterval(value) : intervalOf(value, xs, level));
  const out: SobolIndices = {
    k,
    n: p.n,
    constant: point.constant,
    first: point.first.map((x, i) => interval(x, draws.first[i]!)),
    total: point.total.map((x, i) => interval(x, draws.total[i]!)),
  };
  if (secondOrder) out.second = pairs.map(([i, j], q) => ({ i, j, ...interval(point.second[q]!, draws.second[q]!) }));
  return out;
}
