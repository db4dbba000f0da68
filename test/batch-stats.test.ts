import { describe, expect, it } from 'vitest';
import { tableOf, type Value } from './helpers/score-table.js';
import { formatIssue } from '@wargame/engine';
import {
  BATCH_FORMAT,
  BATCH_VERSION,
  combineReliability,
  formatCombinedReliability,
  formatGroupedNumber,
  formatInterval,
  formatNumber,
  formatPercent,
  formatPercentFixed,
  formatScore,
  formatSensitivity,
  formatSigned,
  formatSummary,
  normalQuantile,
  quantileAt,
  renderTable,
  textWidth,
  parseObserved,
  quantileSorted,
  quantiles,
  scoreBatch,
  sd,
  sensitivity,
  summarizeBatch,
  variance,
  mean,
  wilson,
  wilsonEffective,
  clusteredMean,
  zForLevel,
  type BatchMeta,
  type BatchTable,
  type Column,
  type ScoreResult,
} from '@wargame/batch';

// ---------------------------------------------------------------------------
// Fixtures: batch tables in an in-memory DuckDB, filled with generated rows.

interface OutcomeDef {
  id: string;
  kind: 'boolean' | 'category' | 'number';
  values?: string[];
}

/** mulberry32: a small seeded generator, so the synthetic data never changes. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded generator. */
function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function metaFor(opts: {
  kind: 'single' | 'grid' | 'lhs';
  params: string[];
  sweep?: string[];
  cells: Record<string, number>[];
  runsPerCell: number;
  outcomes: OutcomeDef[];
}): BatchMeta {
  const columns: Column[] = [
    { name: 'run', type: 'INTEGER', role: 'run' },
    { name: 'cell', type: 'INTEGER', role: 'run' },
    { name: 'rep', type: 'INTEGER', role: 'run' },
    { name: 'seed', type: 'VARCHAR', role: 'run' },
    { name: 'turns', type: 'INTEGER', role: 'run' },
    ...opts.params.map((p): Column => ({ name: `param_${p}`, type: 'DOUBLE', role: 'parameter', source: p, label: p })),
    ...opts.outcomes.map(
      (o): Column => ({
        name: `outcome_${o.id}`,
        type: o.kind === 'boolean' ? 'BOOLEAN' : o.kind === 'category' ? 'VARCHAR' : 'DOUBLE',
        role: 'outcome',
        source: o.id,
        label: o.id.replaceAll('_', ' '),
        kind: o.kind,
        ...(o.values ? { values: o.values } : {}),
      }),
    ),
  ];
  const total = opts.cells.length * opts.runsPerCell;
  return {
    format: BATCH_FORMAT,
    version: BATCH_VERSION,
    scenario: { id: 'toy', hash: 'h', title: 'Toy scenario' },
    seed: 'S',
    runsPerCell: opts.runsPerCell,
    design: {
      kind: opts.kind,
      fixed: {},
      sweep: (opts.sweep ?? []).map((parameter) => ({ parameter })),
      cells: opts.cells.map((params, cell) => ({ cell, params })),
    },
    total,
    shard: { k: 1, n: 1, from: 0, to: total },
    completed: total,
    columns,
    command: 'wargame batch toy',
    engine: { version: 'test' },
  };
}


// ---------------------------------------------------------------------------

describe('wilson', () => {
  // Reference values: scipy.stats.binomtest(k, n).proportion_ci(method='wilson'), and the closed form by hand.
  it.each([
    [0, 10, 0, 0.27753279986288926],
    [5, 10, 0.236593090512564, 0.7634069094874361],
    [81, 263, 0.2552885198782742, 0.36620957698280004],
    [10, 10, 0.7224672001371109, 1],
    [1, 1000, 0.00017654637062607809, 0.0056425585979579355],
  ])('gives the 95%% interval for %i of %i', (k, n, lo, hi) => {
    const w = wilson(k, n);
    expect(w.count).toBe(k);
    expect(w.n).toBe(n);
    expect(w.p).toBe(k / n);
    expect(w.lo).toBeCloseTo(lo, 12);
    expect(w.hi).toBeCloseTo(hi, 12);
  });

  it('matches the closed form z²/(n + z²) at k = 0 and is exactly 0 and 1 at the ends', () => {
    const z = 1.959963984540054;
    expect(wilson(0, 10).hi).toBeCloseTo((z * z) / (10 + z * z), 15);
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(10, 10).hi).toBe(1);
  });

  it('takes other confidence levels', () => {
    // scipy: norm.ppf(0.95), norm.ppf(0.995), norm.ppf(0.9995)
    expect(zForLevel(0.9)).toBeCloseTo(1.6448536269514722, 13);
    expect(zForLevel(0.99)).toBeCloseTo(2.5758293035489004, 13);
    expect(zForLevel(0.999)).toBeCloseTo(3.2905267314919255, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    const w99 = wilson(5, 10, 0.99);
    const w95 = wilson(5, 10);
    expect(w99.lo).toBeLessThan(w95.lo);
    expect(w99.hi).toBeGreaterThan(w95.hi);
  });

  it('reports n = 0 as p 0 with the whole interval, never NaN', () => {
    expect(wilson(0, 0)).toEqual({ count: 0, n: 0, p: 0, lo: 0, hi: 1 });
  });

  it('refuses impossible counts', () => {
    expect(() => wilson(3, 2)).toThrowErrorMatchingInlineSnapshot(`[RangeError: wilson: need integers 0 ≤ count ≤ n, got count 3, n 2]`);
  });
});

