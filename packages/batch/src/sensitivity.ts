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
 *   of variance explained by X_i alone, linear or not. On a grid the conditional
 *   means are exact group means per parameter value; for a Latin hypercube (or a
 *   parameter with more than {@link MAX_EXACT_GROUPS} values) the values are cut
 *   into ~10 equal-count bins, which smooths E[Y | X_i] within a bin and so
 *   slightly understates S_i. With finitely many runs S_i is biased upward by
 *   noise: with no effect at all its expectation is about (k − 1)/(n − 1) for k
 *   groups, reported as `noise`.
 * Σ S_i ≤ 1 for independent parameters; 1 − Σ S_i is what interactions and the
 * seeds (run-to-run randomness) leave unexplained.
 *
 * Booleans enter as 0/1, each declared category value as a 0/1 indicator, numbers
 * as they are (non-finite values left out). Everything is aggregated in DuckDB
 * (means, var_pop, covar_pop, group means), so memory stays flat; only the small
 * normal equations are solved here.
 *
 * Standard errors of SRC assume independent runs. Runs of different cells that
 * share a rep index also share their seed (common random numbers), which makes
 * effect estimates more precise than independent runs would: read `se` as an
 * upper bound.
 */
import { BatchInputError } from './errors.js';
import type { BatchDesign } from './meta.js';
import { finiteSql, num, outcomeColumns, tidy, type OutcomeColumn } from './summary.js';
import { ident, literal, type BatchTable } from './table-types.js';
import { formatSigned } from './text/numbers.js';
import { columnWidths, padEndTo, padStartTo, renderTable, textWidth, type Align, type FormatOptions } from './text/table.js';
import { maxOf } from './util/arrays.js';
import { partialNote } from './summary.js';

/** A parameter with more distinct values than this is binned even on a grid. */
export const MAX_EXACT_GROUPS = 20;
/** Bins for Latin-hypercube (and many-valued) parameters. */
export const SENSITIVITY_BINS = 10;
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
  /** Groups S_i was computed over: distinct values, or bins. */
  groups: number;
  binned: boolean;
}

export interface SensitivityEffect {
  parameter: string;
  /** Standardised regression coefficient (0 when aliased or the outcome is constant). */
  src: number;
  /** Standard error of `src` (absent when the residual degrees of freedom are 0, or aliased). */
  se?: number;
  /** The parameter is a linear combination of the ones before it in this design, so the regression cannot separate it (as R's `lm` reports NA). */
  aliased?: true;
  /** First-order index S_i = Var(E[Y | X_i]) / Var(Y), in [0, 1]. */
  first: number;
  /** About what S_i reaches with no effect at all: (groups − 1)/(n − 1). */
  noise: number;
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
  /** One per varying parameter, in the order of `parameters`. */
  effects: SensitivityEffect[];
}

export interface SensitivityResult {
  scenario: { id: string; hash: string; title: string };
  design: BatchDesign['kind'];
  runs: number;
  /** Runs the file(s) were to hold; more than `runs` when interrupted. */
  planned: number;
  /** Swept or varying parameters, in column order (constant ones flagged, without effects). */
  parameters: SensitivityParameter[];
  /** Outcomes in column order, a category as one row per declared value. */
  outcomes: SensitivityOutcome[];
}

interface Target {
  outcome: OutcomeColumn;
  value?: string;
  sql: string;
}

