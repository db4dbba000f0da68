/**
 * Intervals under common random numbers. Every cell of a batch plays the same
 * seeds, so run r of one cell and run r of another share their luck: pooled
 * over cells, runs are not independent, and an interval that treats them so is
 * too narrow (1.6–3× on a 12,000-run grid of the flagship). Two remedies:
 *
 * - a mean pooled over cells gets a seed-clustered standard error (the
 *   cluster-robust "sandwich" for a mean, clusters = seeds, with the CR1
 *   small-sample factor G/(G − 1), as Stata's `vce(cluster)` and R's
 *   `sandwich::vcovCL(type = "HC1")` for a mean); a share gets a Wilson
 *   interval at the effective number of runs n / deff;
 * - the difference between two cells is taken seed by seed (paired), which is
 *   what common random numbers are for: the shared luck cancels, and the
 *   interval is narrower than the unpaired one.
 */
import { normalQuantile, zForLevel } from './wilson.js';

/**
 * Student's t quantile t_p(ν): exact for ν = 1, 2; otherwise the Cornish–Fisher
 * expansion of Fisher (1926) in powers of 1/ν (Abramowitz & Stegun 26.7.5),
 * within 1e-4 of R's `qt` for ν ≥ 3 at the levels intervals use; ν = ∞ is the normal.
 */
