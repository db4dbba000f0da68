/**
 * PRIM, the patient rule induction method (Friedman & Fisher 1999), as the EMA
 * Workbench runs it for scenario discovery (`ema_workbench.analysis.prim`, its
 * defaults): one box over numeric inputs, found by peeling and then pasting.
 *
 * - Peeling: each step tries, for every dimension, cutting the lowest and the
 *   highest `peelAlpha` share of the points left in the box (the cut at the
 *   sdtoolkit quantile, a midpoint between two distinct values), and keeps the
 *   cut with the best "lenient" objective: the gain in the share of cases of
 *   interest divided by the number of points removed (EMA's LENIENT1; ties go
 *   to the cut that leaves more dimensions unrestricted). It stops when the
 *   best cut would leave less than `massMin` of all points, or gains nothing.
 * - Pasting: widens a restricted limit by the `pasteAlpha` share of the
 *   points just outside it while that raises the share of cases.
 * - Each accepted peel or paste is a point of the peeling trajectory, from
 *   the whole space (point 0) to the last box: coverage falls and density
 *   rises along it, the trade-off the user picks a box on.
 *
 * Pure arithmetic on columns already in memory; the caller bounds their size.
 */
import { binomialUpperTail } from './binomial.js';

export interface PrimOptions {
  /** Share of the box peeled per step (EMA: 0.05). */
  peelAlpha: number;
  /** Share of the points outside a limit pasted back per step (EMA: 0.05). */
  pasteAlpha: number;
  /** Smallest share of all points a box may hold (EMA: 0.05). */
  massMin: number;
  /** Run the pasting phase (EMA always does). */
  paste: boolean;
}

export const PRIM_DEFAULTS: PrimOptions = { peelAlpha: 0.05, pasteAlpha: 0.05, massMin: 0.05, paste: true };

/** One point of the trajectory: a box and how it does. */
export interface PrimBox {
  /** Per dimension, the lowest and highest value inside the box (inclusive). */
  lower: number[];
  upper: number[];
  /** Points in the box. */
  n: number;
  /** Cases of interest in the box. */
  k: number;
  /** k / all cases of interest. */
  coverage: number;
  /** k / n: the share of points in the box that are cases. */
  density: number;
  /** n / all points. */
  mass: number;
  /** Dimensions whose limits differ from the whole space's, in dimension order. */
  restricted: number[];
  /** How the box was reached: the whole space, a peel or a paste. */
  step: 'start' | 'peel' | 'paste';
}

export interface PrimResult {
  /** The whole space: each dimension's smallest and largest value. */
  init: { lower: number[]; upper: number[] };
  trajectory: PrimBox[];
}

/**
 * Finds the first PRIM box of `y` over the columns `x` (one array per dimension, all of length n).
 *
 * @example
 * const { trajectory } = prim([x1, x2], y, PRIM_DEFAULTS);
 * const last = trajectory.at(-1)!; // EMA's default box
 */