describe('quantile (type 7)', () => {
  it('matches numpy.quantile (linear)', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const q = quantiles(ten, [0.05, 0.25, 0.5, 0.75, 0.95]);
    [1.45, 3.25, 5.5, 7.75, 9.55].forEach((v, i) => {
      expect(q[i]).toBeCloseTo(v, 12);
    });
    const y = [3.2, -1.5, 7.7, 0.0, 2.2, 9.1, 4.4];
    // numpy.quantile(y, [0, .05, .1, .33, .5, .9, 1])
    const expected = [-1.5, -1.05, -0.6, 2.156, 3.2, 8.26, 9.1];
    quantiles(y, [0, 0.05, 0.1, 0.33, 0.5, 0.9, 1]).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('handles one value, ties and an empty array', () => {
    expect(quantileSorted([4], 0.3)).toBe(4);
    expect(quantileSorted([2, 2, 2, 5], 0.5)).toBe(2);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('gives the sample mean and sd (n − 1)', () => {
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(x)).toBe(5);
    expect(variance(x)).toBeCloseTo(32 / 7, 14);
    expect(sd(x)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(sd([1])).toBeNaN();
  });
});

// ---------------------------------------------------------------------------

const TOY_OUTCOMES: OutcomeDef[] = [
  { id: 'exodus', kind: 'boolean' },
  { id: 'broker', kind: 'category', values: ['russia', 'eu', 'us', 'none'] },
  { id: 'land_km2', kind: 'number' },
];

/** 3 cells of a grid over `pressure`; cell 2 never ran (an interrupted file). */
async function toyTable(): Promise<BatchTable> {
  const meta = metaFor({ kind: 'grid', params: ['pressure'], sweep: ['pressure'], cells: [{ pressure: 0 }, { pressure: 50 }, { pressure: 100 }], runsPerCell: 4, outcomes: TOY_OUTCOMES });
  const rows: Record<string, Value>[] = [
    // cell 0: exodus 3 of 4; broker russia 2, none 2; land 0, 10, 20, 30
    { cell: 0, param_pressure: 0, outcome_exodus: true, outcome_broker: 'russia', outcome_land_km2: 0 },
    { cell: 0, param_pressure: 0, outcome_exodus: true, outcome_broker: 'russia', outcome_land_km2: 10 },
    { cell: 0, param_pressure: 0, outcome_exodus: true, outcome_broker: 'none', outcome_land_km2: 20 },
    { cell: 0, param_pressure: 0, outcome_exodus: false, outcome_broker: 'none', outcome_land_km2: 30 },
    // cell 1: exodus 1 of 4; broker eu 3, none 1; land 100, 100, NaN (left out), 400
    { cell: 1, param_pressure: 50, outcome_exodus: false, outcome_broker: 'eu', outcome_land_km2: 100 },
    { cell: 1, param_pressure: 50, outcome_exodus: true, outcome_broker: 'eu', outcome_land_km2: 100 },
    { cell: 1, param_pressure: 50, outcome_exodus: false, outcome_broker: 'eu', outcome_land_km2: NaN },
    { cell: 1, param_pressure: 50, outcome_exodus: false, outcome_broker: 'none', outcome_land_km2: 400 },
  ];
  return tableOf(meta, rows);
}

describe('summarizeBatch', () => {
  it('counts every outcome overall and per cell, in the design order', async () => {
    const s = await summarizeBatch(await toyTable());
    expect(s.runs).toBe(8);
    expect(s.design).toBe('grid');
    expect(s.swept).toEqual(['pressure']);
    expect(s.cells.map((c) => [c.cell, c.params, c.runs])).toEqual([
      [0, { pressure: 0 }, 4],
      [1, { pressure: 50 }, 4],
      [2, { pressure: 100 }, 0],
    ]);
    expect(s.overall.cell).toBe(-1);
    expect(s.overall.params).toEqual({});

    const exodus = s.overall.outcomes[0]!;
    expect(exodus).toMatchObject({ id: 'exodus', type: 'boolean', count: 4, n: 8, p: 0.5 });
    if (exodus.type === 'boolean') {
      // Pooled over cells that share seeds: the Wilson interval at the effective number of runs (seed-clustered).
      const c = clusteredMean([1, 1, 1, 0, 0, 1, 0, 0], [0, 1, 2, 3, 0, 1, 2, 3]);
      const nEff = 0.25 / c.se ** 2;
      expect(exodus.deff).toBeCloseTo(8 / nEff, 9);
      expect(exodus.deff).toBeGreaterThan(1);
      expect(exodus.lo).toBeCloseTo(wilsonEffective(0.5, nEff).lo, 9);
      expect(exodus.hi).toBeCloseTo(wilsonEffective(0.5, nEff).hi, 9);
    }
    expect(s.cells[0]!.outcomes[0]).toMatchObject({ count: 3, n: 4, p: 0.75 });
    expect(s.cells[1]!.outcomes[0]).toMatchObject({ count: 1, n: 4, p: 0.25 });
  });

  it('lists every declared category value in order, with zero counts', async () => {
    const s = await summarizeBatch(await toyTable());
    const broker = s.overall.outcomes[1]!;
    expect(broker.type).toBe('category');
    if (broker.type !== 'category') return;
    expect(broker.values.map((v) => [v.value, v.count, v.n])).toEqual([
      ['russia', 2, 8],
      ['eu', 3, 8],
      ['us', 0, 8],
      ['none', 3, 8],
    ]);
    expect(broker.values[2]).toMatchObject({ p: 0, lo: 0 });
    expect(broker.values[2]!.hi).toBeCloseTo(wilson(0, 8).hi, 9);
    const cell0 = s.cells[0]!.outcomes[1]!;
    if (cell0.type === 'category') expect(cell0.values.map((v) => v.count)).toEqual([2, 0, 0, 2]);
  });

  it('summarises numbers with type-7 quantiles, leaving out non-finite values', async () => {
    const s = await summarizeBatch(await toyTable());
    const land = s.overall.outcomes[2]!;
    expect(land.type).toBe('number');
    if (land.type !== 'number') return;
    const xs = [0, 10, 20, 30, 100, 100, 400];
    expect(land.n).toBe(7);
    // Results carry 10 significant digits (see summary.ts).
    expect(land.mean).toBeCloseTo(mean(xs), 6);
    expect(land.sd).toBeCloseTo(sd(xs), 6);
    expect([land.min, land.max]).toEqual([0, 400]);
    expect(land.quantiles.map((q) => q.p)).toEqual([0.05, 0.25, 0.5, 0.75, 0.95]);
    for (const q of land.quantiles) expect(q.value).toBeCloseTo(quantileSorted(xs, q.p), 9);
  });

  it('gives an empty cell runs 0 and no NaN anywhere', async () => {
    const s = await summarizeBatch(await toyTable());
    const empty = s.cells[2]!;
    expect(empty.runs).toBe(0);
    expect(empty.outcomes[0]).toMatchObject({ count: 0, n: 0, p: 0, lo: 0, hi: 1 });
    expect(empty.outcomes[2]).toMatchObject({ n: 0, mean: 0, sd: 0 });
    const json = JSON.stringify(s);
    expect(json).not.toMatch(/null|NaN|Infinity/);
  });

  it('is byte-identical for the same rows', async () => {
    const a = JSON.stringify(await summarizeBatch(await toyTable()));
    const b = JSON.stringify(await summarizeBatch(await toyTable()));
    expect(a).toBe(b);
  });

  it('lists values the scenario does not declare after the declared ones', async () => {
    const meta = metaFor({ kind: 'single', params: [], cells: [{}], runsPerCell: 3, outcomes: [{ id: 'broker', kind: 'category', values: ['eu', 'none'] }] });
    const t = await tableOf(meta, [{ outcome_broker: 'eu' }, { outcome_broker: 'china' }, { outcome_broker: 'china' }]);
    const s = await summarizeBatch(t);
    const b = s.cells[0]!.outcomes[0]!;
    if (b.type === 'category') expect(b.values.map((v) => [v.value, v.count])).toEqual([['eu', 1], ['none', 0], ['china', 2]]);
  });

  it('prints a single batch as an aligned table', async () => {
    const meta = metaFor({ kind: 'single', params: ['pressure'], cells: [{ pressure: 40 }], runsPerCell: 1000, outcomes: TOY_OUTCOMES });
    const rand = generator(7);
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      param_pressure: 40,
      outcome_exodus: i < 867,
      outcome_broker: i % 10 === 0 ? 'russia' : i % 10 < 4 ? 'eu' : 'none',
      outcome_land_km2: Math.round(rand() * 1000),
    }));
    expect(formatSummary(await summarizeBatch(await tableOf(meta, rows)))).toMatchInlineSnapshot(`
      "Toy scenario (toy)
      1000 runs · seed S · one cell

      outcome   share  95% CI (%)     runs
      exodus    86.7%  [84.5, 88.7]   867/1000
      broker
        russia  10.0%  [8.3, 12.0]    100/1000
        eu      30.0%  [27.2, 32.9]   300/1000
        us       0.0%  [0.0, 0.4]     0/1000
        none    60.0%  [56.9, 63.0]   600/1000
      land_km2    535  [59.95 – 953]  mean 519.6, sd 285.9, n 1000

      Number outcomes: median, [5% – 95%] of runs, mean, sd and n.
      "
    `);
  });

  it('prints a sweep with one column per cell', async () => {
    const s = await summarizeBatch(await toyTable());
    expect(formatSummary(s)).toMatchInlineSnapshot(`
      "Toy scenario (toy)
      8 runs · seed S · 3 cells × 4 runs (grid: pressure)
      PARTIAL: this file holds 8 of the 12 runs it was to hold (the batch was interrupted: --resume completes it); its cells have 0–4 runs each (1 with none). Every figure below describes only the runs it holds.

      All cells pooled (the cells share their seeds, so the intervals are clustered by seed):
      outcome   share  95% CI (%)    runs
      exodus    50.0%  [18.8, 81.2]  4/8
      broker
        russia  25.0%  [7.6, 57.3]   2/8
        eu      37.5%  [18.0, 62.1]  3/8
        us       0.0%  [0.0, 32.4]   0/8
        none    37.5%  [9.3, 77.8]   3/8
      land_km2     30  [3 – 310]     mean 94.29, sd 140.9, n 7

      Number outcomes: median, [5% – 95%] of runs, mean, sd and n.

      By cell (% of runs; number outcomes: median):
      cell          0      1    2
      pressure      0     50  100
      runs          4      4    0
      exodus    75.0%  25.0%    —
      broker
        russia  50.0%   0.0%    —
        eu       0.0%  75.0%    —
        us       0.0%   0.0%    —
        none    50.0%  25.0%    —
      land_km2     15    100    —

      With 4 runs a cell's shares are within ±35.0 points at most (95% Wilson); --json has every interval.
      1 cell has no runs in this file (interrupted, or in another shard).
      "
    `);
  });
});

