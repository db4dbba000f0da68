/**
 * The summary of a batch: every outcome over all runs and per sweep cell,
 * aggregated inside DuckDB so memory stays flat however many runs the file
 * holds (only one row per cell comes back to JS).
 *
 * Conventions (also what `--json` emits):
 * - booleans: the share of runs where the outcome held, with its 95% Wilson interval;
 * - categories: every declared value in the scenario's order, zero counts
 *   included, each with its Wilson interval; a value the scenario does not
 *   declare (an older file, a hand-edited one) is listed after them;
 * - numbers: n, mean, sample sd (n − 1), min, max and type-7 quantiles at
 *   5/25/50/75/95%; NULL and non-finite values are left out, so n may be less than runs;
 * - an empty cell (not reached before the batch was interrupted, or in another
 *   shard) has runs 0, proportions {p 0, [0, 1]}, and number statistics 0 with n 0;
 * - the pooled summary (`overall`) has cell −1 and the parameters every cell shares;
 * - non-integer results are rounded to 10 significant digits: beyond that the
 *   digits are summation noise, and rounding keeps the JSON byte-identical when
 *   the same runs are summed in another order (a merged file, a resumed run).
 */
import type { Column } from './columns.js';
import type { BatchMeta } from './meta.js';
import { quantileAt, quantiles } from './stats/quantile.js';
import { wilson } from './stats/wilson.js';
import { targetsOf } from './cell-means.js';
import { clusteredMeanOfSums, wilsonEffective, type ClusteredMean } from './stats/clustered.js';
import type { BatchSummary, CellSummary, OutcomeSummary, Proportion } from './summary-types.js';
import { ident, literal, type BatchTable, type SqlRow } from './table-types.js';
import { formatInterval, formatNumber, formatPercent, formatPoints } from './text/numbers.js';
import { renderTable, renderWide, type Align, type FormatOptions } from './text/table.js';
import { appendAll, maxOf, minOf } from './util/arrays.js';

/** The quantiles every number outcome reports. */
export const SUMMARY_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** The cell number of the pooled summary. */
export const POOLED_CELL = -1;

// ---------------------------------------------------------------------------
// Shared helpers (also used by sensitivity and score; not part of the package API).

/** An outcome column of a batch table, as the statistics see it. */
export interface OutcomeColumn {
  id: string;
  label: string;
  /** The SQL column name (`outcome_<id>`). */
  column: string;
  kind: 'boolean' | 'category' | 'number';
  /** Declared values (categories), in the scenario's order. */
  values: string[];
}

/** The outcome columns of a batch, in column order. */
export function outcomeColumns(meta: BatchMeta): OutcomeColumn[] {
  return meta.columns.filter((c) => c.role === 'outcome').map(toOutcome);
}

function toOutcome(c: Column | BatchMeta['columns'][number]): OutcomeColumn {
  const kind = c.kind ?? (c.type === 'BOOLEAN' ? 'boolean' : c.type === 'VARCHAR' ? 'category' : 'number');
  const id = c.source ?? c.name.replace(/^outcome_/, '');
  return { id, label: c.label ?? id, column: c.name, kind, values: kind === 'category' ? [...(c.values ?? [])] : [] };
}

/** A SQL result value as a finite number (counts come back as numbers, but a reader may hand over bigint or DECIMAL text). */
export function num(value: unknown): number {
  const x = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(x) ? x : 0;
}

/** Rounds to 10 significant digits (see the module comment); -0 becomes 0, non-finite 0. */
export function tidy(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 53) return x;
  const r = Number(x.toPrecision(10));
  return r === 0 ? 0 : r;
}

function tidyProportion(p: Proportion): Proportion {
  return { count: p.count, n: p.n, p: tidy(p.p), lo: tidy(p.lo), hi: tidy(p.hi) };
}

/** A number outcome as DOUBLE, with NaN and ±Infinity read as missing. */
export function finiteSql(column: string): string {
  const x = `CAST(${ident(column)} AS DOUBLE)`;
  return `(CASE WHEN isfinite(${x}) THEN ${x} END)`;
}

/** The cells of the design in order, then any cell found in the rows that the design does not list. */
export function orderedCells(meta: BatchMeta, present: Iterable<number>): { cell: number; params: Record<string, number> }[] {
  const out = meta.design.cells.map((c) => ({ cell: c.cell, params: { ...c.params } }));
  const known = new Set(out.map((c) => c.cell));
  const extra = [...new Set(present)].filter((c) => !known.has(c)).sort((a, b) => a - b);
  for (const cell of extra) out.push({ cell, params: {} });
  return out;
}