export function prim(x: readonly Float64Array[], y: Uint8Array, options: PrimOptions = PRIM_DEFAULTS): PrimResult {
  const n = y.length;
  const d = x.length;
  const lower = x.map((col) => minOf(col));
  const upper = x.map((col) => maxOf(col));
  const init = { lower: [...lower], upper: [...upper] };
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i]!;
  const order = x.map(sortedOrder);
  const inBox = new Uint8Array(n).fill(1);
  const state = { n, k: total };
  const trajectory: PrimBox[] = [];
  const record = (step: PrimBox['step']) =>
    trajectory.push({
      lower: [...lower],
      upper: [...upper],
      n: state.n,
      k: state.k,
      coverage: total > 0 ? state.k / total : 0,
      density: state.n > 0 ? state.k / state.n : 0,
      mass: n > 0 ? state.n / n : 0,
      restricted: restrictedDims(lower, upper, init),
      step,
    });
  record('start');
  if (n === 0) return { init, trajectory };

  // Scratch for one dimension's in-box values in sorted order.
  const values = new Float64Array(n);
  const cases = new Uint8Array(n);

  // ── peeling ──
  for (;;) {
    let best: { obj: number; free: number; dim: number; side: 'lower' | 'upper'; limit: number; n: number; k: number } | null = null;
    const meanOld = state.k / state.n;
    const freeNow = d - restrictedCount(lower, upper, init);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (const i of order[j]!) {
        if (!inBox[i]) continue;
        values[m] = x[j]![i]!;
        cases[m] = y[i]!;
        m++;
      }
      const sorted = values.subarray(0, m);
      // EMA tries the upper limit first, then the lower; on equal scores the first tried wins.
      for (const side of ['upper', 'lower'] as const) {
        const limit = sdtoolkitQuantile(sorted, side === 'upper' ? 1 - options.peelAlpha : options.peelAlpha);
        let nNew = 0;
        let kNew = 0;
        for (let t = 0; t < m; t++) {
          const v = sorted[t]!;
          if (side === 'lower' ? v >= limit : v <= limit) {
            nNew++;
            kNew += cases[t]!;
          }
        }
        const obj = lenient(meanOld, state.n, nNew > 0 ? kNew / nNew : 0, nNew);
        // A peel restricts a dimension that was free only if the cut moved its limit.
        const newlyRestricted = !isRestricted(lower[j]!, upper[j]!, init, j) && limit !== (side === 'lower' ? init.lower[j] : init.upper[j]);
        const free = freeNow - (newlyRestricted ? 1 : 0);
        if (best === null || obj > best.obj || (obj === best.obj && free > best.free)) best = { obj, free, dim: j, side, limit, n: nNew, k: kNew };
      }
    }
    if (best === null || !(best.n / n >= options.massMin) || !(best.n < state.n) || !(best.obj > 0)) break;
    const col = x[best.dim]!;
    for (let i = 0; i < n; i++) if (inBox[i] && (best.side === 'lower' ? col[i]! < best.limit : col[i]! > best.limit)) inBox[i] = 0;
    if (best.side === 'lower') lower[best.dim] = best.limit;
    else upper[best.dim] = best.limit;
    state.n = best.n;
    state.k = best.k;
    record('peel');
  }

  // ── pasting ──
  while (options.paste) {
    const restricted = restrictedDims(lower, upper, init);
    if (restricted.length === 0) break;
    let best: { obj: number; free: number; dim: number; side: 'lower' | 'upper'; limit: number; n: number; k: number } | null = null;
    const meanOld = state.k / state.n;
    for (const j of restricted) {
      for (const side of ['lower', 'upper'] as const) {
        if (side === 'lower' ? lower[j] === init.lower[j] : upper[j] === init.upper[j]) continue;
        // The points just outside this limit (inside every other restricted limit).
        let m = 0;
        for (const i of order[j]!) {
          const v = x[j]![i]!;
          if (side === 'lower' ? v > lower[j]! : v < upper[j]!) continue;
          if (!insideExcept(x, i, lower, upper, restricted, j)) continue;
          values[m++] = v;
        }
        const outside = values.subarray(0, m);
        const limit =
          m > 0
            ? sdtoolkitQuantile(outside, side === 'lower' ? 1 - options.pasteAlpha : options.pasteAlpha)
            : side === 'lower'
              ? init.lower[j]!
              : init.upper[j]!;
        let nNew = 0;
        let kNew = 0;
        const lo = side === 'lower' ? limit : lower[j]!;
        const hi = side === 'upper' ? limit : upper[j]!;
        for (let i = 0; i < n; i++) {
          const v = x[j]![i]!;
          if (v < lo || v > hi || !insideExcept(x, i, lower, upper, restricted, j)) continue;
          nNew++;
          kNew += y[i]!;
        }
        const meanNew = nNew > 0 ? kNew / nNew : 0;
        const obj = lenient(meanOld, state.n, meanNew, nNew);
        const free = d - restrictedCount(side === 'lower' ? withAt(lower, j, lo) : lower, side === 'upper' ? withAt(upper, j, hi) : upper, init);
        if (best === null || obj > best.obj || (obj === best.obj && free > best.free)) best = { obj, free, dim: j, side, limit, n: nNew, k: kNew };
      }
    }
    if (best === null) break;
    const meanNew = best.n > 0 ? best.k / best.n : 0;
    if (!(best.n / n >= options.massMin) || !(best.n > state.n) || !(best.obj > 0) || !(meanNew > meanOld)) break;
    if (best.side === 'lower') lower[best.dim] = best.limit;
    else upper[best.dim] = best.limit;
    for (let i = 0; i < n; i++) inBox[i] = inside(x, i, lower, upper) ? 1 : 0;
    state.n = best.n;
    state.k = best.k;
    record('paste');
  }
  return { init, trajectory };
}

