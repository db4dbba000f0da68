/**
 * Wilson score intervals for a proportion, the interval R's `prop.test`
 * (without continuity correction) and statsmodels' `proportion_confint(method='wilson')`
 * give. Chosen over the Wald interval because it stays inside [0, 1] and keeps
 * its coverage near 0 and 1, where war-game outcomes often sit.
 */
import type { Proportion } from '../summary-types.js';

/** The two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/**
 * The standard normal quantile Φ⁻¹(p): Wichura's algorithm AS 241 (PPND16),
 * accurate to about 1e-16, which is what R's `qnorm` uses.
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must lie in [0, 1], got ${p}`);
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

/** The z of a two-sided interval at `level` (0.95 → 1.959963984540054). */
export function zForLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must lie strictly between 0 and 1, got ${level}`);
  // Exact for the level everyone uses, so the default never depends on the approximation.
  return level === 0.95 ? Z95 : normalQuantile(0.5 + level / 2);
}

/**
 * The Wilson score interval for `count` successes in `n` trials.
 *
 * With n = 0 there is no information: the interval is the whole [0, 1] and p is
 * reported as 0 (not NaN, so JSON output stays valid); callers that print it
 * should check n. The bounds are exactly 0 when count = 0 and exactly 1 when
 * count = n (the formula reaches them only up to rounding).
 *
 * @example
 * wilson(867, 1000); // { count: 867, n: 1000, p: 0.867, lo: 0.8445…, hi: 0.8866… }
 * wilson(0, 10);     // { count: 0, n: 10, p: 0, lo: 0, hi: 0.2775… }
 */
export function wilson(count: number, n: number, level = 0.95): Proportion {
  if (!Number.isInteger(count) || !Number.isInteger(n) || count < 0 || n < 0 || count > n)
    throw new RangeError(`wilson: need integers 0 ≤ count ≤ n, got count ${count}, n ${n}`);
  if (n === 0) return { count, n, p: 0, lo: 0, hi: 1 };
  const z = zForLevel(level);
  const z2 = z * z;
  const p = count / n;
  // (k + z²/2 ± z √(k(n−k)/n + z²/4)) / (n + z²): the form without p(1−p), so k = 0 and k = n need no special case.
  const centre = count + z2 / 2;
  const half = z * Math.sqrt((count * (n - count)) / n + z2 / 4);
  const lo = count === 0 ? 0 : Math.max(0, (centre - half) / (n + z2));
  const hi = count === n ? 1 : Math.min(1, (centre + half) / (n + z2));
  return { count, n, p, lo, hi };
}