/** The parameter values every cell of the design shares (all of them for a single cell). */
export function sharedParams(meta: BatchMeta): Record<string, number> {
  const cells = meta.design.cells;
  if (cells.length === 0) return { ...meta.design.fixed };
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cells[0]!.params)) if (cells.every((c) => c.params[k] === v)) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------
// The summary.

/** The SQL aggregates of one outcome and how to read them back. Aliases are positional (`a3_…`), so no scenario id reaches SQL unquoted. */
function planOutcome(o: OutcomeColumn, i: number): { inner: string[]; outer: string[]; read(row: SqlRow): OutcomeSummary } {
  const col = ident(o.column);
  const a = (s: string) => `a${i}_${s}`;
  if (o.kind === 'boolean') {
    return {
      inner: [`count(${col}) AS ${a('n')}`, `count(*) FILTER (WHERE ${col}) AS ${a('k')}`],
      outer: [a('n'), a('k')],
      read: (row) => ({ id: o.id, label: o.label, type: 'boolean', ...tidyProportion(wilson(num(row[a('k')]), num(row[a('n')]))) }),
    };
  }
  if (o.kind === 'category') {
    const declared = o.values.map((v, j) => `count(*) FILTER (WHERE ${col} = ${literal(v)}) AS ${a(`v${j}`)}`);
    const other = o.values.length === 0 ? 'TRUE' : `${col} NOT IN (${o.values.map(literal).join(', ')})`;
    return {
      inner: [`count(${col}) AS ${a('n')}`, ...declared, `count(*) FILTER (WHERE ${other}) AS ${a('other')}`],
      outer: [a('n'), ...o.values.map((_, j) => a(`v${j}`)), a('other')],
      read: (row) => {
        const n = num(row[a('n')]);
        return {
          id: o.id,
          label: o.label,
          type: 'category',
          values: o.values.map((value, j) => ({ value, ...tidyProportion(wilson(num(row[a(`v${j}`)]), n)) })),
        };
      },
    };
  }
  const x = finiteSql(o.column);
  const list = `[${SUMMARY_QUANTILES.join(', ')}]`;
  return {
    inner: [
      `count(${x}) AS ${a('n')}`,
      `avg(${x}) AS ${a('mean')}`,
      `stddev_samp(${x}) AS ${a('sd')}`,
      `min(${x}) AS ${a('min')}`,
      `max(${x}) AS ${a('max')}`,
      `quantile_cont(${x}, ${list}) AS ${a('q')}`,
    ],
    // DuckDB lists are 1-based; reading the elements in SQL keeps the reader's list conversion out of it.
    outer: [a('n'), a('mean'), a('sd'), a('min'), a('max'), ...SUMMARY_QUANTILES.map((_, j) => `${a('q')}[${j + 1}] AS ${a(`q${j}`)}`)],
    read: (row) => {
      const n = num(row[a('n')]);
      return {
        id: o.id,
        label: o.label,
        type: 'number',
        n,
        mean: tidy(num(row[a('mean')])),
        // stddev_samp is NULL for a single value; 0 there, as for n = 0 (read n).
        sd: tidy(num(row[a('sd')])),
        min: tidy(num(row[a('min')])),
        max: tidy(num(row[a('max')])),
        quantiles: SUMMARY_QUANTILES.map((p, j) => ({ p, value: tidy(num(row[a(`q${j}`)])) })),
      };
    },
  };
}

/** Counts of undeclared category values, when the first pass found any: (outcome, cell) → [value, count][]. */
async function undeclaredValues(table: BatchTable, outcomes: OutcomeColumn[]): Promise<Map<string, Map<number, [string, number][]>>> {
  const out = new Map<string, Map<number, [string, number][]>>();
  for (const o of outcomes) {
    const col = ident(o.column);
    const other = o.values.length === 0 ? `${col} IS NOT NULL` : `${col} NOT IN (${o.values.map(literal).join(', ')})`;
    const rows = await table.all(
      `SELECT grouping(cell) AS g, cell, ${col} AS v, count(*) AS k FROM ${table.from} WHERE ${other} ` +
        `GROUP BY GROUPING SETS ((cell, ${col}), (${col})) ORDER BY g, cell, v`,
    );
    const byCell = new Map<number, [string, number][]>();
    for (const r of rows) {
      const cell = num(r.g) === 1 ? POOLED_CELL : num(r.cell);
      const list = byCell.get(cell) ?? [];
      list.push([String(r.v), num(r.k)]);
      byCell.set(cell, list);
    }
    out.set(o.id, byCell);
  }
  return out;
}

