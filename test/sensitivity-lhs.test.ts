/**
 * Sensitivity on sampled designs and under common random numbers, on small
 * in-memory batches: S_i of a Latin hypercube counts design points, not runs;
 * SRC standard errors are clustered by seed; a Sobol file out of order is refused.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { formatSensitivity, sensitivity, sobolSensitivity, type BatchMeta } from '@wargame/batch';
import { tableOf, toyMeta, type Value } from './helpers/score-table.js';

function normal(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A Latin hypercube over a and c in [0, 100] (points cells), `runs` seeds per cell. */
function lhsBatch(points: number, runs: number, y: (a: number, c: number, seed: number, own: number) => number, fixture = 'lhs-fixture') {
  const rng = seedrandom.alea(fixture);
  const z = normal(rng);
  const strata = () => {
    const order = Array.from({ length: points }, (_, i) => i);
    for (let i = points - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.map((s) => (100 * (s + rng())) / points);
  };
  const [as, cs] = [strata(), strata()];
  const cells = as.map((a, i) => ({ a, c: cs[i]! }));
  const seedLuck = Array.from({ length: runs }, () => z());
  const meta: BatchMeta = { ...toyMeta({ kind: 'grid', sweep: ['a', 'c'], cells, runsPerCell: runs, outcomes: [{ id: 'y', kind: 'number' }] }) };
  meta.design = { ...meta.design, kind: 'lhs', sweep: [{ parameter: 'a', range: [0, 100] }, { parameter: 'c', range: [0, 100] }] };
  const rows: Record<string, Value>[] = [];
  cells.forEach((cell, c) => {
    for (let r = 0; r < runs; r++) rows.push({ cell: c, param_a: cell.a, param_c: cell.c, outcome_y: y(cell.a, cell.c, seedLuck[r]!, z()) });
  });
  return { meta, rows };
}

describe('first-order shares on a Latin hypercube', () => {
  it('flags a parameter with no effect about 1 time in 20, not every time', async () => {
    // 40 designs of 50 points: with the chance level counted in runs (the old rule) c was starred in most.
    let flagged = 0;
    for (let d = 0; d < 40; d++) {
      const { meta, rows } = lhsBatch(50, 10, (a, _c, seed, own) => 0.02 * a + seed + 0.5 * own, `design-${d}`);
      const ec = (await sensitivity(await tableOf(meta, rows))).outcomes[0]!.effects[1]!;
      if (ec.first >= Math.max(0.01, ec.threshold)) flagged++;
    }
    // Binomial(40, 0.05): more than 6 has probability 0.3%.
    expect(flagged).toBeLessThanOrEqual(6);
  });

  it('judges 50 points × 200 runs by the 50 points (the flagship case of the issue)', async () => {
    const { meta, rows } = lhsBatch(50, 200, (a, _c, seed, own) => 0.02 * a + seed + 0.5 * own, 'design-0');
    const r = await sensitivity(await tableOf(meta, rows));
    expect(r.firstOn).toBe('cells');
    expect(r.cells).toBe(50);
    const [ea, ec] = r.outcomes[0]!.effects;
    expect(r.parameters.map((p) => [p.id, p.groups, p.binned])).toEqual([
      ['a', 10, true],
      ['c', 10, true],
    ]);
    // The threshold is the F test's 95% point for 10 bins of 50 points (≈ 0.17), not a count of runs.
    expect(ec!.threshold).toBeGreaterThan(0.1);
    expect(ec!.threshold).toBeLessThan(0.25);
    expect(ec!.first).toBeLessThan(ec!.threshold);
    expect(ea!.first).toBeGreaterThan(0.8);
    expect(ea!.first).toBeGreaterThan(ea!.threshold);
    const text = formatSensitivity(r);
    expect(text).toMatch(/^y +[\d.]+% +[\d.]+ +[\d.]+ +\+0\.\d\d\* +0\.\d\d\* +[+-]0\.\d\d +0\.\d\d$/m);
    expect(text).toMatch(/counting design points/);
  });

  it('on a small design says the chance level is everything rather than star noise', async () => {
    const { meta, rows } = lhsBatch(8, 20, (a, _c, seed) => a + seed);
    const r = await sensitivity(await tableOf(meta, rows));
    // 8 points, exact values: 8 groups of one point each leave nothing within groups to judge chance by.
    expect(r.outcomes[0]!.effects.every((e) => e.threshold === 1 && e.first < 1)).toBe(true);
    expect(r.parameters.map((p) => [p.groups, p.binned])).toEqual([
      [8, false],
      [8, false],
    ]);
  });
});

describe('SRC standard errors under common random numbers', () => {
  it('are clustered by seed: wider than the independent-runs formula when seeds carry most of the noise', async () => {
    const { meta, rows } = lhsBatch(30, 40, (a, c, seed, own) => 0.05 * a + 0.01 * c + 3 * seed + 0.2 * own);
    const r = await sensitivity(await tableOf(meta, rows));
    for (const e of r.outcomes[0]!.effects) {
      expect(e.se).toBeDefined();
      expect(e.seIndependent).toBeDefined();
    }
    // Shared luck is constant across cells within a seed: it cancels in the slope, so the clustered se is the honest (smaller) one here…
    const [ea] = r.outcomes[0]!.effects;
    expect(ea!.se!).toBeLessThan(ea!.seIndependent!);
  });

  it('…and larger when the luck of a seed interacts with the parameter (the slope itself varies by seed)', async () => {
    const { meta, rows } = lhsBatch(30, 40, (a, _c, seed, own) => (0.05 + 0.05 * seed) * a + 0.2 * own);
    const r = await sensitivity(await tableOf(meta, rows));
    const [ea] = r.outcomes[0]!.effects;
    expect(ea!.se!).toBeGreaterThan(1.5 * ea!.seIndependent!);
  });
});

describe('sobolSensitivity', () => {
  it('refuses cells that are not in Saltelli order', async () => {
    // k = 1, first and total order: blocks of A, AB, B; here AB is not B's value.
    const cells = [{ a: 0.1 }, { a: 0.7 }, { a: 0.9 }, { a: 0.2 }, { a: 0.3 }, { a: 0.3 }];
    const meta: BatchMeta = { ...toyMeta({ kind: 'grid', sweep: ['a'], cells, runsPerCell: 2, outcomes: [{ id: 'y', kind: 'number' }] }) };
    meta.design = { ...meta.design, kind: 'sobol', sobol: { n: 2, secondOrder: false }, sweep: [{ parameter: 'a', range: [0, 1] }] };
    const rows = cells.flatMap((c, cell) => [0, 1].map(() => ({ cell, param_a: c.a, outcome_y: c.a })));
    await expect(sobolSensitivity(await tableOf(meta, rows))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: cell 1 is not cell 0 with parameter a taken from cell 2: the cells are not in Saltelli's order]`,
    );
  });
});
