/**
 * Which parameters move which outcomes, from a sweep.
 *
 * Two measures per parameter × outcome, both on the variance scale of the outcome:
 * - SRC, the standardised regression coefficient: the OLS coefficient of the
 *   outcome on all varying parameters, each standardised to mean 0 and sd 1.
 *   Its sign says which way the parameter pushes; with (near-)orthogonal designs
 *   (grids, Latin hypercubes) SRC² is the share of variance the parameter explains
 *   linearly, and R² of the model says how much of the outcome a linear model
 *   captures at all (Saltelli et al., Global Sensitivity Analysis: The Primer, §1.2).
 * - S_i, the first-order (main-effect) index Var(E[Y | X_i]) / Var(Y): the share
 *   of variance explained by X_i alone, linear or not.
 *   On a grid the conditional means are exact group means per parameter value
 *   over the runs: the grid is balanced, so the other parameters cancel in
 *   them and only seed noise biases S_i, by about (k − 1)/(n − 1) for k groups
 *   of n runs (`noise`).
 *   On a sampled design (a Latin hypercube, a design file) the runs of a cell
 *   share its parameters, so the information is in the design points, not the
 *   runs: S_i is computed on the cell means, over equal-count bins of the
 *   parameter ({@link SENSITIVITY_BINS}, fewer for small designs, exact values
 *   when there are few), and corrected for the bias the bins show by chance
 *   (the ANOVA estimator (SS_between − (k − 1)·MS_within) / SS_total, where
 *   the other parameters and the seeds make up the within-bin variance). The
 *   old estimator counted runs: with 50 design points × 200 runs in 10 bins, a
 *   parameter with no effect got S_i ≈ 0.03 and a star while the chance level
 *   it was judged by counted 10,000 runs; now the chance level counts points.
 *   Either way `threshold` is the S_i that a parameter with no effect stays
 *   below 19 times in 20 (the F test's 95% point), and only effects above it
 *   are marked. The denominator differs: per-run variance on a grid, the
 *   variance of the cell means on a sampled design (`firstOn`).
 * Σ S_i ≤ 1 for independent parameters; 1 − Σ S_i is what interactions and the
 * seeds (run-to-run randomness) leave unexplained. For Sobol indices with
 * intervals, run a Saltelli design (`wargame batch --sobol N`).
 *
 * Booleans enter as 0/1, each declared category value as a 0/1 indicator, numbers
 * as they are (non-finite values left out). Everything is aggregated in DuckDB
 * (means, var_pop, covar_pop, group means), so memory stays flat; only the small
 * normal equations are solved here.
 *
 * Standard errors of SRC are seed-clustered: runs of different cells that
 * share a rep index share their seed (common random numbers), so they are not
 * independent; `se` is the cluster-robust (CR1) sandwich with the seeds as
 * clusters, `seIndependent` what treating runs as independent would give.
 */
import { BatchInputError } from './errors.js';
import {
  formatMorrisSensitivity,
  formatSobolSensitivity,
  morrisSensitivity,
  sobolSensitivity,
  type GlobalOptions,
  type MorrisSensitivity,
  type SobolSensitivity,
} from './global-sensitivity.js';
import type { BatchDesign } from './meta.js';
import { cellMeans, targetsOf, type CellMeans, type VarianceSplit } from './cell-means.js';
import { fQuantile } from './stats/f-quantile.js';
import { num, tidy } from './summary.js';
import { ident, type BatchTable } from './table-types.js';
import { Z95 } from './stats/wilson.js';
import { formatPercent, formatSigned } from './text/numbers.js';
import { columnWidths, padEndTo, padStartTo, renderTable, textWidth, type Align, type FormatOptions } from './text/table.js';
import { maxOf } from './util/arrays.js';
import { partialNote } from './summary.js';

/** A parameter with more distinct values than this is binned even on a grid. */
export const MAX_EXACT_GROUPS = 20;
/** Bins for Latin-hypercube (and many-valued) parameters. */
export const SENSITIVITY_BINS = 10;
/** Columns before the parameters' in the table: outcome, seeds, R², ΣS_i. */
const LEAD = 4;
/** |SRC| from which an effect is marked in the table. */
export const SRC_MARK = 0.1;
/** S_i from which an effect is marked: the same share of variance as SRC_MARK². */
export const FIRST_MARK = 0.01;

export interface SensitivityParameter {
  id: string;
  /** The SQL column (`param_<id>`). */
  column: string;
  label: string;
  /** Named in the design's sweep (otherwise it merely varies in the rows). */
  swept: boolean;
  /** Takes one value in every row of this file (e.g. a shard that holds one cell): it has no effects to report. */
  constant: boolean;
  min: number;
  max: number;
  /** Groups S_i was computed over: distinct values, or bins (of runs on a grid, of cells on a sampled design). */
  groups: number;
  binned: boolean;
}