function emptyOutcome(o: OutcomeColumn, undeclared: [string, number][] = []): OutcomeSummary {
  if (o.kind === 'boolean') return { id: o.id, label: o.label, type: 'boolean', ...wilson(0, 0) };
  if (o.kind === 'category')
    return { id: o.id, label: o.label, type: 'category', values: [...o.values, ...undeclared.map(([v]) => v)].map((value) => ({ value, ...wilson(0, 0) })) };
  return { id: o.id, label: o.label, type: 'number', n: 0, mean: 0, sd: 0, min: 0, max: 0, quantiles: SUMMARY_QUANTILES.map((p) => ({ p, value: 0 })) };
}

/**
 * Per-cell and pooled summaries of the given outcomes: one pass over the table,
 * plus a narrow second one only when a category holds undeclared values.
 * Shared with scoring, which needs the counts but not the number outcomes.
 */
export async function aggregateOutcomes(
  table: BatchTable,
  outcomes: readonly OutcomeColumn[],
): Promise<{ overall: CellSummary; cells: CellSummary[] }> {
  const { meta } = table;
  const plans = outcomes.map(planOutcome);
  const inner = ['grouping(cell) AS g', 'cell', 'count(*) AS runs', ...plans.flatMap((p) => p.inner)];
  const outer = ['g', 'cell', 'runs', ...plans.flatMap((p) => p.outer)];
  const rows = await table.all(
    `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${table.from} GROUP BY GROUPING SETS ((cell), ())) ORDER BY g, cell`,
  );

  const odd = outcomes.filter((o, i) => o.kind === 'category' && rows.some((r) => num(r[`a${i}_other`]) > 0));
  const undeclared = odd.length > 0 ? await undeclaredValues(table, odd) : new Map<string, Map<number, [string, number][]>>();
  const pooledUndeclared = (id: string) => undeclared.get(id)?.get(POOLED_CELL) ?? [];

  const summarise = (row: SqlRow | undefined, cell: number, params: Record<string, number>): CellSummary => {
    const runs = row ? num(row.runs) : 0;
    return {
      cell,
      params,
      runs,
      outcomes: outcomes.map((o, i) => {
        if (!row || runs === 0) return emptyOutcome(o, pooledUndeclared(o.id));
        const s = plans[i]!.read(row);
        if (s.type === 'category' && undeclared.has(o.id)) {
          // Every cell lists the same values (as declared ones with count 0 are listed), so cells line up in a table.
          const here = new Map(undeclared.get(o.id)?.get(cell) ?? []);
          const n = num(row[`a${i}_n`]);
          for (const [value] of pooledUndeclared(o.id)) s.values.push({ value, ...tidyProportion(wilson(here.get(value) ?? 0, n)) });
        }
        return s;
      }),
    };
  };

  const pooledRow = rows.find((r) => num(r.g) === 1);
  const byCell = new Map<number, SqlRow>();
  for (const r of rows) if (num(r.g) === 0 && r.cell !== null) byCell.set(num(r.cell), r);
  return {
    overall: summarise(pooledRow, POOLED_CELL, sharedParams(meta)),
    cells: orderedCells(meta, byCell.keys()).map((c) => summarise(byCell.get(c.cell), c.cell, c.params)),
  };
}

/**
 * Summarises a batch table: every outcome over all runs and per cell.
 *
 * @example
 * const table = await openBatch('out.parquet');
 * try {
 *   const summary = await summarizeBatch(table);
 *   process.stdout.write(formatSummary(summary));
 * } finally { table.close(); }
 */
export async function summarizeBatch(table: BatchTable): Promise<BatchSummary> {
  const { meta } = table;
  const { overall, cells } = await aggregateOutcomes(table, outcomeColumns(meta));
  if (cells.filter((c) => c.runs > 0).length > 1) await clusterPooled(table, overall);
  return {
    scenario: { ...meta.scenario },
    seed: meta.seed,
    ...(meta.play ? { followHistoryUntil: meta.play.followHistoryUntil } : {}),
    runs: overall.runs,
    planned: meta.shard.to - meta.shard.from,
    runsPerCell: meta.runsPerCell,
    design: meta.design.kind,
    swept: meta.design.sweep.map((a) => a.parameter),
    overall,
    cells,
  };
}

