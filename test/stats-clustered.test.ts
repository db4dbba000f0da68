import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { wilson } from '@wargame/batch';
import { clusteredMean, pairedDifference, tQuantile, wilsonEffective } from '../packages/batch/src/stats/clustered.js';

/** Standard normal draws (Box–Muller) from a seeded stream. */
function normal(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * A batch as common random numbers make it: C cells, R seeds, y = μ_c + s_r + e,
 * the seed's luck s_r (sd σs) shared by every cell, e (sd σe) the cell's own.
 */
function simulate(rng: () => number, C: number, R: number, sigmaS: number, sigmaE: number) {
  const z = normal(rng);
  const mu = Array.from({ length: C }, (_, c) => c / C);
  const seeds = Array.from({ length: R }, () => sigmaS * z());
  const values: number[] = [];
  const clusters: number[] = [];
  const byCell: number[][] = mu.map(() => []);
  for (let c = 0; c < C; c++)
    for (let r = 0; r < R; r++) {
      const y = mu[c]! + seeds[r]! + sigmaE * z();
      values.push(y);
      clusters.push(r);
      byCell[c]!.push(y);
    }
  return { values, clusters, byCell, truth: mu.reduce((s, m) => s + m, 0) / C, mu };
}

describe('tQuantile', () => {
  it('matches R qt / scipy t.ppf at 97.5%', () => {
    // scipy.stats.t.ppf(0.975, nu)
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 10);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302652729749464, 10);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.1824463052837078, 2);
    expect(tQuantile(0.975, 5)).toBeCloseTo(2.5705818356363146, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 4);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.0422724563012378, 5);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
  });
});

describe('clusteredMean', () => {
  it('is wider than the naive standard error when cells share seeds, and right: its interval covers the truth about 95% of the time', () => {
    const rng = seedrandom.alea('clustered');
    const C = 5;
    const R = 30;
    const [sigmaS, sigmaE] = [1, 0.5];
    // The true sd of the pooled mean: the shared luck averages over R seeds only.
    const trueSe = Math.sqrt(sigmaS ** 2 / R + sigmaE ** 2 / (C * R));
    let covered = 0;
    let naiveCovered = 0;
    let se2 = 0;
    const M = 400;
    for (let m = 0; m < M; m++) {
      const s = simulate(rng, C, R, sigmaS, sigmaE);
      const r = clusteredMean(s.values, s.clusters);
      se2 += r.se ** 2 / M;
      expect(r.se).toBeGreaterThan(r.naiveSe);
      expect(r.deff).toBeGreaterThan(1);
      if (r.lo <= s.truth && s.truth <= r.hi) covered++;
      if (Math.abs(r.mean - s.truth) <= 1.96 * r.naiveSe) naiveCovered++;
    }
    expect(Math.sqrt(se2) / trueSe).toBeGreaterThan(0.9);
    expect(Math.sqrt(se2) / trueSe).toBeLessThan(1.1);
    expect(covered / M).toBeGreaterThan(0.9);
    expect(covered / M).toBeLessThan(0.99);
    expect(naiveCovered / M).toBeLessThan(0.8);
  });

  it('equals the naive standard error (up to G/(G−1)) when every cluster holds one value', () => {
    const xs = [1, 4, 2, 8, 5, 7];
    const r = clusteredMean(xs, xs.map((_, i) => i));
    expect(r.mean).toBeCloseTo(4.5, 12);
    expect(r.se).toBeCloseTo(r.naiveSe, 12);
    expect(r.deff).toBeCloseTo(1, 12);
  });
});

describe('wilsonEffective', () => {
  it('is Wilson at n when nothing is clustered, and wider at n / deff', () => {
    const w = wilson(30, 100);
    const e = wilsonEffective(0.3, 100);
    expect(e.lo).toBeCloseTo(w.lo, 12);
    expect(e.hi).toBeCloseTo(w.hi, 12);
    const wide = wilsonEffective(0.3, 100 / 2.5);
    expect(wide.hi - wide.lo).toBeGreaterThan(1.5 * (w.hi - w.lo));
    expect(wilsonEffective(0, 50)).toMatchObject({ lo: 0 });
    expect(wilsonEffective(1, 50)).toMatchObject({ hi: 1 });
  });
});

describe('pairedDifference', () => {
  it('is narrower than the unpaired comparison under shared seeds, and covers the true difference', () => {
    const rng = seedrandom.alea('paired');
    let covered = 0;
    const M = 300;
    for (let m = 0; m < M; m++) {
      const s = simulate(rng, 2, 40, 1, 0.3);
      const d = pairedDifference(s.byCell[0]!, s.byCell[1]!);
      expect(d.pairs).toBe(40);
      expect(d.se).toBeLessThan(0.5 * d.unpairedSe);
      expect(d.correlation).toBeGreaterThan(0.5);
      const truth = s.mu[1]! - s.mu[0]!;
      if (d.lo <= truth && truth <= d.hi) covered++;
    }
    expect(covered / M).toBeGreaterThan(0.9);
    expect(covered / M).toBeLessThan(0.99);
  });

  it('pairs seed by seed, leaving out a seed missing in either cell', () => {
    const d = pairedDifference([0, 1, NaN, 1], [1, 1, 1, 0]);
    expect(d.pairs).toBe(3);
    expect(d.difference).toBeCloseTo(0, 12);
    expect(() => pairedDifference([1], [1, 2])).toThrow(/seed by seed/);
  });
});
