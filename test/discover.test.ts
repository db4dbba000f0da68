/**
 * Scenario discovery's algorithms on synthetic data with a known answer:
 * y is mostly 1 inside x1 > 0.6 and x2 < 0.3, rarely outside, and x3 has no
 * effect. PRIM and CART must find that box and leave x3 alone.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  chooseBox,
  growTree,
  prim,
  PRIM_DEFAULTS,
  quasiPValues,
  ruleText,
  sdtoolkitQuantile,
  treeLeaves,
  type DiscoveryPoint,
} from '@wargame/batch';

function synthetic(n: number, seed: string, inside = 0.9, outside = 0.05) {
  const rng = seedrandom.alea(seed);
  const x = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (const col of x) col[i] = rng();
    const hit = x[0]![i]! > 0.6 && x[1]![i]! < 0.3;
    y[i] = rng() < (hit ? inside : outside) ? 1 : 0;
  }
  return { x, y };
}

/** The trajectory as the discovery reports it, for chooseBox. */
function points(result: ReturnType<typeof prim>): DiscoveryPoint[] {
  return result.trajectory.map((b, index) => ({
    index,
    step: b.step,
    coverage: b.coverage,
    density: b.density,
    mass: b.mass,
    n: b.n,
    k: b.k,
    limits: b.restricted.map((j) => ({ parameter: `x${j + 1}`, lower: b.lower[j]!, upper: b.upper[j]! })),
  }));
}

describe('PRIM', () => {
  const { x, y } = synthetic(5000, 'prim-box');
  const result = prim(x, y, PRIM_DEFAULTS);

  it('peels from the whole space to ever denser, smaller boxes', () => {
    const t = result.trajectory;
    expect(t[0]!.mass).toBe(1);
    expect(t[0]!.coverage).toBe(1);
    expect(t.length).toBeGreaterThan(10);
    const peels = t.filter((b) => b.step === 'peel');
    for (let i = 1; i < peels.length; i++) {
      expect(peels[i]!.mass).toBeLessThan(peels[i - 1]!.mass);
      expect(peels[i]!.density).toBeGreaterThan(peels[i - 1]!.density);
    }
    // Never below the minimum mass.
    for (const b of t) expect(b.mass).toBeGreaterThanOrEqual(PRIM_DEFAULTS.massMin);
  });

  it('a density threshold picks a box at the known bounds, leaving the no-effect dimension unrestricted', () => {
    const { chosen } = chooseBox(points(result), { density: 0.8 });
    const box = result.trajectory[chosen]!;
    expect(box.density).toBeGreaterThanOrEqual(0.8);
    expect(box.restricted).toEqual([0, 1]);
    expect(Math.abs(box.lower[0]! - 0.6)).toBeLessThan(0.05);
    expect(Math.abs(box.upper[1]! - 0.3)).toBeLessThan(0.05);
    // The other ends stay at the data's extremes.
    expect(box.upper[0]).toBe(result.init.upper[0]);
    expect(box.lower[1]).toBe(result.init.lower[1]);
    // Both limits matter: tiny quasi-p-values.
    const qp = quasiPValues(x, y, box, result.init);
    expect(qp.map((q) => q.dim)).toEqual([0, 1]);
    expect(qp[0]!.lower).toBeLessThan(1e-6);
    expect(qp[1]!.upper).toBeLessThan(1e-6);
    expect(qp[0]!.upper).toBeUndefined();
  });

  it('finds the same box with pasting off, and stops peeling at the minimum mass', () => {
    const noPaste = prim(x, y, { ...PRIM_DEFAULTS, paste: false, massMin: 0.08 });
    expect(noPaste.trajectory.every((b) => b.step !== 'paste')).toBe(true);
    expect(noPaste.trajectory.at(-1)!.mass).toBeGreaterThanOrEqual(0.08);
    const box = noPaste.trajectory[chooseBox(points(noPaste), { density: 0.8 }).chosen]!;
    expect(box.restricted).toEqual([0, 1]);
  });

  it('chooses boxes by coverage, by index, and says when no point meets a threshold', () => {
    const pts = points(result);
    const byCoverage = chooseBox(pts, { coverage: 0.5 });
    expect(pts[byCoverage.chosen]!.coverage).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...pts.filter((p) => p.coverage >= 0.5).map((p) => p.density))).toBe(pts[byCoverage.chosen]!.density);
    expect(chooseBox(pts, { box: 3 })).toEqual({ chosen: 3, chosenBy: 'box' });
    expect(chooseBox(pts, undefined)).toEqual({ chosen: pts.length - 1, chosenBy: 'last' });
    expect(() => chooseBox(pts, { box: pts.length })).toThrow(/not on the trajectory/);
    expect(() => chooseBox(pts, { density: 1, coverage: 1 })).toThrow(/no box on the trajectory has density ≥ 100.0% and coverage ≥ 100.0%/);
  });

  it('peels at the sdtoolkit quantile: between distinct values, past ties', () => {
    expect(sdtoolkitQuantile([1, 2, 3, 4, 5], 0.05)).toBe(1.5);
    expect(sdtoolkitQuantile([1, 2, 3, 4, 5], 0.95)).toBe(4.5);
    expect(sdtoolkitQuantile([1, 1, 1, 2, 3], 0.05)).toBe(1.5);
    expect(sdtoolkitQuantile([1, 2, 3, 3, 3], 0.95)).toBe(2.5);
  });
});