/**
 * Quasi-p-values of a box's limits (Bryant & Lempert 2010, as EMA's `inspect`):
 * for each restricted limit, a one-sided binomial test of the box's cases
 * against the density of the box with that one limit removed. Small values
 * mean the limit really concentrates the cases; a large one (> 0.05) marks a
 * limit that may be noise.
 */
export function quasiPValues(
  x: readonly Float64Array[],
  y: Uint8Array,
  box: PrimBox,
  init: PrimResult['init'],
): { dim: number; lower?: number; upper?: number }[] {
  const out: { dim: number; lower?: number; upper?: number }[] = [];
  for (const j of box.restricted) {
    const entry: { dim: number; lower?: number; upper?: number } = { dim: j };
    for (const side of ['lower', 'upper'] as const) {
      if (box[side][j] === init[side][j]) continue;
      const lower = side === 'lower' ? withAt(box.lower, j, init.lower[j]!) : box.lower;
      const upper = side === 'upper' ? withAt(box.upper, j, init.upper[j]!) : box.upper;
      let t = 0;
      let h = 0;
      for (let i = 0; i < y.length; i++) {
        if (!insideOn(x, i, lower, upper, box.restricted)) continue;
        t++;
        h += y[i]!;
      }
      entry[side] = t > 0 ? binomialUpperTail(box.k, box.n, h / t) : 1;
    }
    out.push(entry);
  }
  return out;
}

/**
 * The quantile the EMA Workbench peels and pastes at (from sdtoolkit): at
 * position (m − 1)·q of the sorted values, moved outward past ties, and the
 * midpoint of the two values there — so a cut falls between distinct values.
 */
export function sdtoolkitQuantile(sorted: ArrayLike<number>, q: number): number {
  const m = sorted.length;
  const at = (m - 1) * q;
  let lo = Math.floor(at);
  let hi = Math.ceil(at);
  if (q > 0.5) while (sorted[lo] === sorted[hi] && lo > 0) lo--;
  else while (sorted[lo] === sorted[hi] && hi < m - 1) hi++;
  return (sorted[lo]! + sorted[hi]!) / 2;
}

/** EMA's LENIENT1 objective: the change in the mean divided by the change in the number of points. */
function lenient(meanOld: number, nOld: number, meanNew: number, nNew: number): number {
  if (meanOld === meanNew || nOld === nNew) return 0;
  return (meanNew - meanOld) / Math.abs(nOld - nNew);
}

function isRestricted(lo: number, hi: number, init: PrimResult['init'], j: number): boolean {
  return lo !== init.lower[j] || hi !== init.upper[j];
}

function restrictedDims(lower: readonly number[], upper: readonly number[], init: PrimResult['init']): number[] {
  const out: number[] = [];
  for (let j = 0; j < lower.length; j++) if (isRestricted(lower[j]!, upper[j]!, init, j)) out.push(j);
  return out;
}

function restrictedCount(lower: readonly number[], upper: readonly number[], init: PrimResult['init']): number {
  return restrictedDims(lower, upper, init).length;
}

function withAt(values: readonly number[], j: number, v: number): number[] {
  const out = [...values];
  out[j] = v;
  return out;
}

function inside(x: readonly Float64Array[], i: number, lower: readonly number[], upper: readonly number[]): boolean {
  for (let j = 0; j < x.length; j++) {
    const v = x[j]![i]!;
    if (v < lower[j]! || v > upper[j]!) return false;
  }
  return true;
}

function insideOn(x: readonly Float64Array[], i: number, lower: readonly number[], upper: readonly number[], dims: readonly number[]): boolean {
  for (const j of dims) {
    const v = x[j]![i]!;
    if (v < lower[j]! || v > upper[j]!) return false;
  }
  return true;
}

function insideExcept(
  x: readonly Float64Array[],
  i: number,
  lower: readonly number[],
  upper: readonly number[],
  dims: readonly number[],
  skip: number,
): boolean {
  for (const j of dims) {
    if (j === skip) continue;
    const v = x[j]![i]!;
    if (v < lower[j]! || v > upper[j]!) return false;
  }
  return true;
}

/** Row indices in ascending order of a column (ties in row order, so the result never depends on the sort). */
export function sortedOrder(col: Float64Array): Uint32Array {
  const idx = new Uint32Array(col.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => col[a]! - col[b]! || a - b);
}

function minOf(col: Float64Array): number {
  let m = Infinity;
  for (const v of col) if (v < m) m = v;
  return m;
}

function maxOf(col: Float64Array): number {
  let m = -Infinity;
  for (const v of col) if (v > m) m = v;
  return m;
}