// ---------------------------------------------------------------------------

/** A 3 × 3 grid over a and b with `reps` runs per cell and numeric outcome y(a, b, noise). */
async function gridTable(reps: number, y: (a: number, b: number, e: number) => number, extra: OutcomeDef[] = [], extraRow?: (a: number, b: number) => Record<string, Value>) {
  const levels = [0, 1, 2];
  const cells = levels.flatMap((a) => levels.map((b) => ({ a, b })));
  const meta = metaFor({ kind: 'grid', params: ['a', 'b', 'c'], sweep: ['a', 'b'], cells: cells.map((c) => ({ ...c, c: 5 })), runsPerCell: reps, outcomes: [{ id: 'y', kind: 'number' }, ...extra] });
  const noise = normal(generator(42));
  const rows: Record<string, Value>[] = [];
  cells.forEach((c, cell) => {
    for (let r = 0; r < reps; r++) rows.push({ cell, param_a: c.a, param_b: c.b, param_c: 5, outcome_y: y(c.a, c.b, noise()), ...(extraRow ? extraRow(c.a, c.b) : {}) });
  });
  return { table: await tableOf(meta, rows), rows };
}

/** OLS of standardised y on standardised a and b, directly from the rows (the check on the SQL-moment path). */
function directSrc(rows: Record<string, Value>[]): [number, number] {
  const a = rows.map((r) => r.param_a as number);
  const b = rows.map((r) => r.param_b as number);
  const y = rows.map((r) => r.outcome_y as number);
  const z = (x: number[]) => {
    const m = mean(x);
    const s = Math.sqrt(x.reduce((t, v) => t + (v - m) ** 2, 0) / x.length);
    return x.map((v) => (v - m) / s);
  };
  const [za, zb, zy] = [z(a), z(b), z(y)];
  const dot = (u: number[], v: number[]) => u.reduce((t, x, i) => t + x * v[i]!, 0) / u.length;
  const [raa, rab, rbb, ray, rby] = [dot(za, za), dot(za, zb), dot(zb, zb), dot(za, zy), dot(zb, zy)];
  const det = raa * rbb - rab * rab;
  return [(rbb * ray - rab * rby) / det, (raa * rby - rab * ray) / det];
}

