/**
 * The bootstrap shared by the sensitivity estimators: resample the
 * independent units (Saltelli blocks, Morris trajectories) with replacement
 * from a seeded stream, recompute the statistic, and read its spread. Seeded,
 * so the same batch prints the same intervals on every machine.
 */
import { quantileSorted } from './quantile.js';
import { zForLevel } from './wilson.js';

/** Resamples per interval unless the caller asks otherwise (SALib's default). */
export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * An estimate with its bootstrap uncertainty: `lo`–`hi` is the percentile
 * interval at the level asked, `se` the standard deviation of the resampled
 * estimates, and `conf` = z·se the half-width SALib reports as `S1_conf`.
 */
export interface Interval {
  value: number;
  lo: number;
  hi: number;
  se: number;
  conf: number;
}

/** A point estimate with no resampling (too few units): its interval is the point itself and se 0. */
export function pointInterval(value: number): Interval {
  return { value, lo: value, hi: value, se: 0, conf: 0 };
}

/** Fills `out` with indices drawn uniformly from 0 … n − 1. */
export function drawIndices(n: number, rng: () => number, out: Uint32Array): Uint32Array {
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rng() * n);
  return out;
}

/** The interval of an estimate from its resampled values (non-finite resamples are dropped: a resample may hit a constant output). */
export function intervalOf(value: number, resampled: readonly number[], level = 0.95): Interval {
  const xs = resampled.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length < 2) return pointInterval(value);
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  const se = Math.sqrt(ss / (xs.length - 1));
  const tail = (1 - level) / 2;
  return { value, lo: quantileSorted(xs, tail), hi: quantileSorted(xs, 1 - tail), se, conf: zForLevel(level) * se };
}