function targets(outcomes: readonly OutcomeColumn[]): Target[] {
  const out: Target[] = [];
  for (const o of outcomes) {
    const col = ident(o.column);
    if (o.kind === 'boolean') out.push({ outcome: o, sql: `CAST(${col} AS DOUBLE)` });
    else if (o.kind === 'number') out.push({ outcome: o, sql: finiteSql(o.column) });
    else for (const v of o.values) out.push({ outcome: o, value: v, sql: `CAST(${col} = ${literal(v)} AS DOUBLE)` });
  }
  return out;
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
  const T = targets(outcomeColumns(meta));
  const X = varying.map((p) => ident(p.column));
  const m: string[] = [];
  X.forEach((x, a) => {
    m.push(`var_pop(${x}) AS vx${a}`);
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
  // Diagonal of R⁻¹ (the variance inflation factors), for the standard errors.
  const vif = varying.map((_, a) => (aliased[a] ? 0 : cholSolve(l, aliased, varying.map((__, b) => (a === b ? 1 : 0)))[a]!));

  // Pass 3: conditional means per parameter value (or bin), one GROUPING SETS query for all parameters.
  const binned = varying.map((p) => meta.design.kind === 'lhs' || p.distinct > MAX_EXACT_GROUPS);
  const groupExpr = await Promise.all(varying.map(async (p, a) => (binned[a] ? binExpression(table, p.column) : ident(p.column))));
  const gsel = groupExpr.map((e, a) => `${e} AS g${a}`);
  const ysel = T.map((t, i) => `${t.sql} AS y${i}`);
  const flags = varying.map((_, a) => `grouping(g${a}) AS f${a}`);
  const aggs = T.flatMap((_, i) => [`count(y${i}) AS n${i}`, `avg(y${i}) AS m${i}`]);
  // Ordered, so the sums below add the groups in the same order every time.
  const groups = await table.all(
    `SELECT ${[...flags, ...varying.map((_, a) => `g${a}`), ...aggs].join(', ')} ` +
      `FROM (SELECT ${[...gsel, ...ysel].join(', ')} FROM ${table.from}) ` +
      `GROUP BY GROUPING SETS (${varying.map((_, a) => `(g${a})`).join(', ')}) ORDER BY ${varying.map((_, a) => `f${a}, g${a}`).join(', ')}`,
  );
  const groupsOf = varying.map((_, a) => groups.filter((g) => num(g[`f${a}`]) === 0));

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
      groups: a < 0 ? 1 : groupsOf[a]!.length,
      binned: a < 0 ? false : binned[a]!,
    };
  });

  const outcomes: SensitivityOutcome[] = T.map((t, i) => {
    const n = get(`ny${i}`);
    const vy = get(`vy${i}`);
    const sy = Math.sqrt(vy);
    // A variance below this share of the squared mean is rounding, not variation.
    const constant = n === 0 || !(vy > 1e-24 * Math.max(1, get(`my${i}`) ** 2));
    const r = varying.map((_, a) => (constant ? 0 : get(`cy${i}_${a}`) / (sy * sx[a]!)));
    const beta = constant ? r.map(() => 0) : cholSolve(l, aliased, r);
    const r2 = constant ? 0 : clamp01(beta.reduce((s, b, a) => s + b * r[a]!, 0));
    const df = n - varying.filter((_, a) => !aliased[a]).length - 1;
    const effects: SensitivityEffect[] = varying.map((p, a) => {
      const g = groupsOf[a]!;
      let between = 0;
      let total = 0;
      let wsum = 0;
      for (const row of g) {
        const ng = num(row[`n${i}`]);
        if (ng === 0) continue;
        total += ng;
        wsum += ng * num(row[`m${i}`]);
      }
      const mu = total > 0 ? wsum / total : 0;
      for (const row of g) {
        const ng = num(row[`n${i}`]);
        if (ng > 0) between += ng * (num(row[`m${i}`]) - mu) ** 2;
      }
      const first = constant || total === 0 ? 0 : clamp01(between / total / vy);
      const k = g.filter((row) => num(row[`n${i}`]) > 0).length;
      const e: SensitivityEffect = {
        parameter: p.id,
        src: tidy(beta[a]!),
        first: tidy(first),
        noise: tidy(n > 1 ? Math.max(0, k - 1) / (n - 1) : 0),
      };
      if (aliased[a]) e.aliased = true;
      else if (!constant && df > 0) e.se = tidy(Math.sqrt((Math.max(0, 1 - r2) / df) * vif[a]!));
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
      effects,
    };
    if (t.value !== undefined) row.value = t.value;
    return row;
  });

  return { scenario: { ...meta.scenario }, design: meta.design.kind, runs, planned: meta.shard.to - meta.shard.from, parameters, outcomes };
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
      if (e.aliased) return ['aliased', `${e.first.toFixed(2)}${mark(e.first >= FIRST_MARK)}`];
      return [`${formatSigned(e.src, 2)}${mark(Math.abs(e.src) >= SRC_MARK)}`, `${e.first.toFixed(2)}${mark(e.first >= FIRST_MARK)}`];
    });
  const head1 = ['', '', '', ...order.flatMap((p) => [p.id, ''])];
  const head2 = ['outcome', 'R²', 'ΣS_i', ...order.flatMap(() => ['SRC', 'S_i'])];
  const body: string[][] = [];
  const constant: string[] = [];
  for (const { g } of sorted) {
    const lead = g.rows[0]!;
    const line = (o: SensitivityOutcome, name: string) => [name, o.r2.toFixed(2), o.firstSum.toFixed(2), ...cellsOf(o)];
    if (lead.kind === 'category') {
      const varying = g.rows.filter((o) => !o.constant);
      const still = g.rows.filter((o) => o.constant).map((o) => o.value ?? '');
      if (still.length > 0) constant.push(varying.length === 0 ? lead.outcome : `${lead.outcome} = ${still.join(' | ')}`);
      if (varying.length === 0) continue;
      body.push([lead.outcome, '', '', ...order.flatMap(() => ['', ''])]);
      for (const o of varying) body.push(line(o, `  ${o.value ?? ''}`));
    } else if (lead.constant) constant.push(lead.outcome);
    else body.push(line(lead, lead.outcome));
  }

  // Wrap by whole parameters (SRC and S_i stay together).
  const rows = [head1, head2, ...body];
  const colW = (j: number) => maxOf(rows.slice(1).map((r) => textWidth(r[j] ?? '')));
  // A parameter's name heads its SRC and S_i columns: widen S_i (right-aligned) so the name never runs into the next parameter.
  order.forEach((p, a) => {
    const need = textWidth(p.id) + 1 - (colW(3 + 2 * a) + 2);
    if (need > colW(4 + 2 * a)) head2[4 + 2 * a] = padStartTo('S_i', need);
  });
  const lead = [0, 1, 2].reduce((s, j) => s + colW(j) + 2, 0);
  const blocks: number[][] = [[]];
  let used = lead;
  order.forEach((p, a) => {
    const w = Math.max(colW(3 + 2 * a) + colW(4 + 2 * a) + 4, textWidth(p.id) + 2);
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
    const pick = [0, 1, 2, ...block.flatMap((a) => [3 + 2 * a, 4 + 2 * a])];
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
  const binnedNote = result.parameters.filter((p) => p.binned).map((p) => p.id);
  lines.push('');
  lines.push('SRC: standardised regression coefficient (sign = direction); R²: of that linear model.');
  lines.push('S_i: first-order index Var(E[Y|X_i])/Var(Y); 1 − ΣS_i is left to interactions and to the seeds.');
  const noise = Math.max(0, ...result.outcomes.flatMap((o) => o.effects.map((e) => e.noise)));
  const chance = noise > 0 ? ` (with no effect at all, S_i reaches about ${Number(noise.toPrecision(2))} by chance)` : '';
  lines.push(`* marks |SRC| ≥ ${SRC_MARK} or S_i ≥ ${FIRST_MARK}${chance}.`);
  if (binnedNote.length > 0) lines.push(`S_i of ${binnedNote.join(', ')} over ${SENSITIVITY_BINS} equal-count bins of the parameter.`);
  if (constant.length > 0) lines.push(`The same in every run (no effect to measure): ${constant.join(', ')}.`);
  const constantParams = result.parameters.filter((p) => p.constant).map((p) => p.id);
  if (constantParams.length > 0) lines.push(`Not varying in this file: ${constantParams.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
