/**
 * Morris's elementary-effects screen (Morris 1991; Campolongo et al. 2007 for
 * μ*; the trajectories of SALib's `morris.sample` and the statistics of
 * `morris.analyze`), in the unit cube: r trajectories of k + 1 points on a grid
 * of p levels, each step moving one factor by Δ = p / (2(p − 1)).
 */
import { BOOTSTRAP_RESAMPLES, drawIndices, intervalOf, pointInterval, type Interval } from './bootstrap.js';

/** The step between a trajectory's points, in unit scale. */
export function morrisDelta(levels: number): number {
  return levels / (2 * (levels - 1));
}

/**
 * r trajectories, each k + 1 rows: a random start on the grid, then each
 * factor once, in a random order, up or down by Δ. p must be even, so that Δ
 * is a whole number of grid steps and every point stays on the grid.
 */
export function morrisUnitSample(k: number, r: number, levels: number, rng: () => number): number[][] {
  if (levels < 2 || levels % 2 !== 0) throw new RangeError(`Morris levels must be even and at least 2, got ${levels}`);
  const delta = morrisDelta(levels);
  const starts = levels / 2; // grid points m/(p−1) with m < p/2 leave room for +Δ
  const rows: number[][] = [];
  for (let t = 0; t < r; t++) {
    const base = Array.from({ length: k }, () => Math.floor(rng() * starts) / (levels - 1));
    const up = Array.from({ length: k }, () => rng() < 0.5);
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // A factor that goes down starts Δ above its base.
    let x = base.map((v, i) => (up[i] ? v : v + delta));
    rows.push(x);
    for (const i of order) {
      x = x.map((v, m) => (m === i ? (up[i] ? v + delta : v - delta) : v));
      rows.push(x);
    }
  }
  return rows;
}

export interface MorrisOptions {
  /** The stream the bootstrap of μ* draws trajectories from. */
  rng: () => number;
  resamples?: number;
  level?: number;
}

export interface MorrisFactor {
  /** Elementary effects measured (one per trajectory whose two points both have an output). */
  effects: number;
  /** Mean elementary effect (its sign says the direction; effects of both signs cancel). */
  mu: number;
  /** Mean absolute elementary effect, with a bootstrap interval over trajectories: the screen's ranking measure. */
  muStar: Interval;
  /** Standard deviation of the effects (n − 1): large when the effect depends on the other factors (interactions) or is non-linear. */
  sigma: number;
}

/**
 * The elementary effects of Morris trajectories: for each step the factor that
 * moved, and (y_after − y_before) / (x_after − x_before) in unit scale, which
 * is SALib's (y(x + Δ) − y(x)) / Δ with its sign. The step is read from the
 * rows, not assumed to be Δ, so values rounded when the design was scaled
 * (whole-number parameters) still give the right slope. A step whose output is
 * missing (NaN) is skipped.
 *
 * @returns per trajectory, per factor, the effect or NaN.
 */
export function elementaryEffects(x: readonly (readonly number[])[], y: readonly number[], k: number): number[][] {
  if (x.length !== y.length || x.length % (k + 1) !== 0) throw new RangeError(`elementaryEffects: ${x.length} rows and ${y.length} outputs are not whole trajectories of ${k + 1}`);
  const out: number[][] = [];
  for (let t = 0; t < x.length / (k + 1); t++) {
    const ee = new Array<number>(k).fill(NaN);
    for (let s = 0; s < k; s++) {
      const r0 = t * (k + 1) + s;
      const a = x[r0]!;
      const b = x[r0 + 1]!;
      const moved = a.map((v, i) => (b[i] !== v ? i : -1)).filter((i) => i >= 0);
      if (moved.length !== 1) throw new RangeError(`elementaryEffects: trajectory ${t}, step ${s + 1} moves ${moved.length} factors; a Morris step moves exactly one`);
      const i = moved[0]!;
      ee[i] = (y[r0 + 1]! - y[r0]!) / (b[i]! - a[i]!);
    }
    out.push(ee);
  }
  return out;
}

/**
 * μ, μ* and σ of each factor's elementary effects (SALib's `morris.analyze`),
 * with a bootstrap interval for μ* resampling whole trajectories.
 *
 * @example
 * const factors = morrisIndices(rows, ys, 3, { rng: seedrandom.alea('S/bootstrap') });
 * factors[0].muStar; // { value, lo, hi, se, conf }
 */
export function morrisIndices(x: readonly (readonly number[])[], y: readonly number[], k: number, options: MorrisOptions): MorrisFactor[] {
  const ee = elementaryEffects(x, y, k);
  const r = ee.length;
  const level = options.level ?? 0.95;
  const resamples = r < 2 ? 0 : (options.resamples ?? BOOTSTRAP_RESAMPLES);
  const meanAbs = (i: number, idx: ArrayLike<number>) => {
    let s = 0;
    let n = 0;
    for (let q = 0; q < idx.length; q++) {
      const e = ee[idx[q]!]![i]!;
      if (Number.isFinite(e)) {
        s += Math.abs(e);
        n++;
      }
    }
    return n === 0 ? NaN : s / n;
  };
  const all = Uint32Array.from({ length: r }, (_, t) => t);
  const draws: number[][] = Array.from({ length: k }, () => []);
  const idx = new Uint32Array(r);
  for (let b = 0; b < resamples; b++) {
    drawIndices(r, options.rng, idx);
    for (let i = 0; i < k; i++) draws[i]!.push(meanAbs(i, idx));
  }
  return Array.from({ length: k }, (_, i) => {
    const es = ee.map((row) => row[i]!).filter(Number.isFinite);
    const n = es.length;
    const mu = n === 0 ? 0 : es.reduce((s, e) => s + e, 0) / n;
    const sigma = n < 2 ? 0 : Math.sqrt(es.reduce((s, e) => s + (e - mu) ** 2, 0) / (n - 1));
    const star = n === 0 ? 0 : meanAbs(i, all);
    return { effects: n, mu, muStar: resamples === 0 || n === 0 ? pointInterval(star) : intervalOf(star, draws[i]!, level), sigma };
  });
}