/**
 * Widens the pooled line of a sweep for common random numbers: every cell
 * plays the same seeds, so the runs pooled over cells are clustered by seed.
 * Shares get the Wilson interval at the effective number of runs n / deff,
 * number means a seed-clustered interval (stats/clustered.ts). One query: per
 * seed the sum and count of each outcome, then sums over the seeds.
 */
async function clusterPooled(table: BatchTable, overall: CellSummary): Promise<void> {
  const targets = targetsOf(table.meta);
  if (targets.length === 0) return;
  const inner = targets.flatMap((t, j) => [`sum(${t.sql}) AS s${j}`, `count(${t.sql}) AS n${j}`, `sum(${t.sql} * ${t.sql}) AS q${j}`]);
  const outer = targets.flatMap((_, j) => [
    `count(*) FILTER (WHERE n${j} > 0) AS g${j}`,
    `sum(s${j}) AS s${j}`,
    `sum(n${j}) AS n${j}`,
    `sum(q${j}) AS q${j}`,
    `sum(s${j} * s${j}) AS ss${j}`,
    `sum(s${j} * n${j}) AS sn${j}`,
    `sum(n${j} * n${j}) AS nn${j}`,
  ]);
  const [row] = await table.all(`SELECT ${outer.join(', ')} FROM (SELECT rep, ${inner.join(', ')} FROM ${table.from} GROUP BY rep)`);
  if (!row) return;
  const pooled = targets.map((_, j) =>
    clusteredMeanOfSums({
      clusters: num(row[`g${j}`]),
      sum: num(row[`s${j}`]),
      count: num(row[`n${j}`]),
      sumSquares: num(row[`q${j}`]),
      clusterSumSquares: num(row[`ss${j}`]),
      clusterSumCount: num(row[`sn${j}`]),
      clusterCountSquares: num(row[`nn${j}`]),
    }),
  );
  const share = (p: Proportion, c: ClusteredMean) => {
    if (p.n === 0 || c.clusters < 2 || p.count === 0 || p.count === p.n) return;
    const nEff = c.se > 0 ? (p.p * (1 - p.p)) / (c.se * c.se) : Infinity;
    const w = wilsonEffective(p.p, nEff);
    p.lo = tidy(w.lo);
    p.hi = tidy(w.hi);
    p.deff = tidy(Number.isFinite(nEff) ? p.n / nEff : 0);
  };
  let j = 0;
  for (const o of overall.outcomes) {
    if (o.type === 'boolean') share(o, pooled[j++]!);
    else if (o.type === 'category') {
      // Declared values come first and in order; values the scenario does not declare keep their plain interval.
      const declared = targets.filter((t) => t.outcome.id === o.id).length;
      for (let v = 0; v < declared; v++) share(o.values[v]!, pooled[j++]!);
    } else {
      const c = pooled[j++]!;
      if (o.n > 1 && c.clusters > 1) o.meanInterval = { se: tidy(c.se), lo: tidy(c.lo), hi: tidy(c.hi), deff: tidy(c.deff) };
    }
  }
}

// ---------------------------------------------------------------------------
// The text.

function intervalText(p: Proportion): string {
  return p.n === 0 ? '' : formatInterval(p.lo, p.hi);
}

function outcomeRows(outcomes: readonly OutcomeSummary[]): string[][] {
  const rows: string[][] = [];
  for (const o of outcomes) {
    if (o.type === 'boolean') rows.push([o.id, o.n === 0 ? '—' : formatPercent(o.p), intervalText(o), `${o.count}/${o.n}`]);
    else if (o.type === 'category') {
      rows.push([o.id, '', '', '']);
      for (const v of o.values) rows.push([`  ${v.value}`, v.n === 0 ? '—' : formatPercent(v.p), intervalText(v), `${v.count}/${v.n}`]);
    } else if (o.n === 0) rows.push([o.id, '—', '', 'n 0']);
    else {
      const q = (p: number) => quantileAt(o.quantiles, p);
      rows.push([o.id, formatNumber(q(0.5)), `[${formatNumber(q(0.05))} – ${formatNumber(q(0.95))}]`, `mean ${formatNumber(o.mean)}, sd ${formatNumber(o.sd)}, n ${o.n}`]);
    }
  }
  return rows;
}