export interface SensitivityEffect {
  parameter: string;
  /** Standardised regression coefficient (0 when aliased or the outcome is constant). */
  src: number;
  /** Seed-clustered standard error of `src` (absent with fewer than two seeds, no residual degrees of freedom, or aliased). */
  se?: number;
  /** The standard error if runs were independent (they are not: cells share seeds). */
  seIndependent?: number;
  /** The parameter is a linear combination of the ones before it in this design, so the regression cannot separate it (as R's `lm` reports NA). */
  aliased?: true;
  /** First-order index S_i = Var(E[Y | X_i]) / Var(Y), in [0, 1] (on a sampled design: of the cell means, bias-corrected). */
  first: number;
  /** About what the uncorrected between-group share reaches with no effect at all: (groups − 1)/(points − 1), points = runs on a grid, cells on a sampled design. */
  noise: number;
  /** The S_i a parameter with no effect stays below 19 times in 20 (F test at 95%; 1 when the design has too few points to tell). */
  threshold: number;
}

export interface SensitivityOutcome {
  outcome: string;
  /** For a category: the value whose indicator this row is. */
  value?: string;
  label: string;
  kind: 'boolean' | 'category' | 'number';
  /** Runs with a value. */
  n: number;
  mean: number;
  /** Population sd (the scale SRC standardises by). */
  sd: number;
  /** Never varies in these runs: every effect is 0. */
  constant: boolean;
  /** R² of the linear model on all varying parameters. */
  r2: number;
  /** Σ S_i over the parameters. */
  firstSum: number;
  /** How its per-run variance splits between cells (parameters) and within them (seeds). */
  split: VarianceSplit;
  /** One per varying parameter, in the order of `parameters`. */
  effects: SensitivityEffect[];
}

export interface SensitivityResult {
  /** Regression (SRC) and first-order shares, on grids, Latin hypercubes and design files. */
  method: 'regression';
  scenario: { id: string; hash: string; title: string };
  design: BatchDesign['kind'];
  runs: number;
  /** What S_i is computed over: every run (a grid) or the cells' means (a sampled design). */
  firstOn: 'runs' | 'cells';
  /** Cells with runs (the design points S_i counts on a sampled design). */
  cells: number;
  /** Runs the file(s) were to hold; more than `runs` when interrupted. */
  planned: number;
  /** Swept or varying parameters, in column order (constant ones flagged, without effects). */
  parameters: SensitivityParameter[];
  /** Outcomes in column order, a category as one row per declared value. */
  outcomes: SensitivityOutcome[];
}

/**
 * Cholesky factor of a symmetric positive semi-definite matrix, skipping (and
 * flagging) a column that is, to `tol`, a combination of earlier ones.
 */
