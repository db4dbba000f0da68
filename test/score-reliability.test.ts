import { describe, expect, it } from 'vitest';
import { combineEvents, combineReliability, formatCombinedReliability, formatScore, type BatchMeta } from '@wargame/batch';
import { scoreRows, toyMeta, type Value } from './helpers/score-table.js';

const OUTCOMES = [
  { id: 'war', kind: 'boolean' as const },
  { id: 'who', kind: 'category' as const, values: ['x', 'y', 'z'] },
];

/** A 12-cell grid over p = 0 … 11, 10 runs a cell: war in p + 1 of them at p ≤ 9 (all 10 from p = 9), who always x. */
function sweep(): { meta: BatchMeta; rows: Record<string, Value>[] } {
  const cells = Array.from({ length: 12 }, (_, p) => ({ p }));
  const meta = toyMeta({ kind: 'grid', sweep: ['p'], cells, runsPerCell: 10, outcomes: OUTCOMES });
  const rows = cells.flatMap(({ p }, cell) => Array.from({ length: 10 }, (_, i) => ({ cell, param_p: p, outcome_war: i < Math.min(10, p + 1), outcome_who: 'x' })));
  return { meta, rows };
}

describe('reliability over a sweep', () => {
  it('counts each observation once, forecast by the cells pooled', async () => {
    const { meta, rows } = sweep();
    const r = await scoreRows(meta, rows, 'war: true\nwho: y\n');
    // One boolean and a category of three values: 4 events, not 4 × 12 cells.
    expect(r.events.map((e) => [e.outcome, e.value ?? '', e.count, e.n, e.p, e.hit])).toEqual([
      ['war', '', 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 10 + 10, 120, 75 / 120, true],
      ['who', 'x', 120, 120, 1, false],
      ['who', 'y', 0, 120, 0, true],
      ['who', 'z', 0, 120, 0, false],
    ]);
    expect(r.reliability.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(r.reliability.map((b) => [b.lo, b.count, b.hits])).toEqual([
      [0, 2, 1],
      [0.6, 1, 1],
      [0.9, 1, 0],
    ]);
    // The cells are still scored one by one.
    expect(r.cells).toHaveLength(12);
    expect(r.cells.map((c) => (c.outcomes[0]?.type === 'boolean' ? c.outcomes[0].count : -1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]);
    expect(formatScore(r).split('\n').find((l) => l.startsWith('Reliability'))).toMatchInlineSnapshot(
      `"Reliability (4 forecasts of the cells pooled: each observed boolean outcome and category value):"`,
    );
  });

  it('weights the pool by runs when cells have different numbers of runs (a partial file)', async () => {
    const meta = toyMeta({ kind: 'grid', sweep: ['p'], cells: [{ p: 0 }, { p: 1 }], runsPerCell: 4, outcomes: OUTCOMES });
    const rows = [
      ...Array.from({ length: 4 }, () => ({ cell: 0, param_p: 0, outcome_war: true, outcome_who: 'x' })),
      { cell: 1, param_p: 1, outcome_war: false, outcome_who: 'x' },
    ];
    const r = await scoreRows(meta, rows, 'war: true\n');
    expect(r.events).toEqual([{ scenario: 'toy', outcome: 'war', n: 5, count: 4, p: 0.8, hit: true }]);
  });
});

describe('combineReliability', () => {
  it('counts an observation scored in several outputs once, pooling their runs', async () => {
    const { meta, rows } = sweep();
    const a = await scoreRows(meta, rows, 'war: true\nwho: y\n');
    expect(combineReliability([a, a])).toEqual(a.reliability);
    // A second batch of the same scenario with other forecasts: still one event per observation.
    const b = await scoreRows(
      meta,
      rows.map((r) => ({ ...r, outcome_war: false })),
      'war: true\nwho: y\n',
    );
    const merged = combineEvents([...a.events, ...b.events]);
    expect(merged).toHaveLength(4);
    expect(merged[0]).toMatchObject({ outcome: 'war', count: 75, n: 240, p: 0.3125, hit: true });
    expect(combineReliability([a, b]).reduce((s, bin) => s + bin.count, 0)).toBe(4);
  });

  it('adds the observations of different scenarios', async () => {
    const { meta, rows } = sweep();
    const a = await scoreRows(meta, rows, 'war: true\n');
    const other = { ...meta, scenario: { ...meta.scenario, id: 'toy-2' } };
    const b = await scoreRows(other, rows, 'war: true\n');
    const bins = combineReliability([a, b]);
    expect(bins.map((x) => [x.lo, x.count, x.hits])).toEqual([[0.6, 2, 2]]);
    expect(formatCombinedReliability(bins, 2)).toMatchInlineSnapshot(`
      "Reliability over all 2 outputs (forecast bin → observed frequency, 95% interval):
         60–70 %  forecast  62.5%  observed 100.0% [34.2, 100.0]  (2/2)
        An observation forecast in several outputs counts once, forecast by their runs pooled.
      "
    `);
  });
});