/**
 * The value of each row of the outcome table in one cell: a share for a yes/no
 * outcome or a category value, a number outcome's median; null for a
 * category's heading row and for no runs. Aligned with outcomeRows.
 */
function cellNumbers(outcomes: readonly OutcomeSummary[]): (number | null)[] {
  const out: (number | null)[] = [];
  for (const o of outcomes) {
    if (o.type === 'boolean') out.push(o.n === 0 ? null : o.p);
    else if (o.type === 'category') {
      out.push(null);
      for (const v of o.values) out.push(v.n === 0 ? null : v.p);
    } else out.push(o.n === 0 ? null : quantileAt(o.quantiles, 0.5));
  }
  return out;
}

/** Rows of the outcome table that hold numbers (not a category's heading), and whether each is a share. */
function rowKinds(outcomes: readonly OutcomeSummary[]): ('share' | 'number' | 'heading')[] {
  return outcomes.flatMap((o): ('share' | 'number' | 'heading')[] =>
    o.type === 'boolean' ? ['share'] : o.type === 'category' ? ['heading', ...o.values.map((): 'share' => 'share')] : ['number'],
  );
}

/** The value of an outcome (or category value) in one cell's column: a percentage, or a number outcome's median. */
function cellValues(outcomes: readonly OutcomeSummary[]): string[] {
  const kinds = rowKinds(outcomes);
  return cellNumbers(outcomes).map((v, i) => (kinds[i] === 'heading' ? '' : v === null ? '—' : kinds[i] === 'share' ? formatPercent(v) : formatNumber(v)));
}

/**
 * The warning for a file that holds fewer runs than its batch (or shard) was to
 * play, or null: its figures describe the runs it has, and cells past the
 * interruption have fewer runs or none.
 */
export function partialNote(runs: number, planned: number | undefined, cells: readonly { runs: number }[]): string | null {
  if (planned === undefined || runs >= planned) return null;
  const sizes = cells.map((c) => c.runs);
  const spread = cells.length > 1 ? `; its cells have ${minOf(sizes)}–${maxOf(sizes)} runs each (${sizes.filter((n) => n === 0).length} with none)` : '';
  return `PARTIAL: this file holds ${runs} of the ${planned} runs it was to hold (the batch was interrupted: --resume completes it)${spread}. Every figure below describes only the runs it holds.`;
}

/** Past this many cells the summary describes the cells' spread instead of listing every cell. */
export const MAX_CELL_COLUMNS = 24;

/**
 * For a large design: per outcome, how its value spreads over the cells (the
 * lowest cell, the 10/50/90% quantiles over cells, the highest cell), so a
 * 1,000-point design prints one line per outcome rather than a thousand columns.
 */
function cellSpreadRows(summary: BatchSummary): string[][] {
  const labels = outcomeRows(summary.overall.outcomes).map((r) => r[0]!);
  const kinds = rowKinds(summary.overall.outcomes);
  const byCell = summary.cells.map((c) => ({ cell: c.cell, values: cellNumbers(c.outcomes) }));
  const rows: string[][] = [['outcome', 'lowest cell', '10%', 'median', '90%', 'highest cell']];
  labels.forEach((label, i) => {
    if (kinds[i] === 'heading') {
      rows.push([label, '', '', '', '', '']);
      return;
    }
    const show = (v: number) => (kinds[i] === 'share' ? formatPercent(v) : formatNumber(v));
    const present = byCell.flatMap((c) => (c.values[i] === null || c.values[i] === undefined ? [] : [{ cell: c.cell, v: c.values[i]! }]));
    if (present.length === 0) {
      rows.push([label, '—', '', '', '', '—']);
      return;
    }
    let low = present[0]!;
    let high = present[0]!;
    for (const x of present) {
      if (x.v < low.v) low = x;
      if (x.v > high.v) high = x;
    }
    const q = quantiles(
      present.map((x) => x.v),
      [0.1, 0.5, 0.9],
    );
    rows.push([label, `${show(low.v)} (cell ${low.cell})`, show(q[0]!), show(q[1]!), show(q[2]!), `${show(high.v)} (cell ${high.cell})`]);
  });
  return rows;
}

/**
 * The head of a table with one column per sweep cell: the cell number, the
 * swept parameters' values (every parameter of the first cell if none is
 * named as swept) and the runs. Shared with the score's table by cell.
 */
