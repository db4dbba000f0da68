/**
 * The outcomes of a batch as the sensitivity analyses read them: one number
 * per run for each target (a boolean as 0/1, each declared value of a
 * category as its 0/1 indicator, a number as it is with non-finite values left
 * out), averaged per cell inside DuckDB so memory grows with the cells, not
 * the runs. Also how the per-run variance splits between cells (the
 * parameters and their interactions) and within them (the seeds).
 */
import { finiteSql, num, outcomeColumns, type OutcomeColumn } from './summary.js';
import { ident, literal, type BatchTable } from './table-types.js';
import type { BatchMeta } from './meta.js';

/** One number per run for a sensitivity analysis. */
export interface Target {
  outcome: OutcomeColumn;
  /** For a category: the value whose indicator this is. */
  value?: string;
  /** The SQL expression of the number. */
  sql: string;
}

/** Every outcome of the batch as targets, in column order (a category as one per declared value). */
export function targetsOf(meta: BatchMeta): Target[] {
  const out: Target[] = [];
  for (const o of outcomeColumns(meta)) {
    const col = ident(o.column);
    if (o.kind === 'boolean') out.push({ outcome: o, sql: `CAST(${col} AS DOUBLE)` });
    else if (o.kind === 'number') out.push({ outcome: o, sql: finiteSql(o.column) });
    else for (const v of o.values) out.push({ outcome: o, value: v, sql: `CAST(${col} = ${literal(v)} AS DOUBLE)` });
  }
  return out;
}

/** A target's name as people read it: `outcome` or `outcome = value`. */
export function targetName(t: { outcome: string; value?: string }): string {
  return t.value === undefined ? t.outcome : `${t.outcome} = ${t.value}`;
}

/**
 * How a target's per-run variance splits (population forms, so the parts add
 * up): between cells, what the parameters and their interactions move; within
 * cells, what the seeds move (run-to-run randomness at fixed parameters).
 */
export interface VarianceSplit {
  /** Variance over all runs with a value. */
  perRun: number;
  /** Variance of the cell means (weighted by runs). */
  betweenCells: number;
  /** Mean variance within a cell. */
  withinCells: number;
  /** withinCells / perRun (0 when nothing varies). */
  seedShare: number;
  /**
   * How much of the cell means' variance is seed noise at most: each cell
   * mean's sampling variance (its runs taken as independent) over the variance
   * of the means. Common random numbers cancel the part every cell shares, so
   * the real share is lower; near 1 the indices on cell means are mostly noise.
   */
  noiseInMeans: number;
}

export interface CellMeans {
  /** Cell numbers with at least one run, ascending. */
  cells: number[];
  /** Per target, per cell (in `cells` order): the mean, NaN where the cell has no value. */
  means: Float64Array[];
  /** Per target, per cell: runs with a value. */
  counts: Float64Array[];
  split: VarianceSplit[];
}

/** Per-cell means of every target, one query; memory is cells × targets. */
export async function cellMeans(table: BatchTable, targets: readonly Target[]): Promise<CellMeans> {
  const sel = targets.map((t, i) => `${t.sql} AS y${i}`);
  const agg = targets.flatMap((_, i) => [`count(y${i}) AS n${i}`, `avg(y${i}) AS m${i}`, `var_pop(y${i}) AS v${i}`]);
  const rows = await table.all(
    `SELECT cell, ${agg.join(', ')} FROM (SELECT cell${sel.length > 0 ? `, ${sel.join(', ')}` : ''} FROM ${table.from}) GROUP BY cell ORDER BY cell`,
  );
  const cells = rows.map((r) => num(r.cell));
  const means = targets.map((_, i) => Float64Array.from(rows, (r) => (num(r[`n${i}`]) > 0 ? num(r[`m${i}`]) : NaN)));
  const counts = targets.map((_, i) => Float64Array.from(rows, (r) => num(r[`n${i}`])));
  const split = targets.map((_, i) => varianceSplit(counts[i]!, means[i]!, Float64Array.from(rows, (r) => num(r[`v${i}`]))));
  return { cells, means, counts, split };
}

/** The split from each cell's count, mean and (population) variance. */
export function varianceSplit(n: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>): VarianceSplit {
  let total = 0;
  let sum = 0;
  let cellsWith = 0;
  let unweighted = 0;
  for (let c = 0; c < n.length; c++) {
    if (!(n[c]! > 0)) continue;
    total += n[c]!;
    sum += n[c]! * m[c]!;
    cellsWith++;
    unweighted += m[c]!;
  }
  if (total === 0) return { perRun: 0, betweenCells: 0, withinCells: 0, seedShare: 0, noiseInMeans: 0 };
  const grand = sum / total;
  const meanOfMeans = unweighted / cellsWith;
  let between = 0;
  let within = 0;
  let meansVar = 0;
  let sampling = 0;
  for (let c = 0; c < n.length; c++) {
    const k = n[c]!;
    if (!(k > 0)) continue;
    between += k * (m[c]! - grand) ** 2;
    within += k * v[c]!;
    meansVar += (m[c]! - meanOfMeans) ** 2;
    // The sample variance of the cell's runs over k: a mean's sampling variance.
    if (k > 1) sampling += (v[c]! * k) / (k - 1) / k;
  }
  const betweenCells = between / total;
  const withinCells = within / total;
  const perRun = betweenCells + withinCells;
  meansVar /= cellsWith;
  sampling /= cellsWith;
  // Rounding makes a constant look like 1e-33 of variance: below this share of the squared mean it is 0.
  const tiny = 1e-24 * Math.max(1, grand * grand);
  return {
    perRun,
    betweenCells,
    withinCells,
    seedShare: perRun > tiny ? withinCells / perRun : 0,
    noiseInMeans: meansVar > tiny ? Math.min(1, sampling / meansVar) : sampling > tiny ? 1 : 0,
  };
}
