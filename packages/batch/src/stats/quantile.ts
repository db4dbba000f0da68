/**
 * Descriptive statistics on arrays held in memory: for small inputs (tests,
 * reliability bins, per-cell results). Batch tables are summarised in DuckDB
 * instead, with the same definitions (`quantile_cont`, `stddev_samp`).
 */

/**
 * The p-quantile of ascending `sorted` values, type 7 of Hyndman & Fan: R's
 * default, numpy's `linear`, DuckDB's `quantile_cont`. The quantile sits at
 * position h = (n − 1)·p and interpolates linearly between its neighbours.
 * NaN for an empty array (there is no quantile); p outside [0, 1] is an error.
 *
 * @example
 * quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.05); // 1.45
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must lie in [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const x0 = sorted[lo]!;
  if (lo + 1 >= n) return x0;
  const x1 = sorted[lo + 1]!;
  // x0 + (h − lo)(x1 − x0), written so equal neighbours give exactly x0.
  return x0 === x1 ? x0 : x0 + (h - lo) * (x1 - x0);
}

/** Quantiles of unsorted values (copied and sorted once). */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return ps.map((p) => quantileSorted(sorted, p));
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  // Neumaier's compensated sum: the mean of many similar values stays exact to the last digits.
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + c) / values.length;
}

/** The sample variance (denominator n − 1, as R's `var`); NaN for fewer than two values. */
export function variance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  // Two-pass with the correction term, which cancels the rounding error of the mean.
  let ss = 0;
  let s = 0;
  for (const v of values) {
    const d = v - m;
    ss += d * d;
    s += d;
  }
  return (ss - (s * s) / n) / (n - 1);
}

/** The sample standard deviation (n − 1, as R's `sd` and DuckDB's `stddev_samp`); NaN for fewer than two values. */
export function sd(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

/**
 * The value of the p-quantile in a list of precomputed quantiles (a summary's
 * `quantiles`), matching p to within 1e-9; NaN when the list does not hold it.
 *
 * @example
 * quantileAt([{ p: 0.5, value: 3 }], 0.5); // 3
 */
export function quantileAt(list: readonly { p: number; value: number }[], p: number): number {
  const q = list.find((x) => Math.abs(x.p - p) < 1e-9);
  return q === undefined ? NaN : q.value;
}