export function cellHeaderRows(cells: readonly { cell: number; params: Record<string, number>; runs: number }[], swept: readonly string[]): string[][] {
  const names = swept.length > 0 ? swept : Object.keys(cells[0]?.params ?? {});
  const rows: string[][] = [['cell', ...cells.map((c) => String(c.cell))]];
  for (const p of names) rows.push([p, ...cells.map((c) => (c.params[p] === undefined ? '' : formatNumber(c.params[p])))]);
  rows.push(['runs', ...cells.map((c) => String(c.runs))]);
  return rows;
}

/** The largest half-width of a 95% Wilson interval at n runs (it peaks at p = ½): what a cell's shares can resolve. */
function worstHalfWidth(n: number): number {
  const z2 = 1.959963984540054 ** 2;
  return (Math.sqrt(z2) * Math.sqrt(n / 4 + z2 / 4)) / (n + z2);
}

/**
 * The summary as plain text for a terminal.
 *
 * One table of all runs: booleans and category values as a percentage of runs
 * with the 95% Wilson interval (in percent) and the count; number outcomes as
 * the median, the 5%–95% range of runs, mean, sd and n. For a sweep, a second
 * table has one row per outcome (category values indented) and one column per
 * cell, headed by the swept parameters' values: the rows read like the first
 * table and a parameter's effect reads along a row. Cells hold percentages
 * (number outcomes: the median); the precision of a cell's shares is given once
 * below it rather than per entry. Past `width` columns the cells wrap into
 * further blocks that repeat the outcome names.
 *
 * @example
 * process.stdout.write(formatSummary(await summarizeBatch(table)));
 */
export function formatSummary(summary: BatchSummary, options: FormatOptions = {}): string {
  const maxWidth = options.width ?? 100;
  const lines: string[] = [];
  const sweep = summary.cells.length > 1;
  const what = sweep
    ? `${summary.cells.length} cells × ${summary.runsPerCell} runs (${summary.design}: ${summary.swept.join(', ') || 'no swept parameter'})`
    : 'one cell';
  lines.push(`${summary.scenario.title} (${summary.scenario.id})`);
  lines.push(`${summary.runs} run${summary.runs === 1 ? '' : 's'} · seed ${summary.seed} · ${what}${summary.followHistoryUntil ? ` · the record followed until ${summary.followHistoryUntil}, then the computer` : ''}`);
  const partial = partialNote(summary.runs, summary.planned, summary.cells);
  if (partial) lines.push(partial);
  lines.push('');
  if (sweep) lines.push(`All cells pooled (the cells share their seeds, so the intervals are clustered by seed):`);
  appendAll(lines, renderTable([['outcome', 'share', '95% CI (%)', 'runs'], ...outcomeRows(summary.overall.outcomes)], ['l', 'r', 'l', 'l']));
  if (summary.overall.outcomes.some((o) => o.type === 'number'))
    lines.push('', 'Number outcomes: median, [5% – 95%] of runs, mean, sd and n.');

  if (sweep && summary.cells.length > MAX_CELL_COLUMNS) {
    lines.push('', `Across the ${summary.cells.length} cells (each cell's % of runs; number outcomes: each cell's median):`);
    appendAll(lines, renderTable(cellSpreadRows(summary), ['l', 'r', 'r', 'r', 'r', 'r']));
    lines.push('', `Every cell's values are in --json; its parameters are in the output file (one row per run, with the cell's parameters).`);
  } else if (sweep) {
    lines.push('', 'By cell (% of runs; number outcomes: median):');
    const header = cellHeaderRows(summary.cells, summary.swept);
    const labels = outcomeRows(summary.overall.outcomes).map((r) => r[0]!);
    const columns = summary.cells.map((c) => cellValues(c.outcomes));
    const body = labels.map((label, i) => [label, ...columns.map((col) => col[i] ?? '')]);
    const rows = [...header, ...body];
    appendAll(lines, renderWide(rows, ['l', ...summary.cells.map((): Align => 'r')], 1, maxWidth));
  }
  if (sweep) {
    const sizes = summary.cells.map((c) => c.runs).filter((n) => n > 0);
    if (sizes.length > 0) {
      const n = minOf(sizes);
      lines.push('', `With ${n} runs a cell's shares are within ±${formatPoints(worstHalfWidth(n))} points at most (95% Wilson); --json has every interval.`);
    }
    const empty = summary.cells.filter((c) => c.runs === 0).length;
    if (empty > 0) lines.push(`${empty} cell${empty === 1 ? ' has' : 's have'} no runs in this file (interrupted, or in another shard).`);
  }
  return `${lines.join('\n')}\n`;
}
