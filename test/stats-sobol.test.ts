import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { saltelliBlockSize, saltelliUnitSample, sobolIndices } from '../packages/batch/src/stats/sobol.js';

/** The Ishigami function on [−π, π]³ from unit-cube rows. */
function ishigami(u: readonly number[], a = 7, b = 0.1): number {
  const [x1, x2, x3] = u.map((v) => -Math.PI + 2 * Math.PI * v) as [number, number, number];
  return Math.sin(x1) + a * Math.sin(x2) ** 2 + b * x3 ** 4 * Math.sin(x1);
}

/** Analytic indices of Ishigami (Saltelli et al., Global Sensitivity Analysis: The Primer, §4.9; Sobol' & Levitan 1999). */
function ishigamiTruth(a = 7, b = 0.1) {
  const pi4 = Math.PI ** 4;
  const v1 = 0.5 * (1 + (b * pi4) / 5) ** 2;
  const v2 = a ** 2 / 8;
  const v13 = (8 * b ** 2 * Math.PI ** 8) / 225;
  const v = v1 + v2 + v13;
  return { s1: [v1 / v, v2 / v, 0], st: [(v1 + v13) / v, v2 / v, v13 / v], s13: v13 / v };
}

describe('saltelliUnitSample', () => {
  it('lays each block out as A, AB^1…AB^k, BA^1…BA^k, B (SALib order)', () => {
    const k = 3;
    const rows = saltelliUnitSample(k, 5, true, seedrandom.alea('layout'));
    expect(rows).toHaveLength(5 * saltelliBlockSize(k, true));
    for (let j = 0; j < 5; j++) {
      const block = rows.slice(j * 8, j * 8 + 8);
      const [a, b] = [block[0]!, block[7]!];
      for (let i = 0; i < k; i++) {
        expect(block[1 + i]).toEqual(a.map((v, m) => (m === i ? b[i] : v)));
        expect(block[1 + k + i]).toEqual(b.map((v, m) => (m === i ? a[i] : v)));
      }
      for (const x of block.flat()) expect(x >= 0 && x < 1).toBe(true);
    }
    expect(saltelliUnitSample(k, 5, false, seedrandom.alea('layout'))).toHaveLength(5 * (k + 2));
  });
});

describe('sobolIndices', () => {
  // n = 2^14 base rows (131,072 evaluations): the pseudo-random estimators' sd is about 0.01 there.
  const n = 16384;
  const truth = ishigamiTruth();
  const rows = saltelliUnitSample(3, n, true, seedrandom.alea('ishigami'));
  const ix = sobolIndices(rows.map((u) => ishigami(u)), 3, true, { rng: seedrandom.alea('ishigami/bootstrap'), resamples: 200 });

  it('recovers the Ishigami indices (a = 7, b = 0.1) within 0.03 at n = 16384', () => {
    ix.first.forEach((e, i) => {
      expect(Math.abs(e.value - truth.s1[i]!), `S${i + 1}`).toBeLessThan(0.03);
    });
    ix.total.forEach((e, i) => {
      expect(Math.abs(e.value - truth.st[i]!), `ST${i + 1}`).toBeLessThan(0.03);
    });
    const s2 = new Map(ix.second!.map((e) => [`${e.i}${e.j}`, e.value]));
    expect(Math.abs(s2.get('02')! - truth.s13)).toBeLessThan(0.05);
    expect(Math.abs(s2.get('01')!)).toBeLessThan(0.05);
    expect(Math.abs(s2.get('12')!)).toBeLessThan(0.05);
  });

  it('gives bootstrap intervals that hold the truth and shrink with n', () => {
    ix.first.forEach((e, i) => {
      expect(e.lo).toBeLessThanOrEqual(truth.s1[i]! + 0.005);
      expect(e.hi).toBeGreaterThanOrEqual(truth.s1[i]! - 0.005);
      expect(e.conf).toBeCloseTo(1.959963984540054 * e.se, 12);
    });
    const small = sobolIndices(
      saltelliUnitSample(3, 512, true, seedrandom.alea('ishigami')).map((u) => ishigami(u)),
      3,
      true,
      { rng: seedrandom.alea('b'), resamples: 200 },
    );
    expect(small.first[0]!.se).toBeGreaterThan(3 * ix.first[0]!.se);
  });

  it('gives a linear model its analytic shares a_i² / Σ a_j², with no interactions', () => {
    const a = [4, 2, 1, 0];
    const k = a.length;
    const xs = saltelliUnitSample(k, 8192, true, seedrandom.alea('linear'));
    const r = sobolIndices(xs.map((u) => u.reduce((s, x, i) => s + a[i]! * x, 0)), k, true, { rng: seedrandom.alea('lb'), resamples: 100 });
    const sum = a.reduce((s, v) => s + v * v, 0);
    a.forEach((ai, i) => {
      // Within three bootstrap standard errors, and those are small at n = 8192.
      expect(Math.abs(r.first[i]!.value - (ai * ai) / sum)).toBeLessThan(3 * r.first[i]!.se + 1e-12);
      expect(r.first[i]!.se).toBeLessThan(0.015);
      // Jansen's total index is exact for an additive model: AB^i − A changes term i only.
      expect(r.total[i]!.value).toBeCloseTo((ai * ai) / sum, 1);
    });
    expect(r.total[3]!.value).toBe(0);
    for (const e of r.second!) expect(Math.abs(e.value)).toBeLessThan(3 * e.se);
  });

  it('is the same for the same seed, and zero with no variation', () => {
    const ys = saltelliUnitSample(2, 64, false, seedrandom.alea('x')).map((u) => u[0]! + 2 * u[1]!);
    const run = () => sobolIndices(ys, 2, false, { rng: seedrandom.alea('same'), resamples: 50 });
    expect(run()).toEqual(run());
    expect(run().second).toBeUndefined();
    const flat = sobolIndices(new Array(64 * 4).fill(3), 2, false, { rng: seedrandom.alea('same') });
    expect(flat.constant).toBe(true);
    expect(flat.first.map((e) => e.value)).toEqual([0, 0]);
    // Equal shares whose mean is not exact in binary (0.1) leave a variance of rounding error: still no variation.
    const tenth = sobolIndices(new Array(64 * 4).fill(0.1), 2, false, { rng: seedrandom.alea('same') });
    expect(tenth.constant).toBe(true);
    expect(tenth.total.map((e) => e.value)).toEqual([0, 0]);
    expect(() => sobolIndices([1, 2, 3], 2, false, { rng: seedrandom.alea('x') })).toThrow(/not whole blocks of 4/);
  });
});
