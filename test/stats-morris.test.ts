import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { elementaryEffects, morrisDelta, morrisIndices, morrisUnitSample } from '../packages/batch/src/stats/morris.js';

// Linear in x1 (with an interaction with x4), quadratic in x2, nothing in x3, and x5 a symmetric bowl whose effects change sign.
const f = ([x1, x2, , x4, x5]: readonly number[]) => 10 * x1! + 4 * x2! ** 2 + 2 * x1! * x4! + 6 * (x5! - 0.5) ** 2;

describe('morrisUnitSample', () => {
  it('builds trajectories of k + 1 grid points, each step moving one factor by Δ', () => {
    const k = 4;
    const levels = 4;
    const rows = morrisUnitSample(k, 10, levels, seedrandom.alea('m'));
    expect(rows).toHaveLength(10 * (k + 1));
    const delta = morrisDelta(levels);
    expect(delta).toBeCloseTo(2 / 3, 12);
    for (let t = 0; t < 10; t++) {
      const moved = new Set<number>();
      for (let s = 0; s < k; s++) {
        const [a, b] = [rows[t * (k + 1) + s]!, rows[t * (k + 1) + s + 1]!];
        const diff = a.map((v, i) => b[i]! - v);
        const i = diff.findIndex((d) => d !== 0);
        expect(diff.filter((d) => d !== 0)).toHaveLength(1);
        expect(Math.abs(diff[i]!)).toBeCloseTo(delta, 12);
        moved.add(i);
      }
      expect(moved.size).toBe(k);
      for (const x of rows.slice(t * (k + 1), (t + 1) * (k + 1)).flat()) expect(Math.round(x * (levels - 1)) / (levels - 1)).toBeCloseTo(x, 12);
    }
  });
});

describe('morrisIndices', () => {
  const k = 5;
  const rows = morrisUnitSample(k, 40, 4, seedrandom.alea('rank'));
  const r = morrisIndices(rows, rows.map(f), k, { rng: seedrandom.alea('rank/bootstrap'), resamples: 300 });

  it('ranks the factors by μ* and gives a factor with no effect μ* = σ = 0', () => {
    const order = r.map((x, i) => [i, x.muStar.value] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i + 1);
    expect(order).toEqual([1, 2, 5, 4, 3]);
    expect(r[2]).toMatchObject({ mu: 0, sigma: 0, effects: 40 });
    expect(r[2]!.muStar).toMatchObject({ value: 0, lo: 0, hi: 0 });
  });

  it('measures the slopes: x1 between 10 and 12 (its interaction with x4), x4 between 0 and 2', () => {
    expect(r[0]!.mu).toBeGreaterThanOrEqual(10);
    expect(r[0]!.mu).toBeLessThanOrEqual(12);
    expect(r[0]!.muStar.value).toBeCloseTo(r[0]!.mu, 12);
    expect(r[3]!.muStar.value).toBeLessThanOrEqual(2);
    // On the 4-level grid every step of the bowl is ±2: μ* = 2 while the signs cancel in μ.
    expect(r[4]!.muStar.value).toBeCloseTo(2, 9);
    expect(Math.abs(r[4]!.mu)).toBeLessThan(1);
    // The interaction and the curvature show as σ > 0; the bootstrap interval holds μ*.
    expect(r[0]!.sigma).toBeGreaterThan(0);
    expect(r[1]!.sigma).toBeGreaterThan(0);
    for (const x of r) {
      expect(x.muStar.lo).toBeLessThanOrEqual(x.muStar.value);
      expect(x.muStar.hi).toBeGreaterThanOrEqual(x.muStar.value);
    }
  });

  it('reads each step from the rows, signed, and refuses a step that moves two factors', () => {
    const x = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.25],
    ];
    expect(elementaryEffects(x, [1, 2, 1.5], 2)).toEqual([[2, -2]]);
    expect(() => elementaryEffects([[0, 0], [1, 1], [1, 0]], [0, 0, 0], 2)).toThrow(/moves 2 factors/);
  });
});