describe('CART', () => {
  const { x, y } = synthetic(5000, 'cart-box');

  it('splits at the known bounds; the densest leaf leaves the no-effect dimension alone', () => {
    const tree = growTree(x, y, { maxDepth: 2, minLeaf: 250 });
    const leaves = treeLeaves(tree);
    // The root splits on a dimension that matters (a child may still split on noise, as any CART does).
    expect([0, 1]).toContain(tree.split?.dim);
    const densest = [...leaves].sort((a, b) => b.k / b.n - a.k / a.n)[0]!;
    expect(densest.k / densest.n).toBeGreaterThan(0.8);
    expect(densest.conditions.map((c) => c.dim)).toEqual([0, 1]);
    expect(Math.abs(densest.conditions[0]!.lower! - 0.6)).toBeLessThan(0.03);
    expect(Math.abs(densest.conditions[1]!.upper! - 0.3)).toBeLessThan(0.03);
    expect(leaves.reduce((s, l) => s + l.n, 0)).toBe(5000);
  });

  it('respects the depth limit and the minimum leaf size', () => {
    const shallow = treeLeaves(growTree(x, y, { maxDepth: 1, minLeaf: 10 }));
    expect(shallow).toHaveLength(2);
    const big = treeLeaves(growTree(x, y, { maxDepth: 6, minLeaf: 1000 }));
    for (const leaf of big) expect(leaf.n).toBeGreaterThanOrEqual(1000);
  });

  it('leaves a pure node unsplit', () => {
    const tree = growTree([Float64Array.from([1, 2, 3, 4])], Uint8Array.from([1, 1, 1, 1]), { maxDepth: 3, minLeaf: 1 });
    expect(tree.split).toBeUndefined();
  });
});

describe('rules as text', () => {
  it('prints PRIM limits as inclusive ranges and CART splits as ≤ / >', () => {
    const limits = [
      { parameter: 'western_pressure', lower: 61.834 },
      { parameter: 'russia_bandwidth', upper: 34.9 },
      { parameter: 'party.russia.noise', lower: 0.1, upper: 0.25 },
    ];
    expect(ruleText(limits, 'prim')).toMatchInlineSnapshot(`"western_pressure ≥ 61.83 and russia_bandwidth ≤ 34.9 and 0.1 ≤ party.russia.noise ≤ 0.25"`);
    expect(ruleText(limits, 'cart')).toMatchInlineSnapshot(`"western_pressure > 61.83 and russia_bandwidth ≤ 34.9 and 0.1 < party.russia.noise ≤ 0.25"`);
    expect(ruleText([], 'prim')).toBe('all runs (no restriction)');
  });
});

describe('binomial upper tail', () => {
  it('matches scipy.stats.binomtest(alternative="greater")', () => {
    const cases: [number, number, number, number][] = [
      [7, 10, 0.3, 0.010592078399999996],
      [138, 170, 0.39, 2.3268847541219013e-29],
      [60, 100, 0.5, 0.028443966820490444],
      [1, 1000, 0.001, 0.6323045752290359],
      [900, 1000, 0.5, 6.701717790006182e-162],
      [3, 50, 0.2, 0.9987145850467567],
    ];
    for (const [k, n, p, expected] of cases) expect(binomialUpperTail(k, n, p) / expected).toBeCloseTo(1, 9);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });
});