export function tQuantile(p: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`tQuantile: degrees of freedom must be positive, got ${nu}`);
  if (nu === 1) return Math.tan(Math.PI * (p - 0.5));
  if (nu === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  if (!Number.isFinite(nu)) return z;
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

/** One cluster's part of a pooled mean: the sum of its values and how many there are. */
export interface ClusterTotal {
  sum: number;
  count: number;
}

export interface ClusteredMean {
  mean: number;
  /** Values pooled. */
  n: number;
  /** Clusters (seeds) they fall in. */
  clusters: number;
  /** Seed-clustered standard error of the mean (CR1). */
  se: number;
  /** The standard error independent values would have: s/√n. */
  naiveSe: number;
  /** Design effect (se / naiveSe)²: how many runs count as one; n / deff is the effective number of runs. 1 when undefined. */
  deff: number;
  /** The interval mean ± t(G − 1)·se. */
  lo: number;
  hi: number;
}

/**
 * What a database hands over for a clustered mean: sums over the values and
 * over the clusters' totals (s_g = Σ_{i∈g} y_i, n_g its count), so a batch of
 * any size comes back as one row.
 */
export interface ClusterSums {
  /** Clusters with at least one value. */
  clusters: number;
  /** Σ y and the number of values. */
  sum: number;
  count: number;
  /** Σ y². */
  sumSquares: number;
  /** Σ_g s_g², Σ_g s_g·n_g and Σ_g n_g². */
  clusterSumSquares: number;
  clusterSumCount: number;
  clusterCountSquares: number;
}

/** A pooled mean with its seed-clustered standard error from {@link ClusterSums}. */
export function clusteredMeanOfSums(x: ClusterSums, level = 0.95): ClusteredMean {
  const { clusters: g, count: n } = x;
  const mean = n === 0 ? 0 : x.sum / n;
  // Σ_g (s_g − n_g·ȳ)²: the spread of the clusters' deviations, which carries their shared luck.
  const q = Math.max(0, x.clusterSumSquares - 2 * mean * x.clusterSumCount + mean * mean * x.clusterCountSquares);
  const se = g > 1 && n > 0 ? Math.sqrt((g / (g - 1)) * q) / n : 0;
  const s2 = n > 1 ? Math.max(0, x.sumSquares - n * mean * mean) / (n - 1) : 0;
  const naiveSe = n > 0 ? Math.sqrt(s2 / n) : 0;
  const deff = naiveSe > 0 && g > 1 ? (se / naiveSe) ** 2 : 1;
  const half = g > 1 ? tQuantile(0.5 + level / 2, g - 1) * se : 0;
  return { mean, n, clusters: g, se, naiveSe, deff, lo: mean - half, hi: mean + half };
}

/**
 * A pooled mean with its seed-clustered standard error, from each cluster's
 * total and the pooled sum of squares Σy².
 */
export function clusteredMeanOfTotals(totals: readonly ClusterTotal[], sumSquares: number, level = 0.95): ClusteredMean {
  const x: ClusterSums = { clusters: 0, sum: 0, count: 0, sumSquares, clusterSumSquares: 0, clusterSumCount: 0, clusterCountSquares: 0 };
  for (const t of totals) {
    if (t.count === 0) continue;
    x.clusters++;
    x.sum += t.sum;
    x.count += t.count;
    x.clusterSumSquares += t.sum * t.sum;
    x.clusterSumCount += t.sum * t.count;
    x.clusterCountSquares += t.count * t.count;
  }
  return clusteredMeanOfSums(x, level);
}

/**
 * A pooled mean of `values`, clustered by `clusters` (the seed, or rep index, of each value).
 *
 * @example
 * clusteredMean([0.2, 0.9, 0.3, 1.0], [0, 1, 0, 1]); // two cells, two seeds
 */
export function clusteredMean(values: readonly number[], clusters: readonly (number | string)[], level = 0.95): ClusteredMean {
  if (values.length !== clusters.length) throw new RangeError(`clusteredMean: ${values.length} values but ${clusters.length} cluster labels`);
  const totals = new Map<number | string, ClusterTotal>();
  let ss = 0;
  values.forEach((v, i) => {
    const t = totals.get(clusters[i]!) ?? { sum: 0, count: 0 };
    t.sum += v;
    t.count++;
    totals.set(clusters[i]!, t);
    ss += v * v;
  });
  return clusteredMeanOfTotals([...totals.values()], ss, level);
}

/**
 * A Wilson interval for a share p measured on runs worth `nEffective`
 * independent ones (n / deff): the interval of a clustered share that keeps
 * Wilson's good behaviour near 0 and 1 (the "effective sample size" Wilson
 * interval of survey statistics, Korn & Graubard 1998).
 */
export function wilsonEffective(p: number, nEffective: number, level = 0.95): { lo: number; hi: number } {
  if (!(nEffective > 0) || !Number.isFinite(nEffective)) return nEffective === Infinity ? { lo: p, hi: p } : { lo: 0, hi: 1 };
  const z = zForLevel(level);
  const z2 = z * z;
  const centre = p + z2 / (2 * nEffective);
  const half = z * Math.sqrt((p * (1 - p)) / nEffective + z2 / (4 * nEffective * nEffective));
  const d = 1 + z2 / nEffective;
  return { lo: p <= 0 ? 0 : Math.max(0, (centre - half) / d), hi: p >= 1 ? 1 : Math.min(1, (centre + half) / d) };
}

/** Moments of one cell's values: count, mean and sample variance (n − 1). */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

export interface PairedDifference {
  /** Seeds both cells played (with a value in both). */
  pairs: number;
  /** Mean of b − a over the shared seeds. */
  difference: number;
  /** Its standard error: sd(b − a)/√pairs. */
  se: number;
  /** difference ± t(pairs − 1)·se. */
  lo: number;
  hi: number;
  /** The standard error an unpaired comparison of the two cells would have: √(s_a²/n_a + s_b²/n_b). */
  unpairedSe: number;
  /** Correlation of the two cells' values over the shared seeds: how much luck they share. */
  correlation: number;
}

/**
 * The paired difference b − a from its moments: the differences over the
 * shared seeds, and each cell's own values (for the unpaired comparison).
 */
export function pairedDifferenceOfMoments(diff: Moments, a: Moments, b: Moments, level = 0.95): PairedDifference {
  const se = diff.n > 1 ? Math.sqrt(diff.variance / diff.n) : 0;
  const half = diff.n > 1 ? tQuantile(0.5 + level / 2, diff.n - 1) * se : 0;
  const unpairedSe = Math.sqrt((a.n > 0 ? a.variance / a.n : 0) + (b.n > 0 ? b.variance / b.n : 0));
  // var(b − a) = var a + var b − 2 cov: the correlation that made the pairing pay.
  const denom = 2 * Math.sqrt(a.variance * b.variance);
  const correlation = denom > 0 ? Math.max(-1, Math.min(1, (a.variance + b.variance - diff.variance) / denom)) : 0;
  return { pairs: diff.n, difference: diff.mean, se, lo: diff.mean - half, hi: diff.mean + half, unpairedSe, correlation };
}

function momentsOf(xs: readonly number[]): Moments {
  const n = xs.length;
  const mean = n === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

/**
 * The paired difference b − a of two cells' values, given seed by seed
 * (a[i] and b[i] played the same seed; NaN where a run has no value).
 *
 * @example
 * pairedDifference([0, 1, 1, 0], [1, 1, 1, 0]); // difference 0.25 over 4 seeds
 */
export function pairedDifference(a: readonly number[], b: readonly number[], level = 0.95): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: the cells have ${a.length} and ${b.length} seeds; pair them seed by seed`);
  const d: number[] = [];
  a.forEach((x, i) => {
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y)) d.push(y - x);
  });
  return pairedDifferenceOfMoments(momentsOf(d), momentsOf(a.filter(Number.isFinite)), momentsOf(b.filter(Number.isFinite)), level);
}