function cholesky(a: readonly (readonly number[])[], tol = 1e-10): { l: number[][]; aliased: boolean[] } {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const aliased = new Array<boolean>(n).fill(false);
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    // The matrix is a correlation matrix (unit diagonal), so an absolute tolerance is a relative one.
    if (d <= tol) {
      aliased[j] = true;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  return { l, aliased };
}

/** Solves L Lᵀ x = b over the non-aliased indices (aliased ones get 0). */
function cholSolve(l: readonly (readonly number[])[], aliased: readonly boolean[], b: readonly number[]): number[] {
  const n = b.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (aliased[i]) continue;
    let s = b[i]!;
    for (let k = 0; k < i; k++) if (!aliased[k]) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    if (aliased[i]) continue;
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) if (!aliased[k]) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Sensitivity of every outcome to every swept (or varying) parameter.
 * Throws a {@link BatchInputError} when no parameter varies.
 *
 * @example
 * const table = await openBatch('sweep.parquet');
 * try { process.stdout.write(formatSensitivity(await sensitivity(table))); } finally { table.close(); }
 */
export async function sensitivity(table: BatchTable): Promise<SensitivityResult> {
  const { meta } = table;
  const swept = new Set(meta.design.sweep.map((a) => a.parameter));
  const paramCols = meta.columns.filter((c) => c.role === 'parameter');
  const P = paramCols.map((c) => ({ id: c.source ?? c.name.replace(/^param_/, ''), column: c.name, label: c.label ?? c.source ?? c.name }));

  // Pass 1: which parameters vary, and how many values they take.
  const rangeSql = P.flatMap((p, j) => [
    `min(${ident(p.column)}) AS lo${j}`,
    `max(${ident(p.column)}) AS hi${j}`,
    `count(DISTINCT ${ident(p.column)}) AS k${j}`,
  ]);
  const [ranges] = await table.all(`SELECT count(*) AS runs${rangeSql.length > 0 ? `, ${rangeSql.join(', ')}` : ''} FROM ${table.from}`);
  const runs = num(ranges?.runs);
  const candidates = P.map((p, j) => {
    const min = num(ranges?.[`lo${j}`]);
    const max = num(ranges?.[`hi${j}`]);
    const distinct = num(ranges?.[`k${j}`]);
    return { ...p, j, min, max, distinct, swept: swept.has(p.id), constant: !(max > min) };
  }).filter((p) => p.swept || !p.constant);
  const varying = candidates.filter((p) => !p.constant);
  if (varying.length === 0) {
    const fix = `sensitivity needs a sweep: run wargame batch ${meta.scenario.id} --runs N --sweep p=a,b,c (or --sweep p=lo:hi with --lhs)`;
    const why =
      swept.size > 0
        ? `the swept parameter${swept.size === 1 ? '' : 's'} ${[...swept].join(', ')} take${swept.size === 1 ? 's' : ''} one value in every run of this file (one cell of the sweep?)`
        : runs === 0
          ? 'the batch has no runs'
          : 'no parameter varies in this batch';
    throw new BatchInputError(`${why}; ${fix}`, 'no-sweep');
  }

  // Pass 2: moments. Parameter-parameter covariances over all rows; outcome moments pairwise-complete.
  const T = targetsOf(meta);
  const X = varying.map((p) => ident(p.column));
  const m: string[] = [];
  X.forEach((x, a) => {
    m.push(`var_pop(${x}) AS vx${a}`, `avg(${x}) AS mx${a}`);
    for (let b = 0; b < a; b++) m.push(`covar_pop(${x}, ${X[b]}) AS cx${a}_${b}`);
  });
  T.forEach((t, i) => {
    m.push(`count(${t.sql}) AS ny${i}`, `avg(${t.sql}) AS my${i}`, `var_pop(${t.sql}) AS vy${i}`);
    X.forEach((x, a) => {
      m.push(`covar_pop(${t.sql}, ${x}) AS cy${i}_${a}`);
    });
  });
  const [mom] = await table.all(`SELECT ${m.join(', ')} FROM ${table.from}`);
  const get = (k: string) => num(mom?.[k]);

  const q = varying.length;
  const sx = varying.map((_, a) => Math.sqrt(get(`vx${a}`)));
  const R = Array.from({ length: q }, (_, a) =>
    Array.from({ length: q }, (_, b) => (a === b ? 1 : get(a > b ? `cx${a}_${b}` : `cx${b}_${a}`) / (sx[a]! * sx[b]!))),
  );
  const { l, aliased } = cholesky(R);

  // Pass 3: first-order indices, over the runs of a grid or the cell means of a sampled design.
  const firstOn: 'runs' | 'cells' = meta.design.kind === 'grid' || meta.design.kind === 'single' ? 'runs' : 'cells';
  const cm = await cellMeans(table, T);
  const firsts = firstOn === 'runs' ? await firstOverRuns(table, varying, T) : await firstOverCells(table, varying, cm);

  // Pass 4: the seed-clustered meat of the regression's sandwich.
  const betas = T.map((_, i) => {
    const vy = get(`vy${i}`);
    const constant = get(`ny${i}`) === 0 || !(vy > 1e-24 * Math.max(1, get(`my${i}`) ** 2));
    const sy = Math.sqrt(vy);
    const r = varying.map((_, a) => (constant ? 0 : get(`cy${i}_${a}`) / (sy * sx[a]!)));
    return { constant, r, beta: constant ? r.map(() => 0) : cholSolve(l, aliased, r) };
  });
  const meat = await clusteredMeat(
    table,
    varying.map((p, a) => ({ sql: ident(p.column), mean: get(`mx${a}`), sd: sx[a]! })),
    T.map((t, i) => ({ sql: t.sql, mean: get(`my${i}`), sd: Math.sqrt(get(`vy${i}`)), beta: betas[i]!.constant ? undefined : betas[i]!.beta })),
  );
  // Columns of R⁻¹ (the bread up to 1/n), for the sandwich R⁻¹ M R⁻¹ / n².
  const rInv = varying.map((_, a) => (aliased[a] ? undefined : cholSolve(l, aliased, varying.map((__, b) => (a === b ? 1 : 0)))));

  const parameters: SensitivityParameter[] = candidates.map((p) => {
    const a = varying.indexOf(p);
    return {
      id: p.id,
      column: p.column,
      label: p.label,
      swept: p.swept,
      constant: p.constant,
      min: tidy(p.min),
      max: tidy(p.max),
      groups: a < 0 ? 1 : firsts.groups[a]!,
      binned: a < 0 ? false : firsts.binned[a]!,
    };
  });

  const outcomes: SensitivityOutcome[] = T.map((t, i) => {
    const n = get(`ny${i}`);
    const sy = Math.sqrt(get(`vy${i}`));
    const { constant, r, beta } = betas[i]!;
    const r2 = constant ? 0 : clamp01(beta.reduce((s, b, a) => s + b * r[a]!, 0));
    const q = varying.filter((_, a) => !aliased[a]).length;
    const df = n - q - 1;
    const M = meat.get(i);
    const effects: SensitivityEffect[] = varying.map((p, a) => {
      const f = firsts.effects[a]![i]!;
      const e: SensitivityEffect = {
        parameter: p.id,
        src: tidy(beta[a]!),
        first: tidy(constant ? 0 : f.first),
        noise: tidy(f.noise),
        threshold: tidy(f.threshold),
      };
      const col = rInv[a];
      if (aliased[a] || !col) e.aliased = true;
      else if (!constant && df > 0) {
        e.seIndependent = tidy(Math.sqrt((Math.max(0, 1 - r2) / df) * col[a]!));
        if (M && M.clusters > 1) {
          // CR1: the sandwich scaled by G/(G − 1)·(n − 1)/(n − q − 1), as Stata's vce(cluster).
          let v = 0;
          for (let b = 0; b < varying.length; b++) for (let c = 0; c < varying.length; c++) v += col[b]! * M.m[b]![c]! * col[c]!;
          const factor = (M.clusters / (M.clusters - 1)) * ((n - 1) / df);
          e.se = tidy(Math.sqrt(Math.max(0, v * factor)) / n);
        }
      }
      return e;
    });
    const row: SensitivityOutcome = {
      outcome: t.outcome.id,
      label: t.outcome.label,
      kind: t.outcome.kind,
      n,
      mean: tidy(get(`my${i}`)),
      sd: constant ? 0 : tidy(sy),
      constant,
      r2: tidy(r2),
      firstSum: tidy(effects.reduce((s, e) => s + e.first, 0)),
      split: Object.fromEntries(Object.entries(cm.split[i]!).map(([k, v]) => [k, tidy(v)])) as unknown as VarianceSplit,
      effects,
    };
    if (t.value !== undefined) row.value = t.value;
    return row;
  });

  return {
    method: 'regression',
    scenario: { ...meta.scenario },
    design: meta.design.kind,
    runs,
    firstOn,
    cells: firsts.cells,
    planned: meta.shard.to - meta.shard.from,
    parameters,
    outcomes,
  };
}

interface FirstOrder {
  /** Per parameter: groups (values or bins) and whether binned. */
  groups: number[];
  binned: boolean[];
  /** Cells with runs. */
  cells: number;
  /** Per parameter, per target. */
  effects: { first: number; noise: number; threshold: number }[][];
}

/** The F test's 95% point as a share of variance: the between-group share that k groups of n points reach 1 time in 20 with no effect. */
function chanceShare(k: number, n: number, corrected: boolean): number {
  if (k < 2) return 0;
  if (n - k < 1) return 1;
  const f = fQuantile(0.95, k - 1, n - k);
  if (!Number.isFinite(f)) return 1;
  // SS_b / SS_t at F = f; corrected: (SS_b − (k − 1)·MS_w) / SS_t at F = f.
  return corrected ? ((k - 1) * (f - 1)) / ((k - 1) * f + n - k) : ((k - 1) * f) / ((k - 1) * f + n - k);
}

/** On a grid: exact group means over the runs (binned past MAX_EXACT_GROUPS values), one GROUPING SETS query for all parameters. */
async function firstOverRuns(table: BatchTable, varying: readonly { column: string; distinct: number }[], T: readonly { sql: string }[]): Promise<FirstOrder> {
  const binned = varying.map((p) => p.distinct > MAX_EXACT_GROUPS);
  const groupExpr = await Promise.all(varying.map(async (p, a) => (binned[a] ? binExpression(table, p.column) : ident(p.column))));
  const gsel = groupExpr.map((e, a) => `${e} AS g${a}`);
  const ysel = T.map((t, i) => `${t.sql} AS y${i}`);
  const flags = varying.map((_, a) => `grouping(g${a}) AS f${a}`);
  const aggs = T.flatMap((_, i) => [`count(y${i}) AS n${i}`, `avg(y${i}) AS m${i}`, `sum(y${i} * y${i}) AS s${i}`]);
  // Ordered, so the sums below add the groups in the same order every time.
  const groups = await table.all(
    `SELECT ${[...flags, ...varying.map((_, a) => `g${a}`), ...aggs].join(', ')} ` +
      `FROM (SELECT ${[...gsel, ...ysel].join(', ')} FROM ${table.from}) ` +
      `GROUP BY GROUPING SETS (${varying.map((_, a) => `(g${a})`).join(', ')}) ORDER BY ${varying.map((_, a) => `f${a}, g${a}`).join(', ')}`,
  );
  const [cellRow] = await table.all(`SELECT count(DISTINCT cell) AS c FROM ${table.from}`);
  const groupsOf = varying.map((_, a) => groups.filter((g) => num(g[`f${a}`]) === 0));
  const effects = varying.map((_, a) =>
    T.map((__, i) => {
      const g = groupsOf[a]!;
      let total = 0;
      let wsum = 0;
      let ss = 0;
      for (const row of g) {
        const ng = num(row[`n${i}`]);
        if (ng === 0) continue;
        total += ng;
        wsum += ng * num(row[`m${i}`]);
        ss += num(row[`s${i}`]);
      }
      const mu = total > 0 ? wsum / total : 0;
      let between = 0;
      for (const row of g) {
        const ng = num(row[`n${i}`]);
        if (ng > 0) between += ng * (num(row[`m${i}`]) - mu) ** 2;
      }
      const vy = total > 0 ? Math.max(0, ss / total - mu * mu) : 0;
      const k = g.filter((row) => num(row[`n${i}`]) > 0).length;
      return {
        first: total === 0 || !(vy > 1e-24 * Math.max(1, mu * mu)) ? 0 : clamp01(between / total / vy),
        noise: total > 1 ? Math.max(0, k - 1) / (total - 1) : 0,
        threshold: chanceShare(k, total, false),
      };
    }),
  );
  return { groups: groupsOf.map((g) => g.length), binned, cells: num(cellRow?.c), effects };
}

/**
 * On a sampled design: the cell means, grouped by each parameter's value
 * (binned into equal-count bins of cells past MAX_EXACT_GROUPS values), with
 * the ANOVA correction for the bins' chance spread.
 */
async function firstOverCells(table: BatchTable, varying: readonly { column: string }[], cm: CellMeans): Promise<FirstOrder> {
  const xs = await table.all(`SELECT cell, ${varying.map((p, a) => `min(${ident(p.column)}) AS x${a}`).join(', ')} FROM ${table.from} GROUP BY cell ORDER BY cell`);
  const N = cm.cells.length;
  const groupIds: number[][] = [];
  const groups: number[] = [];
  const binned: boolean[] = [];
  varying.forEach((_, a) => {
    const x = xs.map((r) => num(r[`x${a}`]));
    const distinct = [...new Set(x)].sort((p, q) => p - q);
    if (distinct.length <= MAX_EXACT_GROUPS) {
      const at = new Map(distinct.map((v, g) => [v, g]));
      groupIds.push(x.map((v) => at.get(v)!));
      groups.push(distinct.length);
      binned.push(false);
      return;
    }
    // At least five points a bin, so each bin's mean means something; ties share a bin.
    const bins = Math.max(2, Math.min(SENSITIVITY_BINS, Math.floor(N / 5)));
    const sorted = [...x].sort((p, q) => p - q);
    const cuts = [...new Set(Array.from({ length: bins - 1 }, (_, j) => sorted[Math.ceil(((j + 1) * N) / bins) - 1]!))];
    groupIds.push(x.map((v) => cuts.filter((c) => v > c).length));
    groups.push(cuts.length + 1);
    binned.push(true);
  });
  const effects = varying.map((_, a) =>
    cm.means.map((means) => {
      const ids = groupIds[a]!;
      const sum = new Map<number, { n: number; s: number }>();
      let n = 0;
      let total = 0;
      for (let c = 0; c < N; c++) {
        const y = means[c]!;
        if (!Number.isFinite(y)) continue;
        const g = sum.get(ids[c]!) ?? { n: 0, s: 0 };
        g.n++;
        g.s += y;
        sum.set(ids[c]!, g);
        n++;
        total += y;
      }
      const k = sum.size;
      const grand = n > 0 ? total / n : 0;
      let ssT = 0;
      let ssB = 0;
      for (let c = 0; c < N; c++) if (Number.isFinite(means[c]!)) ssT += (means[c]! - grand) ** 2;
      for (const g of sum.values()) ssB += g.n * (g.s / g.n - grand) ** 2;
      const msW = n > k ? (ssT - ssB) / (n - k) : 0;
      const usable = k >= 2 && n - k >= 2 && ssT > 1e-24 * Math.max(1, grand * grand);
      return {
        first: usable ? clamp01((ssB - (k - 1) * msW) / ssT) : 0,
        noise: n > 1 ? Math.max(0, k - 1) / (n - 1) : 0,
        threshold: k >= 2 && n - k >= 2 ? chanceShare(k, n, true) : 1,
      };
    }),
  );
  return { groups, binned, cells: N, effects };
}

/** Per target, the seed-clustered meat Σ_g (Σ_{i∈g} z_i e_i)(Σ_{i∈g} z_i e_i)ᵀ of the standardised regression, and the number of seeds. */
async function clusteredMeat(
  table: BatchTable,
  xs: readonly { sql: string; mean: number; sd: number }[],
  ys: readonly { sql: string; mean: number; sd: number; beta: number[] | undefined }[],
): Promise<Map<number, { clusters: number; m: number[][] }>> {
  const out = new Map<number, { clusters: number; m: number[][] }>();
  const live = ys.map((y, i) => ({ ...y, i })).filter((y) => y.beta && y.sd > 0);
  const q = xs.length;
  if (live.length === 0 || q === 0) return out;
  // Exact literals: the residual is a difference of nearly equal numbers.
  const lit = (x: number) => (Number.isFinite(x) ? x.toPrecision(17) : '0');
  const z = xs.map((x) => `((${x.sql} - ${lit(x.mean)}) / ${lit(x.sd)})`);
  const inner = live.flatMap((y, t) => {
    const e = `((${y.sql} - ${lit(y.mean)}) / ${lit(y.sd)} - (${y.beta!.map((b, a) => `${lit(b)} * ${z[a]}`).join(' + ')}))`;
    return z.map((za, a) => `sum(${za} * ${e}) AS s${t}_${a}`);
  });
  const outer = live.flatMap((_, t) => {
    const cols: string[] = [];
    for (let a = 0; a < q; a++) for (let b = 0; b <= a; b++) cols.push(`sum(s${t}_${a} * s${t}_${b}) AS q${t}_${a}_${b}`);
    return cols;
  });
  const [row] = await table.all(`SELECT count(*) AS g, ${outer.join(', ')} FROM (SELECT rep, ${inner.join(', ')} FROM ${table.from} GROUP BY rep)`);
  const clusters = num(row?.g);
  live.forEach((y, t) => {
    const m = Array.from({ length: q }, () => new Array<number>(q).fill(0));
    for (let a = 0; a < q; a++)
      for (let b = 0; b <= a; b++) {
        const v = num(row?.[`q${t}_${a}_${b}`]);
        m[a]![b] = v;
        m[b]![a] = v;
      }
    out.set(y.i, { clusters, m });
  });
  return out;
}

/** The bin (0 … bins−1) of a parameter's value: the number of equal-count cut points below it. */
async function binExpression(table: BatchTable, column: string): Promise<string> {
  const x = ident(column);
  const ps = Array.from({ length: SENSITIVITY_BINS - 1 }, (_, k) => (k + 1) / SENSITIVITY_BINS);
  // quantile_disc cuts at values that occur, so all runs of one cell (one value) fall in one bin.
  const [row] = await table.all(
    `SELECT ${ps.map((_, k) => `e[${k + 1}] AS e${k}`).join(', ')} FROM (SELECT quantile_disc(${x}, [${ps.join(', ')}]) AS e FROM ${table.from})`,
  );
  const cuts = [...new Set(ps.map((_, k) => num(row?.[`e${k}`])))].sort((a, b) => a - b);
  // Exact literals: a cut printed with fewer digits could move a value across it.
  return cuts.length === 0 ? '0' : `(${cuts.map((c) => `CAST(${x} > ${c.toPrecision(17)} AS INTEGER)`).join(' + ')})`;
}

// ---------------------------------------------------------------------------
// The table.

/** How much an effect matters, on the variance scale: the larger of S_i and SRC². */
function importance(e: SensitivityEffect): number {
  return Math.max(e.first, e.src * e.src);
}

/**
 * The sensitivity result as a plain-text table: one row per outcome (a
 * category's values indented under it), R² and Σ S_i, then for each parameter
 * its SRC and S_i. Parameters (columns) are ordered by their largest effect on
 * any outcome, outcomes (rows) by their largest effect of any parameter, most
 * important first; outcomes (or category values) that never vary are named
 * below the table rather than filling it with zeros. An effect is marked `*`
 * when |SRC| ≥ 0.1 or S_i ≥ 0.01 (the same share of variance). Past `width`
 * columns the parameters wrap into further blocks.
 *
 * @example
 * process.stdout.write(formatSensitivity(await sensitivity(table)));
 */
export function formatSensitivity(result: SensitivityResult, options: FormatOptions = {}): string {
  const maxWidth = options.width ?? 100;
  const varying = result.parameters.filter((p) => !p.constant);
  const idx = new Map(varying.map((p, a) => [p.id, a]));
  const best = (p: string) => Math.max(0, ...result.outcomes.map((o) => importance(o.effects[idx.get(p)!]!)));
  const order = [...varying].sort((a, b) => best(b.id) - best(a.id) || varying.indexOf(a) - varying.indexOf(b));

  // Rows: category values stay together under their outcome, placed by the strongest of them.
  const groups: { key: string; rows: SensitivityOutcome[] }[] = [];
  for (const o of result.outcomes) {
    const last = groups[groups.length - 1];
    if (o.kind === 'category' && last && last.key === o.outcome) last.rows.push(o);
    else groups.push({ key: o.outcome, rows: [o] });
  }
  const strength = (g: { rows: SensitivityOutcome[] }) =>
    g.rows.every((r) => r.constant) ? -1 : maxOf(g.rows.flatMap((r) => r.effects.map(importance)));
  const sorted = groups.map((g, i) => ({ g, i, s: strength(g) })).sort((a, b) => b.s - a.s || a.i - b.i);

  const mark = (on: boolean) => (on ? '*' : ' ');
  const cellsOf = (o: SensitivityOutcome): string[] =>
    order.flatMap((p) => {
      const e = o.effects[idx.get(p.id)!]!;
      if (o.constant) return ['', ''];
      // Marked: large enough to matter and beyond what chance gives (two seed-clustered standard errors; the F test's 95% point).
      const firstMark = mark(e.first >= Math.max(FIRST_MARK, e.threshold));
      if (e.aliased) return ['aliased', `${e.first.toFixed(2)}${firstMark}`];
      const srcMark = mark(Math.abs(e.src) >= SRC_MARK && (e.se === undefined || Math.abs(e.src) >= Z95 * e.se));
      return [`${formatSigned(e.src, 2)}${srcMark}`, `${e.first.toFixed(2)}${firstMark}`];
    });
  const head1 = ['', '', '', '', ...order.flatMap((p) => [p.id, ''])];
  const head2 = ['outcome', 'seeds', 'R²', 'ΣS_i', ...order.flatMap(() => ['SRC', 'S_i'])];
  const body: string[][] = [];
  const constant: string[] = [];
  for (const { g } of sorted) {
    const lead = g.rows[0]!;
    const line = (o: SensitivityOutcome, name: string) => [name, formatPercent(o.split.seedShare), o.r2.toFixed(2), o.firstSum.toFixed(2), ...cellsOf(o)];
    if (lead.kind === 'category') {
      const varying = g.rows.filter((o) => !o.constant);
      const still = g.rows.filter((o) => o.constant).map((o) => o.value ?? '');
      if (still.length > 0) constant.push(varying.length === 0 ? lead.outcome : `${lead.outcome} = ${still.join(' | ')}`);
      if (varying.length === 0) continue;
      body.push([lead.outcome, '', '', '', ...order.flatMap(() => ['', ''])]);
      for (const o of varying) body.push(line(o, `  ${o.value ?? ''}`));
    } else if (lead.constant) constant.push(lead.outcome);
    else body.push(line(lead, lead.outcome));
  }

  // Wrap by whole parameters (SRC and S_i stay together).
  const rows = [head1, head2, ...body];
  const colW = (j: number) => maxOf(rows.slice(1).map((r) => textWidth(r[j] ?? '')));
  // A parameter's name heads its SRC and S_i columns: widen S_i (right-aligned) so the name never runs into the next parameter.
  order.forEach((p, a) => {
    const need = textWidth(p.id) + 1 - (colW(LEAD + 2 * a) + 2);
    if (need > colW(LEAD + 1 + 2 * a)) head2[LEAD + 1 + 2 * a] = padStartTo('S_i', need);
  });
  const lead = [0, 1, 2, 3].reduce((s, j) => s + colW(j) + 2, 0);
  const blocks: number[][] = [[]];
  let used = lead;
  order.forEach((p, a) => {
    const w = Math.max(colW(LEAD + 2 * a) + colW(LEAD + 1 + 2 * a) + 4, textWidth(p.id) + 2);
    if (blocks[blocks.length - 1]!.length > 0 && used + w > maxWidth) {
      blocks.push([]);
      used = lead;
    }
    blocks[blocks.length - 1]!.push(a);
    used += w;
  });

  const lines: string[] = [];
  const params = varying.length === 1 ? '1 parameter' : `${varying.length} parameters`;
  lines.push(`Sensitivity of ${result.scenario.title} (${result.scenario.id}) to ${params} · ${result.design} · ${result.runs} runs`);
  const partial = partialNote(result.runs, result.planned, []);
  if (partial) lines.push(partial);
  for (const block of blocks) {
    lines.push('');
    const pick = [0, 1, 2, 3, ...block.flatMap((a) => [LEAD + 2 * a, LEAD + 1 + 2 * a])];
    const align: Align[] = pick.map((j) => (j === 0 ? 'l' : 'r'));
    // The parameter name heads its SRC column, left-aligned so it may run over S_i.
    const table = renderTable([head2, ...body].map((r) => pick.map((j) => r[j] ?? '')), align);
    const widths = columnWidths([head2, ...body].map((r) => pick.map((j) => r[j] ?? '')));
    let header = '';
    let at = 0;
    pick.forEach((j, c) => {
      const name = head1[j] ?? '';
      if (name !== '' && textWidth(header) <= at) header = padEndTo(header, at) + name;
      at += widths[c]! + 2;
    });
    lines.push(header.trimEnd(), ...table);
  }
  const binned = result.parameters.filter((p) => p.binned);
  lines.push('');
  lines.push('seeds: the share of the per-run variance within cells (run-to-run randomness), the rest is between cells (the parameters).');
  lines.push('SRC: standardised regression coefficient (sign = direction; standard errors in --json, clustered by seed); R²: of that linear model.');
  if (result.firstOn === 'runs') lines.push('S_i: first-order index Var(E[Y|X_i])/Var(Y) over the runs; 1 − ΣS_i is left to interactions and to the seeds.');
  else
    lines.push(
      `S_i: first-order index on the ${result.cells} cells' means (each cell's runs averaged), less what its groups show by chance; 1 − ΣS_i is left to interactions and noise. For intervals and total indices, run a Sobol design (wargame batch --sobol N).`,
    );
  const threshold = Math.max(0, ...result.outcomes.filter((o) => !o.constant).flatMap((o) => o.effects.map((e) => e.threshold)));
  const points = result.firstOn === 'runs' ? 'runs' : 'design points';
  const chance = threshold > 0 ? ` and above what a parameter with no effect reaches 1 time in 20 (up to ${Number(threshold.toPrecision(2))} here, counting ${points})` : '';
  lines.push(`* marks |SRC| ≥ ${SRC_MARK} beyond two standard errors, or S_i ≥ ${FIRST_MARK}${chance}.`);
  if (binned.length > 0) lines.push(`S_i of ${binned.map((p) => `${p.id} over ${p.groups}`).join(', ')} equal-count bins of the ${result.firstOn === 'runs' ? 'runs' : 'cells'}.`);
  if (result.firstOn === 'cells' && result.outcomes.some((o) => !o.constant && o.split.seedShare >= 0.99))
    lines.push('Where seeds is about 100%, the parameters barely move the outcome: its S_i divide a very small variance between cells.');
  if (constant.length > 0) lines.push(`The same in every run (no effect to measure): ${constant.join(', ')}.`);
  const constantParams = result.parameters.filter((p) => p.constant).map((p) => p.id);
  if (constantParams.length > 0) lines.push(`Not varying in this file: ${constantParams.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

/** Whichever analysis the design was built for. */
export type AnySensitivity = SensitivityResult | SobolSensitivity | MorrisSensitivity;

/**
 * The sensitivity analysis a batch's design calls for: Sobol indices on a
 * Saltelli design, elementary effects on Morris trajectories, else
 * regression coefficients and first-order shares.
 *
 * @example
 * const r = await sensitivityFor(table);
 * process.stdout.write(formatSensitivityFor(r));
 */
export async function sensitivityFor(table: BatchTable, options: GlobalOptions = {}): Promise<AnySensitivity> {
  const kind = table.meta.design.kind;
  if (kind === 'sobol') return sobolSensitivity(table, options);
  if (kind === 'morris') return morrisSensitivity(table, options);
  return sensitivity(table);
}

/** The text of {@link sensitivityFor}'s result. */
export function formatSensitivityFor(r: AnySensitivity, options: FormatOptions = {}): string {
  if (r.method === 'sobol') return formatSobolSensitivity(r, options);
  if (r.method === 'morris') return formatMorrisSensitivity(r, options);
  return formatSensitivity(r, options);
}
