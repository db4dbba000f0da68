/**
 * The F distribution's quantile by Paulson's (1942) normal approximation of
 * the cube root of F: within 2% of the exact value for d2 ≥ 8 at the
 * upper tail, enough for a chance threshold (the sensitivity table's "a
 * parameter with no effect reaches this 1 time in 20"). Written here because
 * an exact quantile needs the inverse incomplete beta, which no small
 * well-kept npm package provides (stdlib's brings over a hundred packages).
 */
import { normalQuantile } from './wilson.js';

/**
 * F_p(d1, d2), for p in (0.5, 1).
 *
 * @example
 * fQuantile(0.95, 9, 40); // ≈ 2.124 (scipy: 2.1240)
 */
export function fQuantile(p: number, d1: number, d2: number): number {
  if (!(p > 0.5 && p < 1) || !(d1 > 0) || !(d2 > 0)) throw new RangeError(`fQuantile: need 0.5 < p < 1 and positive degrees of freedom, got p ${p}, d1 ${d1}, d2 ${d2}`);
  const z = normalQuantile(p);
  const a = 2 / (9 * d1);
  const b = 2 / (9 * d2);
  // ((1 − b)u − (1 − a)) / √(a + b u²) = z for u = F^(1/3): the larger root of the squared equation.
  const den = (1 - b) ** 2 - z * z * b;
  const disc = (1 - a) ** 2 * b + (1 - b) ** 2 * a - z * z * a * b;
  if (!(den > 0) || disc < 0) return Infinity;
  const u = ((1 - a) * (1 - b) + z * Math.sqrt(disc)) / den;
  return u ** 3;
}