describe('sensitivity', () => {
  it('recovers the coefficients of y = 2a − b + noise', async () => {
    const { table, rows } = await gridTable(200, (a, b, e) => 2 * a - b + 0.5 * e);
    const r = await sensitivity(table);
    expect(r.parameters.map((p) => [p.id, p.swept, p.constant, p.groups, p.binned])).toEqual([
      ['a', true, false, 3, false],
      ['b', true, false, 3, false],
    ]);
    const y = r.outcomes[0]!;
    const [srcA, srcB] = directSrc(rows);
    expect(y.effects[0]!.src).toBeCloseTo(srcA, 8);
    expect(y.effects[1]!.src).toBeCloseTo(srcB, 8);
    // Back on the original scale: β = SRC · sd(y) / sd(x), with sd(a) = sd(b) = √(2/3) on this grid.
    const sx = Math.sqrt(2 / 3);
    expect((y.effects[0]!.src * y.sd) / sx).toBeCloseTo(2, 1);
    expect((y.effects[1]!.src * y.sd) / sx).toBeCloseTo(-1, 1);
    // Linear and additive: R² and Σ S_i both near 1 − noise share, S_i ≈ SRC² on an orthogonal grid.
    const expectedR2 = (4 * (2 / 3) + 2 / 3) / (4 * (2 / 3) + 2 / 3 + 0.25);
    expect(y.r2).toBeCloseTo(expectedR2, 1);
    expect(y.effects[0]!.first).toBeCloseTo(y.effects[0]!.src ** 2, 2);
    expect(y.effects[0]!.se).toBeGreaterThan(0);
    expect(y.effects[0]!.se).toBeLessThan(0.02);
  });

  it('finds S_i of the one parameter that matters, exactly from group means', async () => {
    // y depends on b only, and not linearly: b = 0, 1, 2 → 0, 3, 0.
    const f = (b: number) => (b === 1 ? 3 : 0);
    const { table, rows } = await gridTable(100, (_a, b, e) => f(b) + e);
    const r = await sensitivity(table);
    const y = r.outcomes[0]!;
    const [ea, eb] = y.effects;
    // Exact first-order index from the rows: between-group variance over total (population form).
    const ys = rows.map((row) => row.outcome_y as number);
    const m = mean(ys);
    const vy = ys.reduce((s, v) => s + (v - m) ** 2, 0) / ys.length;
    const byB = [0, 1, 2].map((b) => rows.filter((row) => row.param_b === b).map((row) => row.outcome_y as number));
    const between = byB.reduce((s, g) => s + g.length * (mean(g) - m) ** 2, 0) / ys.length;
    expect(eb!.first).toBeCloseTo(between / vy, 8);
    expect(eb!.first).toBeGreaterThan(0.6);
    // a does not matter: S_a stays near its noise level; b is not linear here, so its SRC is near 0.
    expect(ea!.first).toBeLessThan(5 * ea!.noise);
    expect(ea!.noise).toBeCloseTo(2 / (900 - 1), 12);
    expect(Math.abs(eb!.src)).toBeLessThan(0.1);
  });

  it('reports constant outcomes and category indicators without NaN', async () => {
    const { table } = await gridTable(
      20,
      (a, _b, e) => a + e,
      [
        { id: 'never', kind: 'boolean' },
        { id: 'who', kind: 'category', values: ['x', 'y', 'z'] },
      ],
      (a) => ({ outcome_never: false, outcome_who: a === 2 ? 'y' : 'x' }),
    );
    const r = await sensitivity(table);
    expect(r.outcomes.map((o) => [o.outcome, o.value ?? '', o.constant])).toEqual([
      ['y', '', false],
      ['never', '', true],
      ['who', 'x', false],
      ['who', 'y', false],
      ['who', 'z', true],
    ]);
    const never = r.outcomes[1]!;
    expect(never).toMatchObject({ r2: 0, firstSum: 0, sd: 0 });
    expect(never.effects.map((e) => [e.src, e.first])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    // "who = y" exactly when a = 2: a explains all of it, b nothing.
    expect(r.outcomes[3]!.effects[0]!.first).toBeCloseTo(1, 12);
    expect(r.outcomes[3]!.effects[1]!.first).toBe(0);
    expect(JSON.stringify(r)).not.toMatch(/null|NaN|Infinity/);
  });

  it('bins a Latin hypercube and sees a non-linear effect the SRC misses', async () => {
    const n = 400;
    const rand = generator(3);
    const noise = normal(generator(4));
    const strata = (k: number) => {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      return order.map((s) => -1 + (2 * (s + rand())) / n + k * 0);
    };
    const as = strata(0);
    const bs = strata(1);
    const cells = as.map((a, i) => ({ a, b: bs[i]! }));
    const meta = metaFor({ kind: 'lhs', params: ['a', 'b'], sweep: ['a', 'b'], cells, runsPerCell: 2, outcomes: [{ id: 'y', kind: 'number' }] });
    const rows = cells.flatMap((c, cell) => [0, 1].map(() => ({ cell, param_a: c.a, param_b: c.b, outcome_y: c.a * c.a + 0.05 * noise() })));
    const r = await sensitivity(await tableOf(meta, rows));
    expect(r.parameters.map((p) => [p.id, p.groups, p.binned])).toEqual([
      ['a', 10, true],
      ['b', 10, true],
    ]);
    const [ea, eb] = r.outcomes[0]!.effects;
    expect(Math.abs(ea!.src)).toBeLessThan(0.15);
    expect(ea!.first).toBeGreaterThan(0.9);
    expect(eb!.first).toBeLessThan(0.05);
  });

  it('flags a parameter that is aliased with another', async () => {
    // A "sweep" where b always equals 2a: the regression cannot separate them.
    const meta = metaFor({ kind: 'grid', params: ['a', 'b'], sweep: ['a', 'b'], cells: [0, 1, 2].map((a) => ({ a, b: 2 * a })), runsPerCell: 10, outcomes: [{ id: 'y', kind: 'number' }] });
    const noise = normal(generator(9));
    const rows = [0, 1, 2].flatMap((a, cell) => Array.from({ length: 10 }, () => ({ cell, param_a: a, param_b: 2 * a, outcome_y: a + noise() })));
    const r = await sensitivity(await tableOf(meta, rows));
    const [ea, eb] = r.outcomes[0]!.effects;
    expect(ea!.aliased).toBeUndefined();
    expect(eb).toMatchObject({ aliased: true, src: 0 });
    expect(eb!.first).toBeCloseTo(ea!.first, 12);
  });

  it('needs a varying parameter', async () => {
    const meta = metaFor({ kind: 'single', params: ['a'], cells: [{ a: 1 }], runsPerCell: 3, outcomes: [{ id: 'y', kind: 'number' }] });
    const t = await tableOf(meta, [1, 2, 3].map((y) => ({ param_a: 1, outcome_y: y })));
    await expect(sensitivity(t)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: no parameter varies in this batch; sensitivity needs a sweep: run wargame batch toy --runs N --sweep p=a,b,c (or --sweep p=lo:hi with --lhs)]`,
    );
  });

  it('prints outcomes by importance with SRC and S_i per parameter', async () => {
    const { table } = await gridTable(
      50,
      (a, b, e) => 2 * a - b + 0.5 * e,
      [{ id: 'flag', kind: 'boolean' }, { id: 'who', kind: 'category', values: ['x', 'y'] }],
      (_a, b) => ({ outcome_flag: b === 2, outcome_who: 'x' }),
    );
    expect(formatSensitivity(await sensitivity(table))).toMatchInlineSnapshot(`
      "Sensitivity of Toy scenario (toy) to 2 parameters · grid · 450 runs

                                  b              a
      outcome  seeds    R²  ΣS_i     SRC    S_i     SRC    S_i
      flag      0.0%  0.75  1.00  +0.87*  1.00*  +0.00   0.00
      y         7.1%  0.93  0.93  -0.42*  0.17*  +0.87*  0.75*

      seeds: the share of the per-run variance within cells (run-to-run randomness), the rest is between cells (the parameters).
      SRC: standardised regression coefficient (sign = direction; standard errors in --json, clustered by seed); R²: of that linear model.
      S_i: first-order index Var(E[Y|X_i])/Var(Y) over the runs; 1 − ΣS_i is left to interactions and to the seeds.
      * marks |SRC| ≥ 0.1 beyond two standard errors, or S_i ≥ 0.01 and above what a parameter with no effect reaches 1 time in 20 (up to 0.013 here, counting runs).
      The same in every run (no effect to measure): who.
      "
    `);
  });
});

// ---------------------------------------------------------------------------

const OBS_META = metaFor({
  kind: 'single',
  params: [],
  cells: [{}],
  runsPerCell: 10,
  outcomes: [
    { id: 'karabakh_exodus', kind: 'boolean' },
    { id: 'renewed_war', kind: 'boolean' },
    { id: 'peace_broker', kind: 'category', values: ['russia', 'eu', 'none'] },
    { id: 'land_km2', kind: 'number' },
  ],
});

function issuesOf(text: string, meta: BatchMeta = OBS_META): string {
  const r = parseObserved({ name: 'observed.yaml', text }, meta);
  return r.ok ? 'ok' : r.issues.map(formatIssue).join('\n');
}

describe('parseObserved', () => {
  it('reads a flat mapping and the wrapped form', () => {
    const flat = parseObserved({ name: 'o.yaml', text: 'karabakh_exodus: true\npeace_broker: none\nland_km2: 0\n' }, OBS_META);
    expect(flat.ok && flat.observed.outcomes.map((o) => [o.id, o.value, o.line, o.column])).toEqual([
      ['karabakh_exodus', true, 1, 18],
      ['peace_broker', 'none', 2, 15],
      ['land_km2', 0, 3, 11],
    ]);
    const wrapped = parseObserved({ name: 'o.yaml', text: 'scenario: toy\nnotes: as of 2025\nobserved:\n  renewed_war: false\n' }, OBS_META);
    expect(wrapped.ok && wrapped.observed).toMatchObject({ scenario: 'toy', notes: 'as of 2025', outcomes: [{ id: 'renewed_war', value: false }] });
  });

  it('names a misspelt outcome and suggests the right one', () => {
    expect(issuesOf('renewed_war: false\nkarabakh_exodos: true\n')).toMatchInlineSnapshot(
      `"observed.yaml:2:1 ✖ unknown outcome "karabakh_exodos" (did you mean "karabakh_exodus"?) → at karabakh_exodos"`,
    );
  });

  it('lists the outcomes when nothing is close', () => {
    expect(issuesOf('gdp: 3\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:1 ✖ unknown outcome "gdp"; the batch's outcomes are karabakh_exodus, renewed_war, peace_broker, land_km2 → at gdp"`,
    );
  });

  it('reports every wrong value at once, at the value', () => {
    expect(issuesOf('karabakh_exodus: maybe\nrenewed_war: yes\npeace_broker: nato\nland_km2: "12 km"\n')).toMatchInlineSnapshot(`
      "observed.yaml:1:18 ✖ karabakh_exodus is a boolean outcome: expected true or false, got the text "maybe" → at karabakh_exodus
      observed.yaml:2:14 ✖ renewed_war is a boolean outcome: expected true or false, got the text "yes" (YAML 1.2 reads yes/no/on/off as text) → at renewed_war
      observed.yaml:3:15 ✖ "nato" is not a value of peace_broker: expected one of russia, eu, none → at peace_broker
      observed.yaml:4:11 ✖ land_km2 is a number outcome: expected a finite number, got the text "12 km" → at land_km2"
    `);
  });

  it('suggests a close category value, and refuses missing values, lists and .nan', () => {
    expect(issuesOf('peace_broker: russa\nkarabakh_exodus:\nrenewed_war: [true]\nland_km2: .nan\n')).toMatchInlineSnapshot(`
      "observed.yaml:1:15 ✖ "russa" is not a value of peace_broker (did you mean "russia"?): expected one of russia, eu, none → at peace_broker
      observed.yaml:2:1 ✖ no value given for karabakh_exodus: write true or false, or leave the line out → at karabakh_exodus
      observed.yaml:3:14 ✖ expected one observed value for renewed_war, got a list → at renewed_war
      observed.yaml:4:11 ✖ land_km2 is a number outcome: expected a finite number, got the number .nan → at land_km2"
    `);
  });

  it('refuses a key given twice', () => {
    expect(issuesOf('karabakh_exodus: true\nrenewed_war: false\nkarabakh_exodus: false\n')).toMatchInlineSnapshot(
      `"observed.yaml:3:1 ✖ "karabakh_exodus" is given twice (first on line 1): keep one → at karabakh_exodus"`,
    );
  });

  it('reports malformed YAML, an empty file and a file that is not a mapping', () => {
    expect(issuesOf('karabakh_exodus: [true\nrenewed_war: false\n')).toMatchInlineSnapshot(
      `"observed.yaml:2:1 ✖ YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"`,
    );
    expect(issuesOf('# nothing yet\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:1 ✖ the file is empty: expected one outcome: value per line, e.g. karabakh_exodus: true"`,
    );
    expect(issuesOf('- karabakh_exodus\n- renewed_war\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:1 ✖ expected a mapping of outcome → observed value at the top of the file (e.g. karabakh_exodus: true), got a list"`,
    );
    expect(issuesOf('{}\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:1 ✖ no outcomes observed: give at least one outcome: value line (e.g. karabakh_exodus: true)"`,
    );
  });

  it('checks the wrapped form: scenario id, keys, the observed mapping', () => {
    expect(issuesOf('scenario: sochi-2021\nobserverd: 1\nobserved:\n  karabakh_exodus: ture\n')).toMatchInlineSnapshot(`
      "observed.yaml:1:11 ✖ this file observes scenario "sochi-2021", but the batch is of "toy": score it against a batch of sochi-2021, or fix the id → at scenario
      observed.yaml:2:1 ✖ unknown key "observerd" (did you mean "observed"?): next to observed only scenario and notes may be given → at observerd
      observed.yaml:4:20 ✖ karabakh_exodus is a boolean outcome: expected true or false, got the text "ture" → at observed.karabakh_exodus"
    `);
  });
});

// ---------------------------------------------------------------------------

async function scoreToy(text: string, rows: Record<string, Value>[], meta: BatchMeta = OBS_META): Promise<ScoreResult> {
  const parsed = parseObserved({ name: 'observed.yaml', text }, meta);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  return scoreBatch(await tableOf(meta, rows), parsed.observed);
}

/** Ten runs: exodus 7 of 10, no war at all, broker russia 5 / eu 3 / none 2, land 1, 2, 3, 4 (then 6 × 2.5). */
const TEN: Record<string, Value>[] = Array.from({ length: 10 }, (_, i) => ({
  outcome_karabakh_exodus: i < 7,
  outcome_renewed_war: false,
  outcome_peace_broker: i < 5 ? 'russia' : i < 8 ? 'eu' : 'none',
  outcome_land_km2: i < 4 ? i + 1 : 2.5,
}));

describe('scoreBatch', () => {
  it('scores a boolean by Brier and log against the uniform baseline', async () => {
    const r = await scoreToy('karabakh_exodus: true\n', TEN);
    const s = r.overall.outcomes[0]!;
    expect(s).toMatchObject({ type: 'boolean', observed: true, n: 10, count: 7, p: 0.7, clipped: false, baseline: { brier: 0.25 } });
    if (s.type !== 'boolean') return;
    expect(s.brier).toBeCloseTo(0.09, 12); // (0.7 − 1)²
    expect(s.log).toBeCloseTo(0.35667494393873245, 9); // −ln 0.7
    expect(s.baseline.log).toBeCloseTo(Math.LN2, 9);
    expect(s.skill.brier).toBeCloseTo(1 - 0.09 / 0.25, 9);
    expect(s.skill.log).toBeCloseTo(1 - 0.35667494393873245 / Math.LN2, 9);
    // The same Brier when what happened is the rarer side: (0.7 − 0)².
    const no = (await scoreToy('karabakh_exodus: false\n', TEN)).overall.outcomes[0]!;
    expect(no).toMatchObject({ p: 0.3, count: 3 });
    if (no.type === 'boolean') expect(no.brier).toBeCloseTo(0.49, 12);
  });

  it('clips the log score when the runs never produced what happened', async () => {
    const s = (await scoreToy('renewed_war: true\n', TEN)).overall.outcomes[0]!;
    expect(s).toMatchObject({ p: 0, count: 0, clipped: true, brier: 1 });
    if (s.type !== 'boolean') return;
    expect(s.epsilon).toBeCloseTo(1 / 22, 10);
    expect(s.log).toBeCloseTo(Math.log(22), 9);
    expect(s.skill.brier).toBe(-3);
  });

  it('scores a category by multi-class Brier over its declared values', async () => {
    const s = (await scoreToy('peace_broker: eu\n', TEN)).overall.outcomes[0]!;
    expect(s.type).toBe('category');
    if (s.type !== 'category') return;
    expect(s.distribution).toEqual([
      { value: 'russia', count: 5, p: 0.5 },
      { value: 'eu', count: 3, p: 0.3 },
      { value: 'none', count: 2, p: 0.2 },
    ]);
    expect(s.brier).toBeCloseTo(0.25 + 0.49 + 0.04, 12);
    expect(s.log).toBeCloseTo(-Math.log(0.3), 9);
    expect(s.baseline.brier).toBeCloseTo(2 / 3, 9);
    expect(s.baseline.log).toBeCloseTo(Math.log(3), 9);
  });

  it('scores a number by the CRPS of the runs', async () => {
    // Four runs 1, 2, 3, 4 and y = 2.5: E|X − y| = 1, E|X − X′| = 1.25, CRPS = 1 − 0.625.
    const four = TEN.slice(0, 4);
    const meta = { ...OBS_META, runsPerCell: 4 };
    const s = (await scoreToy('land_km2: 2.5\n', four, meta)).overall.outcomes[0]!;
    expect(s).toMatchObject({ type: 'number', n: 4, pit: 0.5, mean: 2.5 });
    if (s.type === 'number') expect(s.crps).toBeCloseTo(0.375, 12);
    const far = (await scoreToy('land_km2: 0\n', four, meta)).overall.outcomes[0]!;
    if (far.type === 'number') expect([far.crps, far.pit]).toEqual([1.875, 0]);
    // Ties count half in the PIT: ten runs, six of them at exactly 2.5, two below.
    const tied = (await scoreToy('land_km2: 2.5\n', TEN)).overall.outcomes[0]!;
    if (tied.type === 'number') expect(tied.pit).toBeCloseTo((2 + 3) / 10, 12);
  });

  it('averages scores over outcomes and takes the skill of the means', async () => {
    const r = await scoreToy('karabakh_exodus: true\npeace_broker: eu\nland_km2: 2.5\n', TEN);
    const m = r.overall.mean!;
    expect(m.outcomes).toBe(2);
    expect(m.brier).toBeCloseTo((0.09 + 0.78) / 2, 9);
    expect(m.baseline.brier).toBeCloseTo((0.25 + 2 / 3) / 2, 9);
    expect(m.skill.brier).toBeCloseTo(1 - 0.87 / (0.25 + 2 / 3), 9);
    expect(JSON.stringify(r)).not.toMatch(/null|NaN|Infinity/);
  });

  it('scores each cell of a sweep and tabulates reliability', async () => {
    const meta = metaFor({
      kind: 'grid',
      params: ['p'],
      sweep: ['p'],
      cells: [{ p: 0 }, { p: 1 }, { p: 2 }],
      runsPerCell: 10,
      outcomes: [{ id: 'war', kind: 'boolean' }, { id: 'who', kind: 'category', values: ['x', 'y'] }],
    });
    const rows = [0, 1, 2].flatMap((cell) =>
      Array.from({ length: 10 }, (_, i) => ({ cell, param_p: cell, outcome_war: i < 2 + 3 * cell, outcome_who: i < 5 ? 'x' : 'y' })),
    );
    const r = await scoreToy('war: true\nwho: x\n', rows, meta);
    expect(r.cells.map((c) => c.outcomes.map((o) => (o.type === 'number' ? 0 : o.p)))).toEqual([
      [0.2, 0.5],
      [0.5, 0.5],
      [0.8, 0.5],
    ]);
    expect(r.overall.outcomes[0]).toMatchObject({ count: 15, n: 30, p: 0.5 });
    // One event per observation, forecast by the cells pooled: p(war) 0.5 (happened); who = x and who = y at 0.5 (x happened).
    expect(r.reliability.map((b) => [b.lo, b.count, b.meanForecast, b.hits])).toEqual([[0.5, 3, 0.5, 2]]);
    // The same observations scored twice still count once.
    const both = combineReliability([r, r]);
    expect(both.map((b) => [b.count, b.hits])).toEqual([[3, 2]]);
    // What `wargame score` prints after the tables when it scores several outputs.
    expect(formatCombinedReliability(both, 2)).toMatchInlineSnapshot(`
      "Reliability over all 2 outputs (forecast bin → observed frequency, 95% interval):
         50–60 %  forecast  50.0%  observed  66.7% [20.8, 93.9]  (2/3)
        An observation forecast in several outputs counts once, forecast by their runs pooled.
      "
    `);
    expect(formatScore(r)).toMatchInlineSnapshot(`
      "Score of Toy scenario (toy) against observed.yaml
      30 runs · seed S · 3 cells (grid: p)

      All cells pooled (the mixture of the cells as one forecast):
      outcome    observed  p(obs)  Brier   base  skill    log  base  skill
      war        true       50.0%  0.250  0.250  +0.00  0.69   0.69  +0.00
      who        x          50.0%  0.500  0.500  +0.00  0.69   0.69  +0.00
      mean of 2                    0.375  0.375  +0.00  0.69   0.69  +0.00

      p(obs): share of runs that produced what happened. Scores: lower is better; base: a uniform forecast
      (½ for booleans, 1/K for K values); skill = 1 − score/base, above 0 beats it. Log: natural log.

      By cell:
      cell             0      1      2
      p                0      1      2
      runs            10     10     10
      war p(obs)   20.0%  50.0%  80.0%
      who p(obs)   50.0%  50.0%  50.0%
      mean Brier   0.570  0.375  0.270
      Brier skill  -0.52  +0.00  +0.28
      mean log      1.15   0.69   0.46
      log skill    -0.66  +0.00  +0.34

      Reliability (3 forecasts of the cells pooled: each observed boolean outcome and category value):
      forecast  events  mean forecast  happened  frequency  95% CI (%)
      50–60%         3          50.0%         2      66.7%  [20.8, 93.9]
      A calibrated batch has frequencies close to its mean forecasts.
      Each observation counts once: the cells are rival forecasts of it, compared by cell above.
      "
    `);
  });

  it('prints clipped log scores and number outcomes', async () => {
    const r = await scoreToy('renewed_war: true\nland_km2: 2.5\n', TEN);
    expect(formatScore(r)).toMatchInlineSnapshot(`
      "Score of Toy scenario (toy) against observed.yaml
      10 runs · seed S

      outcome      observed  p(obs)  Brier   base  skill    log  base  skill
      renewed_war  true        0.0%  1.000  0.250  -3.00  3.09‡  0.69  -3.46
      mean of 1                      1.000  0.250  -3.00  3.09   0.69  -3.46

      outcome   observed  ensemble score
      land_km2  2.5       CRPS 0.06 · PIT 0.50 · mean of runs 2.5 · n 10

      p(obs): share of runs that produced what happened. Scores: lower is better; base: a uniform forecast
      (½ for booleans, 1/K for K values); skill = 1 − score/base, above 0 beats it. Log: natural log.
      ‡ the runs never produced the observed value: log score at p = 1/(2(n+1)) instead of infinity.
      CRPS: in the outcome's units, no baseline; PIT: share of runs below the observed value.

      Reliability (1 forecast: each observed boolean outcome and category value):
      forecast  events  mean forecast  happened  frequency  95% CI (%)
      0–10%          1           0.0%         1     100.0%  [20.7, 100.0]
      A calibrated batch has frequencies close to its mean forecasts.
      "
    `);
  });
});

// ---------------------------------------------------------------------------

describe('text formats (one home: text/numbers.ts, text/table.ts)', () => {
  it('formats shares, interval ends, numbers and signs', () => {
    expect([formatPercent(0.425), formatPercent(0.0003), formatPercent(0), formatPercent(NaN)]).toEqual(['42.5%', '0.03%', '0.0%', '—']);
    // Interval ends keep one decimal however close to 0 they come.
    expect([formatPercentFixed(0.0003), formatInterval(0.0003, 0.12)]).toEqual(['0.0%', '[0.0, 12.0]']);
    expect([formatNumber(1234.5678), formatNumber(0.000012), formatNumber(2e9)]).toEqual(['1235', '1.20e-5', '2.00e9']);
    expect([formatGroupedNumber(12345.6), formatGroupedNumber(7.3456), formatGroupedNumber(-0.0001)]).toEqual(['12,346', '7.35', '0']);
    expect([formatSigned(0.254, 2), formatSigned(-1.5, 2), formatSigned(-0.001, 2)]).toEqual(['+0.25', '-1.50', '+0.00']);
    expect([quantileAt([{ p: 0.5, value: 3 }], 0.5), quantileAt([{ p: 0.5, value: 3 }], 0.25)]).toEqual([3, NaN]);
  });

  it('measures columns by display width: wide characters take two cells', () => {
    expect(textWidth('東京')).toBe(4);
    expect(renderTable([['city', 'share'], ['東京', '75.0%'], ['paris', '25.0%']], ['l', 'r'])).toEqual(['city   share', '東京   75.0%', 'paris  25.0%']);
  });

  it('aligns a summary whose category values are wide', async () => {
    const meta = metaFor({ kind: 'single', params: [], cells: [{}], runsPerCell: 4, outcomes: [{ id: 'capital', kind: 'category', values: ['東京', 'paris'] }] });
    const s = await summarizeBatch(await tableOf(meta, ['東京', '東京', '東京', 'paris'].map((v) => ({ outcome_capital: v }))));
    expect(formatSummary(s)).toMatchInlineSnapshot(`
      "Toy scenario (toy)
      4 runs · seed S · one cell

      outcome  share  95% CI (%)    runs
      capital
        東京   75.0%  [30.1, 95.4]  3/4
        paris  25.0%  [4.6, 69.9]   1/4
      "
    `);
  });
});
